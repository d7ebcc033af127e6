"""/grow: development plans. The person owns their plan — what to learn and why, how (a course, mentoring, a stretch
assignment), by when — and their manager comments and agrees. Visible to the person and their manager only;
admins see counts in the organisation's digest. A growth topic comes onto every fourth 1:1 agenda.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from bot.kernel.context import Context, Feature
from bot.kernel.due import due_at_end
from bot.kernel.errors import FieldError, UserError, answer_to, check_form
from bot.kernel.i18n import N_, Translator
from bot.kernel.keywords import Keywords
from bot.kernel.lookup import by_number, person_or_me
from bot.kernel.parsing import first_word
from bot.kernel.people import who
from bot.kernel.views import Button, Buttons, Form, Input, Text, View, text_view
from bot.kernel.visibility import sees_personal
from storage.models import GrowthItem, GrowthNote, Person

HOW = re.compile(r"\s+(?:—|--)\s+")
ADD_USAGE = N_("grow add Learn query tuning by 2027-03-31 — pairing with Bo, the PostgreSQL course")
SUBCOMMANDS = ("add", "note", "comment", "agree", "done", "drop", "link")
LINK_USAGE = "grow link 3 to 5"
TO = Keywords({"to": (N_("to"),)})


async def handle(ctx: Context, text: str) -> View:
    word, rest = first_word(text)
    if word.lower() == "add":
        return await add(ctx, rest)
    if word.lower() in ("note", "done", "drop"):
        return await own(ctx, word.lower(), rest)
    if word.lower() in ("comment", "agree"):
        return await manage(ctx, word.lower(), rest)
    if word.lower() == "link":
        return await link(ctx, rest)
    if not word or word.startswith("@") or ctx.mentions:
        return await plan(ctx, text)
    raise UserError("There is no {command}. Use one of: {commands}.", command=ctx.cmd("grow " + word),
                    commands=", ".join(ctx.cmd("grow " + name) for name in ("", *SUBCOMMANDS)))


async def add(ctx: Context, text: str) -> View:
    """Typed in one line, or, with nothing after `add`, a form (a Slack modal, a Teams card, questions in the
    console) whose answers come back here as values."""
    if ctx.values:
        return await added(ctx, *read_form(ctx))
    if not text.strip():
        return add_form(ctx.t)
    what, how = split_how(ctx.require_text(text, ADD_USAGE))
    due = None
    found = due_at_end(ctx.deps.catalogs, what)
    if found:
        what, due = found[0], read_date(ctx, found[1])
    return await added(ctx, ctx.require_text(what, ADD_USAGE), how, due)


def add_form(t: Translator) -> View:
    title = t("Add to your development plan")
    return View(title=title, blocks=[Form(title=title, command="grow add", submit_label=t("Add"), inputs=[
        Input(name="what", label=t("What do you want to learn, and why?"), kind="multiline"),
        Input(name="how", label=t("How: a course, mentoring, a stretch assignment?"), optional=True),
        Input(name="by", label=t("By when?"), optional=True, hint=t("a date, YYYY-MM-DD; empty for no date"))])])


def read_form(ctx: Context) -> tuple[str, str, date | None]:
    """The form's answers, every mistake at once (shown beside its answer; nothing is added)."""
    values = {name: ctx.values.get(name, "").strip() for name in ("what", "how", "by")}
    errors: list[FieldError] = []
    limit = ctx.deps.settings.limits.max_text_length
    if not values["what"]:
        errors.append(FieldError("what", "Please answer this one."))
    for name in ("what", "how"):
        if len(values[name]) > limit:
            errors.append(FieldError(name, "Please keep it under {limit} characters.", limit=limit))
    due = None
    if values["by"]:
        with answer_to(errors, "by"):
            due = read_date(ctx, values["by"])
    check_form(errors)
    return values["what"], values["how"], due


async def added(ctx: Context, what: str, how: str, due: date | None) -> View:
    item = GrowthItem(person_id=ctx.me.id, what=what, how=how, due_date=due,
                      status="open", created_at=ctx.now, updated_at=ctx.now)
    ctx.uow.growth.add(item)
    await ctx.uow.growth.flush()
    manager = await ctx.uow.people.get(ctx.me.manager_id) if ctx.me.manager_id else None
    reply = ctx.t("Added to your development plan as #{id}: {item}", id=item.id, item=line(ctx.t, item))
    if manager is None:
        return text_view(reply)
    name, item_id, shown = who(ctx.me), item.id, item.what
    ctx.tell(manager, "growth.added", lambda t: View(
        title=t("{name} added to their development plan", name=name), blocks=[
            Text(text=f"#{item_id} {shown}"),
            Buttons(buttons=[Button(label=t("Agree"), command=f"grow agree {item_id}", style="primary")])]),
        subject=f"growth:{item.id}")
    return View(blocks=[Text(text=reply), Text(text=ctx.t("{manager} can comment and agree; only the two of you see "
                                                          "it.", manager=who(manager)))])


