"""An idea's Plan-Do-Check-Act lifecycle: statuses, who moves it, the status form, and telling the author and voters."""

from __future__ import annotations

from collections.abc import Callable

from bot.ideas.effect import read_measured
from bot.ideas.idea import find, short, show_button, tell_author
from bot.ideas.recognition import recognise
from bot.kernel.context import BuildView, Context
from bot.kernel.effect import Measured, describe
from bot.kernel.errors import FieldError, UserError, check_form
from bot.kernel.i18n import N_, Translator
from bot.kernel.keywords import Keywords
from bot.kernel.numbers import number, parse_number
from bot.kernel.parsing import first_word, id_number
from bot.kernel.people import resolve_mention, split_mentions, who
from bot.kernel.views import Buttons, Form, Input, Text, View, text_view
from storage.models import Idea, IdeaResult, IdeaStatusChange

STATUS_NAMES = {"new": N_("new"), "accepted": N_("accepted"), "doing": N_("doing"), "checking": N_("checking"),
                "adopted": N_("adopted"), "declined": N_("declined")}


STAGES = {"accepted": N_("plan"), "doing": N_("do"), "checking": N_("check"), "adopted": N_("act")}
# A status as typed: its name or its PDCA stage, in any language (`doing`, `do`, `pågår`, `进行中`).
STATUS_WORDS = Keywords({status: (name, *([STAGES[status]] if status in STAGES else [])) for status, name in
                         STATUS_NAMES.items()})


# Checking may go back to doing: another turn of the cycle. Adopted and declined are final.
MOVES: dict[str, tuple[str, ...]] = {
    "new": ("accepted", "declined"), "accepted": ("doing", "declined"), "doing": ("checking", "declined"),
    "checking": ("adopted", "doing", "declined"), "adopted": (), "declined": ()}


OPEN = ("new", "accepted", "doing", "checking")


async def assign_owner(ctx: Context, text: str) -> View:
    number, rest = first_word(text)
    if not ctx.is_admin:
        raise UserError("Only an admin can choose who owns an idea. See who owns it with {show}.",
                        show=ctx.cmd(f"idea show {number}" if id_number(number) is not None else "idea show 12"))
    idea = await find(ctx, number, "idea owner 12 @ana")
    if not MOVES[idea.status]:
        raise UserError("Idea #{id} is {status}, which is final: it needs no owner any more.", id=idea.id,
                        status=label(ctx.t, idea.status))
    tokens, extra = split_mentions(rest, ctx.mentions)
    if len(tokens) != 1 or extra:
        raise UserError("Who should own idea #{id}? Give one @name: {example}", id=idea.id,
                        example=ctx.cmd(f"idea owner {idea.id} @ana"))
    owner = await resolve_mention(ctx.uow, tokens[0], ctx.mentions)
    idea.owner_id, idea.updated_at = owner.id, ctx.now

    def notice(t: Translator) -> View:
        return View(title=t("You now own idea #{id}", id=idea.id), blocks=[
            Text(text=idea.text),
            Text(text=t("It is {status}. Move it through Plan-Do-Check-Act; its author and voters hear of every step.",
                        status=label(t, idea.status))),
            show_button(t, idea.id)])

    if owner.id != ctx.me.id:
        ctx.tell(owner, "idea.owner", notice)
    return text_view(ctx.t("{name} now owns idea #{id} and can move it, e.g. {example}", name=who(owner), id=idea.id,
                           example=ctx.cmd(f"idea status {idea.id} {MOVES[idea.status][0]}")))


