"""/1on1: topics, notes, action items and agendas."""

from __future__ import annotations

from datetime import date

from bot.kernel.context import Context, Feature
from bot.kernel.errors import FieldError, UserError, check_form
from bot.kernel.i18n import N_
from bot.kernel.parsing import MAX_ID, id_number
from bot.kernel.people import resolve_mention, split_mentions, who
from bot.kernel.settings import CADENCES
from bot.kernel.views import Fields, Form, Input, Text, View, text_view
from bot.oneonones import whys
from bot.oneonones.agenda import agenda_view, load_agenda
from bot.oneonones.pairs import (
    ACTION,
    ADD,
    AGENDA,
    CADENCE,
    CADENCE_WORDS,
    DONE,
    NOTE,
    Pair,
    cadence_name,
    example,
    pairs,
    zone_of,
)
from storage.models import OneOnOneEntry

SUBCOMMANDS = ("add", "agenda", "note", "action", "done", "cadence", "why", "cause")


async def handle(ctx: Context, text: str) -> View:
    word, _, rest = text.partition(" ")
    word = word.lower()
    if not text:
        return await overview(ctx)
    if split_mentions(text, ctx.mentions)[0]:  # `/1on1 @lea` is that pair's agenda
        return await agenda(ctx, text)
    if word == "action" and rest.strip().lower().split(" ")[0] == "done":
        return await close_action(ctx, rest.strip()[4:].strip())
    if word in ("add", "note", "action"):
        return await record(ctx, {"add": "topic"}.get(word, word), rest)
    if word in ("why", "cause"):
        pair, body = await pair_with(ctx, rest, whys.WHY if word == "why" else whys.CAUSE)
        return await whys.record(ctx, pair, word, body)
    handler = {"done": done, "agenda": agenda, "cadence": cadence}.get(word)
    if handler is None:
        raise UserError("There is no {command}. Use one of: {commands}.", command=ctx.cmd(f"1on1 {word}"),
                        commands=", ".join(ctx.cmd(f"1on1 {name}") for name in SUBCOMMANDS))
    return await handler(ctx, rest)


async def pair_with(ctx: Context, text: str, usage: str) -> tuple[Pair, str]:
    """The pair of me and the one person mentioned first — my report or my manager — and the rest of the text."""
    tokens, rest = split_mentions(text, ctx.mentions)
    if len(tokens) != 1:
        raise UserError("Mention the one person the 1:1 is with — your report or your manager: {example}",
                        example=example(ctx.t, ctx.prefix, usage))
    other = await resolve_mention(ctx.uow, tokens[0], ctx.mentions)
    if other.id == ctx.me.id:
        raise UserError("1:1s are between a manager and their direct report: mention your report or your manager, "
                        "not yourself: {example}", example=example(ctx.t, ctx.prefix, usage))
    if other.manager_id == ctx.me.id:
        manager, report = ctx.me, other
    elif ctx.me.manager_id == other.id:
        manager, report = other, ctx.me
    elif ctx.is_admin:
        raise UserError("Not allowed: 1:1s are private to the manager and the report, even for admins. "
                        "The organisation-wide digest shows only totals.")
    else:
        raise UserError("Not allowed: {name} is neither your direct report nor your manager. 1:1s are between a "
                        "manager and their direct report, and only those two see them.", name=who(other))
    found = await pairs(ctx.uow, ctx.deps.settings, ctx.now, report_ids=[report.id])
    return next(p for p in found if p.manager.id == manager.id), rest.strip()


async def overview(ctx: Context) -> View:
    mine = await pairs(ctx.uow, ctx.deps.settings, ctx.now, involving=ctx.me.id)
    if not mine:
        return text_view(ctx.t("You have no 1:1s: they are between a manager and their direct reports, and the org "
                               "directory shows neither for you."))
    blocks: list[Text | Fields] = []
    reports = [p for p in mine if p.manager.id == ctx.me.id]
    if reports:
        blocks += [Text(text=ctx.t("With your reports")),
                   Fields(fields=[(who(p.report), status(ctx, p)) for p in reports])]
    manager = [p for p in mine if p.report.id == ctx.me.id]
    if manager:
        blocks += [Text(text=ctx.t("With your manager")),
                   Fields(fields=[(who(p.manager), status(ctx, p)) for p in manager])]
    other = mine[0].other(ctx.me)
    blocks.append(Text(text=ctx.t("Add a topic: {add} · the agenda: {agenda} · after the meeting: {done}",
                                  add=example(ctx.t, ctx.prefix, ADD, other),
                                  agenda=example(ctx.t, ctx.prefix, AGENDA, other),
                                  done=example(ctx.t, ctx.prefix, DONE, other))))
    return View(title=ctx.t("Your 1:1s"), blocks=blocks)


