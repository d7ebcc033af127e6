"""Key results: measurable, from a start value to a target in a unit; updated with a value, a confidence and a note.

`/goal progress 3 40%` keeps working: it updates the objective's 0–100 % key result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.goals.common import KR_REF, KR_USAGE, UPDATE_USAGE, my_key_result, my_open_goal, parse_when
from bot.goals.objectives import PROGRESS_USAGE, default_key_result
from bot.kernel.context import Context
from bot.kernel.due import due_at_end
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.keywords import Keywords
from bot.kernel.numbers import NUMBER, parse_number
from bot.kernel.objectives import is_plain, kr_text, read_update, record, roll_up
from bot.kernel.views import Text, View, text_view
from storage.models import Goal, KeyResult

FROM = Keywords({"from": (N_("from"),)})
TO = Keywords({"to": (N_("to"),)})
WEIGHT = Keywords({"weight": (N_("weight"),)})
GLUED = re.compile(NUMBER.pattern + r"(.*)")  # "200ms", "100%": a number and its unit written together
PERCENT = re.compile(r"^(\d{1,3})%?$")
UNIT_LENGTH = 40


@dataclass(frozen=True)
class Measure:
    title: str
    start: float
    target: float
    unit: str
    weight: float


def number_and_unit(word: str) -> tuple[float, str] | None:
    match = GLUED.fullmatch(word)
    if match is None:
        return None
    value = parse_number(word[:len(word) - len(match.group(4))])
    return None if value is None else (value, match.group(4))


def read_measure(ctx: Context, text: str, usage: str) -> Measure | None:
    """`Cut p95 latency from 900 to 200 ms weight 2` read in any language; None when it names no from and to."""
    words = text.split()
    weight = 1.0
    if len(words) >= 2 and WEIGHT.read(ctx.deps.catalogs, words[-2]):
        given = parse_number(words[-1])
        if given is None or given <= 0:
            raise UserError("A weight is a number above zero, like 2: {example}", example=usage + " weight 2")
        weight, words = given, words[:-2]
    for i in range(len(words) - 4, -1, -1):
        if not (FROM.read(ctx.deps.catalogs, words[i]) and TO.read(ctx.deps.catalogs, words[i + 2])):
            continue
        start, target = number_and_unit(words[i + 1]), number_and_unit(words[i + 3])
        if start is None or target is None:
            continue
        unit = " ".join([target[1], *words[i + 4:]]).strip() or start[1]
        if start[0] == target[0]:
            raise UserError("The target is the start: say where it should get to, above or below it: {example}",
                            example=usage)
        if len(unit) > UNIT_LENGTH:
            raise UserError("The unit is {length} characters long; keep it to {limit} at most, such as ms or "
                            "customers.", length=len(unit), limit=UNIT_LENGTH)
        return Measure(ctx.require_text(" ".join(words[:i]), usage), start[0], target[0], unit, weight)
    return None


async def add(ctx: Context, goal: Goal, text: str) -> View:
    """`/goal kr 12 Cut p95 latency from 900 to 200 ms [weight 2] [by 2027-03-31]`, the objective already found."""
    usage = ctx.cmd(ctx.t(KR_USAGE).replace("12", str(goal.id), 1))
    rest, due = due_of(ctx, text)
    measure = read_measure(ctx, rest, usage)
    if measure is None:
        raise UserError("Say what you measure, from where and to where: {example}", example=usage)
    return await create(ctx, goal, measure, due)


async def create(ctx: Context, goal: Goal, measure: Measure, due: date | None) -> View:
    """A key result for one of my open objectives; its first one replaces the untouched 0–100 % it started with."""
    krs = await ctx.uow.goals.key_results([goal.id])
    if is_plain(goal, krs) and krs[0].current == 0 and krs[0].updated_at == krs[0].created_at:
        await ctx.uow.session.delete(krs[0])
        await ctx.uow.session.flush()
    kr = KeyResult(goal_id=goal.id, position=await ctx.uow.goals.next_position(goal.id), title=measure.title,
                   start=measure.start, target=measure.target, unit=measure.unit, current=measure.start,
                   weight=measure.weight, status="open", created_at=ctx.now, updated_at=ctx.now, due_date=due)
    ctx.uow.goals.add(kr)
    await ctx.uow.goals.flush()
    progress = await roll_up(ctx.uow, ctx.now, goal)
    ref = f"{goal.id}.{kr.position}"
    return View(blocks=[
        Text(text=ctx.t("Key result {ref} added: {kr}", ref=ref, kr=kr_text(
            ctx.t, ref, kr.title, kr.start, kr.target, kr.unit, kr.current, None, kr.due_date))),
        Text(text=ctx.t("Goal #{id} is at {progress}% now. Update it with {command}; the weekly check-in asks too.",
                        id=goal.id, progress=progress, command=ctx.cmd(f"goal update {ref} …")))])


async def update(ctx: Context, text: str) -> View:
    ref, _, rest = text.strip().partition(" ")
    goal, kr = await my_key_result(ctx, ref, UPDATE_USAGE)
    read = read_update(ctx.deps.catalogs, rest)
    example = ctx.cmd(ctx.t(UPDATE_USAGE).replace("12.1", f"{goal.id}.{kr.position}", 1))
    if read is None:
        raise UserError("Give the new value as a number, then optionally on track, at risk or off track and a "
                        "note: {example}", example=example)
    value, confidence, note = read
    note = ctx.require_text(note, UPDATE_USAGE) if note else ""
    record(ctx.uow, ctx.now, kr, value, confidence, note)
    progress = await roll_up(ctx.uow, ctx.now, goal, note)
    ref = f"{goal.id}.{kr.position}"
    return text_view(ctx.t("{kr}. Goal #{id} is at {progress}% now.", kr=kr_text(
        ctx.t, ref, kr.title, kr.start, kr.target, kr.unit, kr.current, kr.confidence, kr.due_date), id=goal.id,
        progress=progress))


def due_of(ctx: Context, text: str) -> tuple[str, date | None]:
    """A key result's due date after a final due word (a quarter typed counts as its last day), and the rest."""
    found = due_at_end(ctx.deps.catalogs, text)
    if not found:
        return text, None
    return found[0], parse_when(ctx, found[1]).end


