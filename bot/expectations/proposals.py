"""Proposing an expectation of one's own (typed, or in a form), and agreeing to or declining it.

Either side of a 1:1 proposes: the person for themselves (their manager agrees), or the manager for a direct report
(the person agrees). It becomes part of the person's expectations when the other side agrees."""

from __future__ import annotations

import re

from bot.expectations.common import KIND_NAMES, KINDS, PROPOSE_USAGE, waiting
from bot.kernel.context import Context
from bot.kernel.errors import FieldError, UserError, check_form
from bot.kernel.lookup import person_or_me
from bot.kernel.parsing import first_word
from bot.kernel.people import who
from bot.kernel.views import Button, Buttons, Form, Input, Text, View, text_view
from storage.models import Expectation, Person

FLAGS = {"--result": "result", "--action": "action", "--behaviour": "behaviour", "--behavior": "behaviour"}
VALUE_TAG = re.compile(r"(?<![\w&])#([^\W\d_][\w-]*)")  # `#teamwork` names a value; `#12` and `C#` do not


async def propose(ctx: Context, text: str) -> View:
    person, rest = await person_or_me(ctx, text, UserError(
        "Propose for yourself or for one person who reports to you: {example}", example=ctx.cmd(PROPOSE_USAGE)),
        more_text=True)
    other = await other_side(ctx, person)
    if ctx.values:
        kind, body, value = from_form(ctx)
    elif not rest:
        return form(ctx, person)
    else:
        kind, body, value = typed(ctx, rest)
    item = Expectation(person_id=person.id, proposed_by_id=ctx.me.id, kind=kind, text=body, value=value,
                       status="proposed", created_at=ctx.now)
    ctx.uow.expectations.add(item)
    await ctx.uow.expectations.flush()  # the number names it in both messages
    name, item_id, kind_name = who(ctx.me), item.id, KIND_NAMES[kind]
    ctx.tell(other, "expectation.proposed", lambda t: View(
        title=t("{name} proposes an expectation for you", name=name) if person == other else
        t("{name} proposes an expectation of their own", name=name), blocks=[
            Text(text=t("#{id} {text} ({kind})", id=item_id, text=body, kind=t(kind_name))),
            Buttons(buttons=[Button(label=t("Agree"), command=f"expectations agree {item_id}", style="primary"),
                             Button(label=t("Decline"), command=f"expectations decline {item_id}")])]),
        subject=f"expectation:{item_id}")
    next_step = ctx.t("It becomes one of your expectations when {name} agrees; until then it is on your next 1:1's "
                      "agenda.", name=who(other)) if person == ctx.me else ctx.t(
        "It becomes one of {name}'s expectations when they agree; until then it is on your next 1:1's agenda.",
        name=who(person))
    return View(blocks=[Text(text=ctx.t("Proposed as #{id}: {text} ({kind}).", id=item.id, text=body,
                                        kind=ctx.t(kind_name))),
                        Text(text=next_step)])


async def other_side(ctx: Context, person: Person) -> Person:
    """Who agrees to what I propose for `person`: my manager for me, my report for them; anyone else is refused."""
    if person == ctx.me:
        manager = await ctx.uow.people.get(ctx.me.manager_id) if ctx.me.manager_id else None
        if manager is None:
            raise UserError("Your expectations of your own are agreed with your manager, and the org directory "
                            "shows none for you.")
        return manager
    if person.manager_id != ctx.me.id:
        raise UserError("You propose expectations for yourself or for someone who reports to you; {name} does not.",
                        name=who(person))
    return person


def typed(ctx: Context, text: str) -> tuple[str, str, str | None]:
    """`Review two PRs a day --action`: the kind's flag anywhere (a `#value` alone makes a behaviour)."""
    words = text.split()
    flags = [word for word in words if word.startswith("--") and len(word) > 2]
    for flag in flags:
        if flag.lower() not in FLAGS:
            raise UserError("{flag} is not a kind of expectation. Use --result, --action or --behaviour: {example}",
                            flag=flag, example=ctx.cmd(PROPOSE_USAGE))
    if len({FLAGS[flag.lower()] for flag in flags}) > 1:
        raise UserError("Give one kind: --result, --action or --behaviour.")
    body = ctx.require_text(" ".join(word for word in words if word not in flags), PROPOSE_USAGE)
    tags = [tag.lower() for tag in VALUE_TAG.findall(body)]
    kind = FLAGS[flags[0].lower()] if flags else ("behaviour" if tags else "result")
    return kind, body, value_of(ctx, kind, tags[0] if tags else "")