async def move(ctx: Context, text: str) -> View:
    number, rest = first_word(text)
    idea = await find(ctx, number, "idea status 12 doing Trial on team A")
    if not may_move(ctx, idea):
        owner = await ctx.uow.people.get(idea.owner_id) if idea.owner_id is not None else None
        if owner is not None:
            raise UserError("Only the owner of idea #{id}, {owner}, or an admin can move it.", id=idea.id,
                            owner=who(owner))
        raise UserError("Only an admin can move idea #{id}: it has no owner yet. "
                        "An admin can choose one with {example}.", id=idea.id,
                        example=ctx.cmd(f"idea owner {idea.id} @ana"))
    current, nexts = label(ctx.t, idea.status), MOVES[idea.status]
    if not nexts:
        raise UserError("Idea #{id} is {status}, which is final: it cannot move any more.", id=idea.id, status=current)
    if ctx.values:  # the form below, submitted
        return await move_from_form(ctx, idea)
    if not rest:
        return await status_form(ctx, idea)
    target, note = STATUS_WORDS.leading(ctx.deps.catalogs, rest)
    choices = names(ctx.t, nexts)
    if target is None:
        raise UserError("“{word}” is not a status. Idea #{id} is {status} and can move to: {choices}.",
                        word=first_word(rest)[0], id=idea.id, status=current, choices=choices)
    if target not in nexts:
        raise UserError("Idea #{id} is {status}; it cannot move to {target}, only to: {choices}.", id=idea.id,
                        status=current, target=label(ctx.t, target), choices=choices)
    if target == "declined" and not note:
        raise UserError("Please say why idea #{id} is declined: type {command} followed by the reason.", id=idea.id,
                        command=ctx.cmd(f"idea status {idea.id} declined"))
    note = ctx.require_text(note, f"idea status {idea.id} {target}") if note else ""
    return await apply_move(ctx, idea, target, note)


async def status_form(ctx: Context, idea: Idea) -> View:
    """`/idea status 12` alone: where it may go next, and a note (a modal on Slack, a card on Teams); the result
    too when the idea has a baseline and may be adopted next."""
    title = ctx.t("Move idea #{id}", id=idea.id)
    current = label(ctx.t, idea.status)
    inputs = [Input(name="status", label=ctx.t("It is {status}. Move it to:", status=current), kind="choice",
                    options=[(name, label(ctx.t, name)) for name in MOVES[idea.status]]),
              Input(name="note", label=ctx.t("Note for its author and voters"), kind="multiline", optional=True,
                    hint=ctx.t("needed when it is declined"))]
    measured = await read_measured(ctx.uow, idea.id) if "adopted" in MOVES[idea.status] else None
    if measured is not None:  # optional on the platform: only adopting needs it, checked when it comes back
        inputs.append(Input(name="result", optional=True, label=ctx.t(
            "Result in {unit} (baseline {baseline}, target {target})", unit=measured.unit,
            baseline=number(ctx.t, measured.baseline), target=number(ctx.t, measured.target)),
            hint=ctx.t("a number, needed when it is adopted") if measured.result is None else ctx.t(
                "a number; the latest, {result}, counts if you leave it empty", result=number(ctx.t, measured.result))))
    return View(title=title, blocks=[
        Text(text=short(idea.text)),
        Form(title=title, command=f"idea status {idea.id}", submit_label=ctx.t("Move it"), inputs=inputs)])


async def move_from_form(ctx: Context, idea: Idea) -> View:
    target = STATUS_WORDS.read(ctx.deps.catalogs, ctx.values.get("status", "")) or ""
    note = ctx.values.get("note", "").strip()
    typed = ctx.values.get("result", "").strip()
    errors = []
    if target not in MOVES[idea.status]:
        choices = names(ctx.t, MOVES[idea.status])
        errors.append(FieldError("status", "Choose one of: {choices}.", choices=choices))
    elif target == "declined" and not note:
        errors.append(FieldError("note", "Please say why it is declined."))
    if len(note) > ctx.deps.settings.limits.max_text_length:
        errors.append(FieldError("note", "Please keep it under {limit} characters.",
                                 limit=ctx.deps.settings.limits.max_text_length))
    measured = await read_measured(ctx.uow, idea.id)
    result = parse_number(typed) if measured is not None and typed else None
    if measured is not None and typed and result is None:
        errors.append(FieldError("result", "Please type the result as a number, such as 6.5."))
    elif measured is not None and target == "adopted" and result is None and measured.result is None:
        errors.append(FieldError("result", "It has a baseline, so it needs a result before it is adopted."))
    check_form(errors)
    if result is not None:
        ctx.uow.ideas.add(IdeaResult(idea_id=idea.id, value=result, created_at=ctx.now))
    return await apply_move(ctx, idea, target, note)