async def progress(ctx: Context, text: str) -> View:
    """A percentage for an objective measured 0–100 % (its own, or one without key results yet)."""
    number, _, rest = text.strip().partition(" ")
    goal = await my_open_goal(ctx, number, PROGRESS_USAGE)
    value, _, note = rest.strip().partition(" ")
    if not value:
        raise UserError("How far along is it? Give a number from 0 to 100: {example}",
                        example=ctx.cmd(f"goal progress {goal.id} 40%"))
    match = PERCENT.match(value)
    percent = int(match.group(1)) if match else -1
    if not 0 <= percent <= 100:
        raise UserError("{value} is not a progress I understand: give a number from 0 to 100, like 40%: {example}",
                        value=value, example=ctx.cmd(f"goal progress {goal.id} 40%"))
    note = ctx.require_text(note, PROGRESS_USAGE) if note.strip() else ""
    kr = await percentage(ctx, goal)
    record(ctx.uow, ctx.now, kr, float(percent), None, note)
    await roll_up(ctx.uow, ctx.now, goal, note)
    reply = ctx.t("Goal #{id} is at {progress}% now: {title}", id=goal.id, progress=percent, title=goal.title)
    if percent < 100:
        return text_view(reply)
    return View(blocks=[Text(text=reply), Text(text=ctx.t("Finished? Type {command} to close it.",
                                                          command=ctx.cmd(f"goal done {goal.id}")))])


async def percentage(ctx: Context, goal: Goal) -> KeyResult:
    """The objective's 0–100 % key result; one is made for an objective without key results."""
    krs = await ctx.uow.goals.key_results([goal.id])
    if is_plain(goal, krs):
        return krs[0]
    if krs:
        raise UserError("Goal #{id} is measured by its key results: update one, like {example}", id=goal.id,
                        example=ctx.cmd(f"goal update {goal.id}.{krs[0].position} …"))
    kr = default_key_result(goal, ctx.now)
    kr.position = await ctx.uow.goals.next_position(goal.id)
    ctx.uow.goals.add(kr)
    await ctx.uow.goals.flush()
    return kr


def is_kr_ref(word: str) -> bool:
    return KR_REF.match(word) is not None


async def edit(ctx: Context, text: str) -> View:
    """`/goal edit 12.1 New title`, a new measure (`… from 900 to 150 ms`), a new due date (`… by 2027-06-30`), or
    only the due date (`/goal edit 12.1 by 2027-06-30`)."""
    ref, _, rest = text.strip().partition(" ")
    goal, kr = await my_key_result(ctx, ref, KR_USAGE)
    usage = ctx.cmd(f"goal edit {ref} " + ctx.t(KR_USAGE).split(" ", 3)[-1])
    rest, due = due_of(ctx, rest)
    kr.due_date = due or kr.due_date
    measure = read_measure(ctx, rest, usage)
    if measure is None and (rest.strip() or due is None):
        kr.title = ctx.require_text(rest, usage)
    elif measure is not None:
        kr.title, kr.start, kr.target, kr.unit, kr.weight = (measure.title, measure.start, measure.target,
                                                             measure.unit, measure.weight)
    progress = await roll_up(ctx.uow, ctx.now, goal)
    return text_view(ctx.t("{kr}. Goal #{id} is at {progress}% now.", kr=kr_text(
        ctx.t, ref, kr.title, kr.start, kr.target, kr.unit, kr.current, kr.confidence, kr.due_date), id=goal.id,
        progress=progress))


async def drop(ctx: Context, text: str) -> View:
    ref, _, rest = text.strip().partition(" ")
    if rest.strip():
        raise UserError("Just the key result's number: {example}", example=ctx.cmd("goal drop 12.2"))
    goal, kr = await my_key_result(ctx, ref, KR_USAGE)
    kr.status = "dropped"
    await ctx.uow.goals.flush()
    progress = await roll_up(ctx.uow, ctx.now, goal)
    return text_view(ctx.t("Key result {ref} dropped: {title}. Goal #{id} is at {progress}% now.", ref=ref,
                           title=kr.title, id=goal.id, progress=progress))
