"""/idea measure: PDCA with numbers. In Plan an idea gets a baseline, a target and a unit; every re-measurement after
that is a result (dated, the latest counts). Its owner, an admin or its author (an anonymous one through the seal)
measure it; the rows name nobody, so an anonymous author's measurement cannot point at them.
"""

from __future__ import annotations

from bot.ideas.effect import read_measured
from bot.ideas.idea import find, is_author
from bot.ideas.lifecycle import label, may_move
from bot.kernel.context import Context
from bot.kernel.effect import Measured, describe
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.numbers import number, parse_number
from bot.kernel.parsing import first_word, id_number
from bot.kernel.views import Text, View, text_view
from storage.models import Idea, IdeaMeasure, IdeaResult

PLAN_USAGE = N_("idea measure 12 baseline 11 target 6 minutes")
RESULT_USAGE = "idea measure 12 result 6.5"
MEASURABLE = ("accepted", "doing", "checking")  # Plan or later; adopted and declined are closed
UNIT_LENGTH = 40


def may_measure(ctx: Context, idea: Idea) -> bool:
    return may_move(ctx, idea) or is_author(ctx, idea)


def plan_usage(ctx: Context, idea: Idea) -> str:
    """The example in the reader's language (its unit is free text), for this idea."""
    return ctx.prefix_for("idea") + ctx.t(PLAN_USAGE).replace("12", str(idea.id), 1)


def result_usage(ctx: Context, idea: Idea) -> str:
    return ctx.cmd(RESULT_USAGE.replace("12", str(idea.id), 1))


async def measure(ctx: Context, text: str) -> View:
    number_word, rest = first_word(text)
    if number_word and id_number(number_word) is None:  # "/idea Measure deploy frequency": an idea, not a command
        raise UserError("Nothing was posted: {measure} measures an idea, e.g. {example}. To post an idea that begins "
                        "with that word, word it differently.", measure=ctx.cmd("idea measure"),
                        example=ctx.cmd(PLAN_USAGE))
    idea = await find(ctx, number_word, PLAN_USAGE)
    if not may_measure(ctx, idea):
        raise UserError("Only the owner of idea #{id}, an admin or its author can measure it. Its numbers: {show}",
                        id=idea.id, show=ctx.cmd(f"idea show {idea.id}"))
    if idea.status == "new":
        raise UserError("Idea #{id} is new: it gets its baseline and target once it is accepted (plan), e.g. "
                        "{example}", id=idea.id, example=plan_usage(ctx, idea))
    if idea.status not in MEASURABLE:
        raise UserError("Idea #{id} is {status}: its cycle is closed and its numbers can no longer change.",
                        id=idea.id, status=label(ctx.t, idea.status))
    word, rest = first_word(rest)
    if word.lower() == "baseline":
        return await set_baseline(ctx, idea, rest)
    if word.lower() == "result":
        return await add_result(ctx, idea, rest)
    raise UserError("Say what you measured: in Plan the baseline and target, {plan}, then each re-measurement, "
                    "{result}.", plan=plan_usage(ctx, idea), result=result_usage(ctx, idea))


def read_number(ctx: Context, word: str, what: str, usage: str) -> float:
    """`word` as a number; else a reply naming what was expected (msgids of `what`: the baseline, the target…)."""
    value = parse_number(word)
    if value is not None:
        return value
    if not word:
        raise UserError("Add {what} as a number: {usage}", what=ctx.t(what), usage=usage)
    raise UserError("“{value}” is not a number ({what}). Type it with digits, such as 6.5: {usage}", value=word,
                    what=ctx.t(what), usage=usage)


async def set_baseline(ctx: Context, idea: Idea, text: str) -> View:
    measured = await read_measured(ctx.uow, idea.id)
    if measured is not None and measured.result is not None:  # a new baseline or unit would misread those results
        raise UserError("Idea #{id} already has results measured against a baseline of {baseline} {unit} and a "
                        "target of {target}, so its plan stays as it is. Record a re-measurement: {result}",
                        id=idea.id, baseline=number(ctx.t, measured.baseline), unit=measured.unit,
                        target=number(ctx.t, measured.target), result=result_usage(ctx, idea))
    usage = plan_usage(ctx, idea)
    word, rest = first_word(text)
    baseline = read_number(ctx, word, N_("the baseline"), usage)
    keyword, rest = first_word(rest)
    if keyword.lower() != "target":
        raise UserError("Add the target after the baseline: {usage}", usage=usage)
    word, unit = first_word(rest)
    target = read_number(ctx, word, N_("the target"), usage)
    if not unit:
        raise UserError("Add the unit after the target, a few words such as minutes or defects a week: {usage}",
                        usage=usage)
    if len(unit) > UNIT_LENGTH:
        raise UserError("The unit is {length} characters long; keep it to {limit} at most, such as minutes or "
                        "defects a week.", length=len(unit), limit=UNIT_LENGTH)
    if target == baseline:
        raise UserError("The target is the baseline: say where the idea should get to, above or below {baseline}.",
                        baseline=number(ctx.t, baseline))
    row = await ctx.uow.ideas.measure(idea.id)
    if row is None:
        ctx.uow.ideas.add(IdeaMeasure(idea_id=idea.id, baseline=baseline, target=target, unit=unit,
                                      created_at=ctx.now))
    else:
        row.baseline, row.target, row.unit, row.created_at = baseline, target, unit, ctx.now
    idea.updated_at = ctx.now
    return text_view(ctx.t("Idea #{id} is measured: {measure} Record each re-measurement with {result}; before it "
                           "is adopted it needs one.", id=idea.id, result=result_usage(ctx, idea),
                           measure=describe(ctx.t, Measured(baseline, target, unit))))


async def add_result(ctx: Context, idea: Idea, text: str) -> View:
    measured = await read_measured(ctx.uow, idea.id)
    if measured is None:
        raise UserError("Idea #{id} has no baseline yet, so a result has nothing to compare with. First type {plan}",
                        id=idea.id, plan=plan_usage(ctx, idea))
    word, rest = first_word(text)
    value = read_number(ctx, word, N_("the result"), result_usage(ctx, idea))
    if rest and rest.lower() != measured.unit.lower():
        raise UserError("Type only the number after result, in {unit}: {usage}", unit=measured.unit,
                        usage=result_usage(ctx, idea))
    ctx.uow.ideas.add(IdeaResult(idea_id=idea.id, value=value, created_at=ctx.now))
    idea.updated_at = ctx.now
    now = Measured(measured.baseline, measured.target, measured.unit, value)
    return text_view(ctx.t("Result recorded for idea #{id}: {effect}", id=idea.id, effect=describe(ctx.t, now)))


async def measure_blocks(ctx: Context, idea: Idea) -> list[Text]:
    """/idea show: the measure and every result with its date, the latest counting."""
    measured = await read_measured(ctx.uow, idea.id)
    if measured is None:
        hint = may_measure(ctx, idea) and idea.status in MEASURABLE
        return [Text(text=ctx.t("Measure it: {example}", example=plan_usage(ctx, idea)))] if hint else []
    results = await ctx.uow.ideas.results(idea.id)
    lines = [describe(ctx.t, measured)]
    if results:
        lines.append(ctx.t("Results: {results}", results=", ".join(
            ctx.t("{date} {value}", date=ctx.local_date(r.created_at), value=number(ctx.t, r.value))
            for r in results)))
    if may_measure(ctx, idea) and idea.status in MEASURABLE:
        lines.append(ctx.t("Record a re-measurement: {example}", example=result_usage(ctx, idea)))
    return [Text(text=ctx.t("Measured effect")), Text(text="\n".join(lines))]