async def apply_move(ctx: Context, idea: Idea, target: str, note: str) -> View:
    current = label(ctx.t, idea.status)
    measured = await read_measured(ctx.uow, idea.id)
    if target == "adopted" and measured is not None and measured.result is None:
        raise UserError("Idea #{id} has a baseline, so it needs a result before it is adopted. Record it with "
                        "{result}, then type {adopt}.", id=idea.id, adopt=ctx.cmd(f"idea status {idea.id} adopted"),
                        result=ctx.cmd(f"idea measure {idea.id} result 6.5"))
    ctx.uow.ideas.add(IdeaStatusChange(idea_id=idea.id, from_status=idea.status, to_status=target, note=note,
                                       changed_by_id=ctx.me.id, created_at=ctx.now))
    idea.status, idea.updated_at = target, ctx.now
    await tell_status(ctx, idea, note, measured)
    reply = [Text(text=ctx.t("Idea #{id} moved from {old} to {new}. Its author and voters will hear of it.",
                             id=idea.id, old=current, new=label(ctx.t, target)))]
    if measured is not None:
        reply.append(Text(text=describe(ctx.t, measured)))
    if target == "adopted" and await recognise(ctx, idea, measured):
        reply.append(Text(text=ctx.t("Everyone who took part in it is thanked for it, with #{value}.",
                                     value=ctx.deps.settings.recognition_value)))
    return View(blocks=list(reply))


async def tell_status(ctx: Context, idea: Idea, note: str, measured: Measured | None) -> None:
    """The author (sealed when anonymous) and every voter, once each, never the person moving it."""

    def notice(title: Callable[[Translator], str]) -> BuildView:
        def build(t: Translator) -> View:
            blocks: list[Text | Buttons] = [Text(text=short(idea.text))]
            if note:
                blocks.append(Text(text=t("Note: {note}", note=note)))
            if measured is not None:
                blocks.append(Text(text=describe(t, measured)))
            return View(title=title(t), blocks=[*blocks, show_button(t, idea.id)])
        return build

    voters = await ctx.uow.people.by_ids(await ctx.uow.ideas.voter_ids(idea.id))
    # An anonymous author who voted hears of it as a voter; their sealed row is written all the same, silent.
    author = await tell_author(ctx, idea, "idea.status", notice(
        lambda t: t("Your idea #{id} is now {status}", id=idea.id, status=label(t, idea.status))),
        voters={v.uid for v in voters.values()})
    told = {ctx.me.uid, author or ""}
    for voter in voters.values():
        if voter.uid not in told:
            told.add(voter.uid)
            ctx.tell(voter, "idea.status", notice(
                lambda t: t("An idea you voted for, #{id}, is now {status}", id=idea.id, status=label(t, idea.status))))


def may_move(ctx: Context, idea: Idea) -> bool:
    return ctx.is_admin or (idea.owner_id is not None and idea.owner_id == ctx.me.id)


def names(t: Translator, statuses: tuple[str, ...]) -> str:
    """Statuses as the reader types them: `accepted, declined`, `godkänd, avböjd`."""
    return ", ".join(t(STATUS_NAMES[status]) for status in statuses)


def label(t: Translator, status: str) -> str:
    """A status in the reader's language, with its PDCA stage: "accepted (plan)"."""
    stage = STAGES.get(status)
    name = t(STATUS_NAMES[status])
    return t("{status} ({stage})", status=name, stage=t(stage)) if stage else name