def split_how(text: str) -> tuple[str, str]:
    parts = HOW.split(text, maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")


def read_date(ctx: Context, typed: str) -> date:
    try:
        day = datetime.strptime(typed, "%Y-%m-%d").date()
    except ValueError:
        raise UserError("{date} is not a real date. Write it as YYYY-MM-DD: {example}", date=typed,
                        example=ctx.cmd(ADD_USAGE)) from None
    if day < date.fromisoformat(ctx.local_date(ctx.now)):
        raise UserError("The due date {date} has already passed. Pick today or a later day: {example}",
                        date=day.isoformat(), example=ctx.cmd(ADD_USAGE))
    return day


def line(t: Translator, item: GrowthItem) -> str:
    text = f"#{item.id} {item.what}"
    if item.due_date:
        text += " " + t("(by {date})", date=item.due_date.isoformat())
    if item.expectation_id is not None:
        text += " " + t("(for expectation #{id})", id=item.expectation_id)
    if item.how:
        text += " — " + item.how
    if item.status != "open":
        return text + " — " + (t("done ✓") if item.status == "done" else t("dropped"))
    return text + " — " + (t("agreed ✓") if item.agreed_at else t("not agreed yet"))


async def plan(ctx: Context, text: str) -> View:
    person, _ = await person_or_me(ctx, text, UserError("To see your plan type {mine}; a report's, {theirs}.",
                                                        mine=ctx.cmd("grow"), theirs=ctx.cmd("grow @lea")))
    if not sees_personal(ctx.me.id, person):  # admins too: they see counts
        raise UserError("Development plans are seen by the person and their manager only.")
    items = await ctx.uow.growth.of(person.id, include_closed=True)
    if not items:
        if person == ctx.me:
            return text_view(ctx.t("Your development plan is empty. Add what you want to learn: {example}",
                                   example=ctx.cmd(ADD_USAGE)))
        return text_view(ctx.t("{name} has no development plan yet.", name=who(person)))
    lines: list[str] = []
    for item in items:
        lines.append(line(ctx.t, item))
        notes = await ctx.uow.growth.notes(item.id)
        if notes and item.status == "open":
            lines.append("    " + ctx.t("latest: {note} ({date})", note=notes[-1].text,
                                        date=ctx.local_date(notes[-1].created_at)))
    title = ctx.t("Your development plan") if person == ctx.me else ctx.t("Development plan of {name}",
                                                                          name=who(person))
    return View(title=title, blocks=[Text(text="\n".join(lines))])


async def find(ctx: Context, number: str, usage: str) -> tuple[GrowthItem, Person]:
    item_id, item = await by_number(number, ctx.uow.growth.get, UserError(
        "Which item? Give its number from {list}: {example}", list=ctx.cmd("grow"), example=ctx.cmd(usage)))
    owner = await ctx.uow.people.get(item.person_id) if item else None
    if item is None or owner is None or not sees_personal(ctx.me.id, owner) or item.status != "open":
        raise UserError("There is no open item #{id} in a plan you can see. See {list}", id=item_id,
                        list=ctx.cmd("grow"))
    return item, owner


async def own(ctx: Context, word: str, text: str) -> View:
    number, note = first_word(text)
    usage = {"note": "grow note 3 Finished the first part", "done": "grow done 3", "drop": "grow drop 3"}[word]
    item, owner = await find(ctx, number, usage)
    if owner != ctx.me:
        raise UserError("Only {name} changes their plan; you can {comment} or {agree}.", name=who(owner),
                        comment=ctx.cmd(f"grow comment {item.id} …"), agree=ctx.cmd(f"grow agree {item.id}"))
    if word == "note":
        ctx.uow.growth.add(GrowthNote(item_id=item.id, author_id=ctx.me.id, text=ctx.require_text(note, usage),
                                      created_at=ctx.now))
        item.updated_at = ctx.now
        return text_view(ctx.t("Noted on #{id}.", id=item.id))
    if note:
        raise UserError("Just the item's number: {example}", example=ctx.cmd(usage))
    item.status, item.updated_at = word, ctx.now
    if word == "drop":
        return text_view(ctx.t("#{id} is dropped from your plan: {what}", id=item.id, what=item.what))
    item.completed_at = ctx.now
    manager = await ctx.uow.people.get(ctx.me.manager_id) if ctx.me.manager_id else None
    if manager is not None:
        name, what = who(ctx.me), item.what
        ctx.tell(manager, "growth.done", lambda t: text_view(t("{name} finished an item of their development "
                                                               "plan: {what}", name=name, what=what)))
    return text_view(ctx.t("#{id} is done: {what}. Well done!", id=item.id, what=item.what))


async def manage(ctx: Context, word: str, text: str) -> View:
    number, comment = first_word(text)
    usage = "grow agree 3" if word == "agree" else N_("grow comment 3 Let's pair on it on Tuesdays")
    item, owner = await find(ctx, number, usage)
    if owner.manager_id != ctx.me.id:
        raise UserError("Only {name}'s manager comments on and agrees to their plan; add a note with {note}.",
                        name=who(owner), note=ctx.cmd(f"grow note {item.id} …"))
    name, what, item_id = who(ctx.me), item.what, item.id
    if word == "agree":
        if comment:
            raise UserError("Just the item's number: {example}", example=ctx.cmd(usage))
        item.agreed_at = item.agreed_at or ctx.now
        ctx.tell(owner, "growth.agreed", lambda t: text_view(t("{name} agreed to #{id} of your development plan: "
                                                              "{what}", name=name, id=item_id, what=what)))
        return text_view(ctx.t("You agreed to #{id} of {name}'s plan: {what}", id=item.id, name=who(owner),
                               what=item.what))
    comment = ctx.require_text(comment, usage)
    ctx.uow.growth.add(GrowthNote(item_id=item.id, author_id=ctx.me.id, text=comment, created_at=ctx.now))
    ctx.tell(owner, "growth.comment", lambda t: View(title=t("{name} commented on #{id} of your development plan",
                                                            name=name, id=item_id), blocks=[Text(text=comment)]))
    return text_view(ctx.t("Comment added to #{id}; {name} hears about it.", id=item.id, name=who(owner)))


async def link(ctx: Context, text: str) -> View:
    """`/grow link 3 to 5`: item 3 of my plan serves expectation #5, one of my own (see /expectations)."""
    words = text.split()
    if len(words) != 3 or not TO.read(ctx.deps.catalogs, words[1]):
        raise UserError("Say which item serves which of your expectations: {example}", example=ctx.cmd(LINK_USAGE))
    item, owner = await find(ctx, words[0], LINK_USAGE)
    if owner != ctx.me:
        raise UserError("Only {name} changes their plan; you can {comment} or {agree}.", name=who(owner),
                        comment=ctx.cmd(f"grow comment {item.id} …"), agree=ctx.cmd(f"grow agree {item.id}"))
    unknown = UserError("You have no expectation #{id} of your own. Their numbers are in {list}.", id=words[2],
                        list=ctx.cmd("expectations"))
    _, expectation = await by_number(words[2], ctx.uow.expectations.get, unknown)
    if expectation is None or expectation.person_id != ctx.me.id or expectation.status == "declined":
        raise unknown
    item.expectation_id, item.updated_at = expectation.id, ctx.now
    return text_view(ctx.t("#{id} of your plan now serves expectation #{expectation}: {text}", id=item.id,
                           expectation=expectation.id, text=expectation.text))


@dataclass(frozen=True)
class PlanItem:
    """An open item of a development plan as the web dashboard shows it."""

    id: int
    what: str
    how: str
    due: str
    agreed: bool


async def my_plan(ctx: Context) -> list[PlanItem]:
    """The open items of my own plan (a read-model for the web dashboard)."""
    return [PlanItem(item.id, item.what, item.how, item.due_date.isoformat() if item.due_date else "",
                     item.agreed_at is not None) for item in await ctx.uow.growth.of(ctx.me.id)]


async def reports_plans(ctx: Context) -> list[tuple[str, int]]:
    """For a manager: each direct report (a mention) and how many open items their plan has (0: no plan). The
    person and their manager only, so only the manager's own reports."""
    return [(who(person), len(await ctx.uow.growth.of(person.id)))
            for person in await ctx.uow.people.reports_of(ctx.me.id)
            if person.deactivated_at is None and sees_personal(ctx.me.id, person)]


FEATURE = Feature(
    handle=handle,
    summary=N_("Your development plan: {p}grow add Learn query tuning by 2027-03-31 — the PostgreSQL course"),
    usage=N_("{p}grow — your development plan; {p}grow @lea — a report's\n"
             "{p}grow add Learn query tuning by 2027-03-31 — pairing with Bo, the PostgreSQL course — what to learn "
             "and why, by when (optional), and after a dash how; {p}grow add alone opens a form\n"
             "{p}grow note 3 Finished the first part — a progress note\n"
             "{p}grow done 3, {p}grow drop 3 — close an item\n"
             "{p}grow comment 3 … and {p}grow agree 3 — for the manager\n"
             "{p}grow link 3 to 5 — item 3 serves expectation #5, one of your own (see {p}expectations)\n"
             "A growth topic comes onto every fourth 1:1. Only you and your manager see your plan."),
)