def status(ctx: Context, pair: Pair) -> str:
    last = pair.row.last_held_on.isoformat() if pair.row.last_held_on else ctx.t("never")
    params = {"next": pair.next_day.isoformat(), "last": last, "cadence": cadence_name(ctx.t, pair.row.cadence_days)}
    if pair.overdue(ctx.now.astimezone(pair.zone).date()):
        return ctx.t("⚠ overdue: next was {next}, last held {last}, {cadence}", **params)
    return ctx.t("next {next}, last held {last}, {cadence}", **params)


async def cadence(ctx: Context, text: str) -> View:
    pair, word = await pair_with(ctx, text, CADENCE)
    if pair.manager.id != ctx.me.id:
        raise UserError("Only your manager {name} sets how often you meet. Suggest a change as a topic: {example}",
                        name=who(pair.manager), example=example(ctx.t, ctx.prefix, ADD, pair.manager))
    chosen = CADENCE_WORDS.read(ctx.deps.catalogs, word)
    if chosen is None:
        raise UserError("Choose weekly, biweekly or monthly: {example}",
                        example=example(ctx.t, ctx.prefix, CADENCE, pair.report))
    pair.row.cadence_days = CADENCES[chosen]
    return text_view(ctx.t("Your 1:1s with {name} are now {cadence}; the next one is on {date}.",
                           name=who(pair.report), cadence=cadence_name(ctx.t, pair.row.cadence_days),
                           date=pair.next_day.isoformat()))


async def record(ctx: Context, kind: str, text: str) -> View:
    usage = {"topic": ADD, "note": NOTE, "action": ACTION}[kind]
    pair, body = await pair_with(ctx, text, usage)
    if kind == "note" and not body:
        return await notes_from_form(ctx, pair) if ctx.values else notes_form(ctx, pair)
    if not body:
        raise UserError("Please add some text: {usage}", usage=example(ctx.t, ctx.prefix, usage, pair.other(ctx.me)))
    body = ctx.require_text(body, usage)
    # Notes and actions written on the day of a recorded meeting belong to it; topics are for the next one.
    held = pair.row.last_held_on if kind != "topic" and pair.row.last_held_on == today(ctx, pair) else None
    entry = OneOnOneEntry(pair_id=pair.row.id, kind=kind, text=body, author_id=ctx.me.id, created_at=ctx.now,
                          held_on=held)
    ctx.uow.oneonones.add(entry)
    await ctx.uow.oneonones.flush()  # the reply needs the entry's number
    name = who(pair.other(ctx.me))
    if kind == "topic":
        return text_view(ctx.t("Added to the agenda of your next 1:1 with {name} ({date}): {topic}", name=name,
                               date=pair.next_day.isoformat(), topic=body))
    if kind == "note":
        return text_view(ctx.t("Note saved for your 1:1s with {name}; only the two of you can see it.", name=name))
    return text_view(ctx.t("Action item #{id} saved for your 1:1s with {name}: {text}. Close it with {command}.",
                           id=entry.id, name=name, text=body, command=ctx.cmd(f"1on1 action done {entry.id}")))


def notes_form(ctx: Context, pair: Pair) -> View:
    """`/1on1 note @lea` alone: the meeting's notes and action items in one go (a modal, a card)."""
    other = pair.other(ctx.me)
    title = ctx.t("1:1 notes with {name}", name=who(other))
    return View(title=title, blocks=[
        Text(text=ctx.t("Only the two of you can see these.")),
        Form(title=title, command=f"1on1 note @{other.email}", submit_label=ctx.t("Save notes"), inputs=[
            Input(name="note", label=ctx.t("Notes"), kind="multiline", optional=True),
            Input(name="actions", label=ctx.t("Action items"), kind="multiline", optional=True,
                  hint=ctx.t("one per line")),
        ])])


