"""The check-in's goal questions: one for each open key result of the person's open objectives.

A goal measured by a percentage (its one 0–100 % key result) is asked as before, "progress now?"; a key result is
asked for its new value, optionally with a confidence (on track, at risk, off track) and a note. Empty skips it;
"no change" (in any language) confirms it as it is, which keeps it from going stale.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.kernel.context import Context
from bot.kernel.errors import FieldError
from bot.kernel.i18n import Translator
from bot.kernel.objectives import NO_CHANGE, confidence_text, measured, plain, read_update, record, roll_up
from bot.kernel.views import Input
from storage.models import Goal, KeyResult


@dataclass(frozen=True)
class Answered:
    goal: Goal
    kr: KeyResult
    value: float | None  # None: no change
    confidence: str | None
    note: str


def name(goal: Goal, kr: KeyResult) -> str:
    return f"goal_{goal.id}" if plain(goal, kr) else f"kr_{goal.id}_{kr.position}"


async def goal_inputs(ctx: Context) -> list[Input]:
    inputs: list[Input] = []
    for goal, kr in await ctx.uow.goals.open_key_results(ctx.me.id):
        if plain(goal, kr):
            inputs.append(Input(name=name(goal, kr), label=ctx.t("Goal #{id} {title}: progress now?", id=goal.id,
                                                                 title=goal.title), optional=True, low=0, high=100,
                                words=list(NO_CHANGE.forms(ctx.deps.catalogs)), hint=ctx.t(
                                    "0–100%, now {progress}%; “{same}” keeps it", progress=round(kr.current),
                                    same=ctx.t("no change"))))
            continue
        inputs.append(Input(name=name(goal, kr), optional=True, label=ctx.t(
            "Key result {ref} {title}: now?", ref=f"{goal.id}.{kr.position}", title=kr.title), hint=ctx.t(
            "now {value}, target {target}; a number, then on track, at risk or off track if you like; “{same}” "
            "keeps it", value=measured(ctx.t, kr.current, kr.unit), target=measured(ctx.t, kr.target, kr.unit),
            same=ctx.t("no change"))))
    return inputs


async def read_goal_answers(ctx: Context, errors: list[FieldError]) -> list[Answered]:
    answered: list[Answered] = []
    limit = ctx.deps.settings.limits.max_text_length
    for goal, kr in await ctx.uow.goals.open_key_results(ctx.me.id):
        field = name(goal, kr)
        raw = ctx.values.get(field, "").strip()
        if not raw:
            continue
        if plain(goal, kr):
            raw = raw.rstrip("%").strip()
            if NO_CHANGE.leading(ctx.deps.catalogs, raw) == ("no-change", ""):  # confirmed as it is: not stale
                answered.append(Answered(goal, kr, None, None, ""))
            elif not raw.isdecimal() or int(raw) > 100:  # isdigit() would let "²" through to int()
                errors.append(FieldError(field, "Give a number from 0 to 100, like 40%."))
            else:
                answered.append(Answered(goal, kr, float(raw), None, ""))
            continue
        read = read_update(ctx.deps.catalogs, raw)
        if read is None:
            errors.append(FieldError(field, "Give a number, or “no change”; then on track, at risk or off track "
                                            "if you like, and a note."))
        elif len(read[2]) > limit:
            errors.append(FieldError(field, "Please keep it under {limit} characters.", limit=limit))
        else:
            answered.append(Answered(goal, kr, *read))
    return answered


async def apply(ctx: Context, answered: list[Answered]) -> None:
    """Each answer an update of its key result; each objective rolled up once."""
    note = ctx.t("check-in")
    goals: dict[int, Goal] = {}
    for answer in answered:
        record(ctx.uow, ctx.now, answer.kr, answer.value, answer.confidence, answer.note or note)
        goals[answer.goal.id] = answer.goal
    for goal in goals.values():
        await roll_up(ctx.uow, ctx.now, goal, note)


def goal_fields(t: Translator, answered: list[Answered]) -> list[tuple[str, str]]:
    """The answers as the manager reads them."""
    fields: list[tuple[str, str]] = []
    for answer in answered:
        goal, kr = answer.goal, answer.kr
        if plain(goal, kr):
            fields.append((t("Goal #{id} {title}", id=goal.id, title=goal.title), f"{round(kr.current)}%"))
            continue
        value = measured(t, kr.current, kr.unit) if answer.value is not None else t("no change")
        extra = [confidence_text(t, answer.confidence)] if answer.confidence else []
        fields.append((t("Key result {ref} {title}", ref=f"{goal.id}.{kr.position}", title=kr.title),
                       " — ".join([value, *extra, *([answer.note] if answer.note else [])])))
    return fields