def value_of(ctx: Context, kind: str, tag: str) -> str | None:
    """A behaviour's company value: one of the kudos values, or none."""
    if not tag or kind != "behaviour":
        return None
    if tag not in ctx.deps.settings.kudos.values:
        raise UserError("#{tag} is not one of our values. Use one of: {values}.", tag=tag,
                        values=" ".join("#" + v for v in ctx.deps.settings.kudos.values))
    return tag


def form(ctx: Context, person: Person) -> View:
    """`/expectations propose` alone: what, which kind and (for a behaviour) which value, in a modal or a card."""
    title = ctx.t("Propose an expectation") if person == ctx.me else \
        ctx.t("An expectation for {name}", name=who(person))
    command = "expectations propose" + ("" if person == ctx.me else f" @{person.email}")
    values = ctx.deps.settings.kudos.values
    return View(title=title, blocks=[
        Text(text=ctx.t("Make it measurable: a result is what is produced, an action how the work is done, a "
                        "behaviour a value shown.")),
        Form(title=title, command=command, submit_label=ctx.t("Propose"), inputs=[
            Input(name="text", label=ctx.t("The expectation"), kind="multiline",
                  hint=ctx.t("how success is measured, e.g. {example}", example=ctx.t("Review two pull requests a "
                                                                                     "day"))),
            Input(name="kind", label=ctx.t("Kind"), kind="choice", value="result",
                  options=[(kind, ctx.t(KIND_NAMES[kind])) for kind in KINDS]),
            Input(name="value", label=ctx.t("Company value (behaviours)"), kind="choice", optional=True,
                  options=[(value, "#" + value) for value in values], follows="kind",
                  hint=ctx.t("kudos with this value count as evidence")),
        ])])


def from_form(ctx: Context) -> tuple[str, str, str | None]:
    body, kind = ctx.values.get("text", "").strip(), ctx.values.get("kind", "").strip().lower()
    value = ctx.values.get("value", "").strip().lstrip("#").lower()
    limit = ctx.deps.settings.limits.max_text_length
    errors: list[FieldError] = []
    if not body:
        errors.append(FieldError("text", "Please answer this one."))
    elif len(body) > limit:
        errors.append(FieldError("text", "Please keep it under {limit} characters.", limit=limit))
    if kind not in KINDS:
        errors.append(FieldError("kind", "Pick result, action or behaviour."))
    if value and value not in ctx.deps.settings.kudos.values:
        errors.append(FieldError("value", "Pick one of our values: {values}.",
                                 values=" ".join("#" + v for v in ctx.deps.settings.kudos.values)))
    elif value and kind != "behaviour":
        errors.append(FieldError("value", "Only a behaviour names a value; leave it empty for a result or an action."))
    check_form(errors)
    return kind, body, value or None


async def decide(ctx: Context, word: str, text: str) -> View:
    number, extra = first_word(text)
    usage = f"expectations {word} 3"
    if extra:
        raise UserError("Just the proposal's number: {example}", example=ctx.cmd(usage))
    item, person = await waiting(ctx, number, usage)
    item.status, item.decided_at = ("agreed" if word == "agree" else "declined"), ctx.now
    proposer = await ctx.uow.people.get(item.proposed_by_id) if item.proposed_by_id else None
    name, item_id, body, agreed = who(ctx.me), item.id, item.text, word == "agree"
    if proposer is not None:
        ctx.tell(proposer, f"expectation.{item.status}", lambda t: text_view(
            t("{name} agreed to expectation #{id}: {text}", name=name, id=item_id, text=body) if agreed else
            t("{name} declined expectation #{id}: {text}", name=name, id=item_id, text=body)),
            subject=f"expectation:{item_id}")
    if not agreed:
        return text_view(ctx.t("You declined #{id}: {text}. It stays out of the expectations.", id=item.id,
                               text=item.text))
    if person == ctx.me:
        return text_view(ctx.t("Agreed: #{id} {text} is now one of your expectations.", id=item.id, text=item.text))
    return text_view(ctx.t("Agreed: #{id} {text} is now one of {name}'s expectations.", id=item.id, text=item.text,
                           name=who(person)))