async def notes_from_form(ctx: Context, pair: Pair) -> View:
    note = ctx.values.get("note", "").strip()
    actions = [line.strip() for line in ctx.values.get("actions", "").splitlines() if line.strip()]
    limit = ctx.deps.settings.limits.max_text_length
    errors = [FieldError(name, "Please keep it under {limit} characters.", limit=limit)
              for name, texts in (("note", [note]), ("actions", actions)) if any(len(t) > limit for t in texts)]
    if not note and not actions:
        errors.append(FieldError("note", "Write a note or an action item."))
    check_form(errors)
    held = pair.row.last_held_on if pair.row.last_held_on == today(ctx, pair) else None
    texts = [("note", note)] * bool(note) + [("action", action) for action in actions]
    rows = [OneOnOneEntry(pair_id=pair.row.id, kind=kind, text=body, author_id=ctx.me.id, created_at=ctx.now,
                          held_on=held) for kind, body in texts]
    ctx.uow.oneonones.add(*rows)
    await ctx.uow.oneonones.flush()  # the reply needs the action items' numbers
    name = who(pair.other(ctx.me))
    said = [ctx.t("Note saved for your 1:1s with {name}; only the two of you can see it.", name=name)] if note else []
    ids = [row.id for row in rows if row.kind == "action"]
    if ids:
        said.append(ctx.t.plural("Action item {ids} saved; close it with {command}.",
                                 "Action items {ids} saved; close each with {command}.", len(ids),
                                 ids=", ".join(f"#{i}" for i in ids), command=ctx.cmd(f"1on1 action done {ids[0]}")))
    return text_view("\n".join(said))


def today(ctx: Context, pair: Pair) -> date:
    return ctx.now.astimezone(pair.zone).date()


async def close_action(ctx: Context, text: str) -> View:
    number = id_number(text)
    if number is None or number > MAX_ID:
        raise UserError("Give the number of the action item: {example}", example=ctx.cmd("1on1 action done 12"))
    entry = await ctx.uow.oneonones.entry(number)
    if entry is None or entry.kind != "action":
        raise UserError("There is no action item #{id}. The agenda lists the open ones: {example}", id=number,
                        example=example(ctx.t, ctx.prefix, AGENDA))
    row = await ctx.uow.oneonones.get(entry.pair_id)
    if row is None or ctx.me.id not in (row.manager_id, row.report_id):
        raise UserError("Not allowed: action item #{id} belongs to a 1:1 you are not part of; only its two people "
                        "can see or change it.", id=entry.id)
    if entry.done_at is not None:
        raise UserError("Action item #{id} is already done.", id=entry.id)
    entry.done_at = ctx.now
    return text_view(ctx.t("Action item #{id} is done: {text}", id=entry.id, text=entry.text))


async def done(ctx: Context, text: str) -> View:
    pair, rest = await pair_with(ctx, text, DONE)
    if rest:
        raise UserError("Only the person goes after {command}: {example}", command=ctx.cmd("1on1 done"),
                        example=example(ctx.t, ctx.prefix, DONE, pair.other(ctx.me)))
    day = today(ctx, pair)
    topics = await ctx.uow.oneonones.mark_held(pair.row.id, day)
    pair.row.last_held_on, pair.row.held_count = day, (pair.row.held_count or 0) + 1
    return text_view(ctx.t.plural(
        "Your 1:1 with {name} is recorded as held on {date}, with {n} topic. The next one is on {next}.",
        "Your 1:1 with {name} is recorded as held on {date}, with {n} topics. The next one is on {next}.",
        topics, name=who(pair.other(ctx.me)), date=day.isoformat(), next=pair.next_day.isoformat()))


async def agenda(ctx: Context, text: str) -> View:
    pair, rest = await pair_with(ctx, text, AGENDA)
    if rest:
        raise UserError("Only the person goes after {command}: {example}", command=ctx.cmd("1on1 agenda"),
                        example=example(ctx.t, ctx.prefix, AGENDA, pair.other(ctx.me)))
    loaded = await load_agenda(ctx.uow, pair, ctx.deps.settings.oneonone.growth_every, ctx.now)
    return agenda_view(ctx.t, loaded, ctx.me, zone_of(ctx.deps.settings, ctx.me), ctx.prefix)


FEATURE = Feature(
    handle=handle,
    summary=N_("One-on-ones with your manager or your reports: {p}1on1"),
    usage=N_("{p}1on1 — your 1:1s: next date, last held, overdue\n"
             "{p}1on1 add @lea Career plans — a topic for the next meeting (either of you)\n"
             "{p}1on1 agenda @lea — the agenda now; you both get it the day before the meeting\n"
             "{p}1on1 note @lea … and {p}1on1 action @lea Book the course — notes and action items, private to "
             "the two of you\n"
             "{p}1on1 action done 12 — close action item 12\n"
             "{p}1on1 why @lea … and {p}1on1 cause @lea … — 5 Whys about a blocker that keeps coming back: the "
             "next why (up to five), then the root cause\n"
             "{p}1on1 done @lea — the meeting was held today; the next date moves by the cadence\n"
             "{p}1on1 cadence @lea weekly — weekly, biweekly or monthly (set by the manager)\n"
             "A 1:1 with nothing held for twice its cadence is flagged to the manager."),
)
