"""What every goal command shares: the due date or quarter after a due word, finding an objective or a key result
by its number (12, 12.1), who may change and who may see an objective, and keeping its progress rolled up."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from bot.kernel.context import Context
from bot.kernel.due import due_at_end
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.lookup import by_number
from bot.kernel.visibility import sees_personal
from storage.models import Goal, KeyResult, Person

QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
KR_REF = re.compile(r"^#?(\d{1,10})\.(\d{1,4})$")
ADD_USAGE = N_("goal add Reduce p95 latency to 200 ms by 2027-03-31")
UPDATE_USAGE = N_("goal update 12.1 450 at risk The cache is not warm yet")
KR_USAGE = N_("goal kr 12 Cut p95 latency from 900 to 200 ms")


class When:
    """An objective's period: a due date, or a quarter (which ends on its last day)."""

    def __init__(self, due: date | None = None, quarter: str | None = None) -> None:
        self.due, self.quarter = due, quarter

    @property
    def end(self) -> date | None:
        return self.due or (quarter_end(self.quarter) if self.quarter else None)


def quarter_end(quarter: str) -> date:
    match = QUARTER.match(quarter)
    if match is None:
        raise ValueError(quarter)
    year, number = int(match.group(1)), int(match.group(2))
    return date(year + 1, 1, 1) - timedelta(days=1) if number == 4 else date(year, 3 * number + 1, 1) - timedelta(
        days=1)


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def next_quarter(day: date) -> str:
    """The quarter after the one `day` is in: 2027-03-31 → 2027-Q2."""
    number = (day.month - 1) // 3 + 1
    return f"{day.year + 1}-Q1" if number == 4 else f"{day.year}-Q{number + 1}"


def title_and_when(ctx: Context, text: str, usage: str, *, title_optional: bool = False) -> tuple[str, When]:
    """The title and the due date or quarter after a final due word ("by", "senast", "截止", …); with
    `title_optional`, "by 2027-03-31" alone is a new due date (the title comes back empty)."""
    title = ctx.require_text(text, usage)
    found = due_at_end(ctx.deps.catalogs, title)
    if not found:
        return title, When()
    rest, day = found
    when = parse_when(ctx, day)
    if title_optional and not rest.strip():
        return "", when
    return ctx.require_text(rest, usage), when


def parse_when(ctx: Context, text: str) -> When:
    today = date.fromisoformat(ctx.local_date(ctx.now))
    if QUARTER.match(text):
        quarter = text.upper()
        if quarter_end(quarter) < today:
            raise UserError("The quarter {quarter} is over. Pick this quarter or a later one: {example}",
                            quarter=quarter, example=ctx.cmd(ADD_USAGE))
        return When(quarter=quarter)
    try:
        due = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise UserError("{date} is not a real date. Write the due date as YYYY-MM-DD: {example}", date=text,
                        example=ctx.cmd(ADD_USAGE)) from None
    if due < today:
        raise UserError("The due date {date} has already passed. Pick today or a later day: {example}",
                        date=due.isoformat(), example=ctx.cmd(ADD_USAGE))
    return When(due=due)


def may_change(ctx: Context, goal: Goal) -> bool:
    """Its owner; a company objective also any admin."""
    return goal.person_id == ctx.me.id or (goal.level == "company" and ctx.is_admin)


def may_see(viewer_id: int, goal: Goal, owner: Person | None) -> bool:
    """Company and team objectives are everyone's to see and serve; a personal one its owner's and their manager's."""
    return goal.level != "personal" or (owner is not None and sees_personal(viewer_id, owner))


async def find_goal(ctx: Context, number: str, usage: str) -> Goal:
    """Any objective with that number, or the error saying what to type."""
    if not number:
        raise UserError("Which goal? Give its number: {example}. See {list}", example=ctx.cmd(usage),
                        list=ctx.cmd("goal list"))
    goal_id, goal = await by_number(number, ctx.uow.goals.get, UserError(
        "{value} is not a goal number. Give the number from {list}: {example}", value=number,
        list=ctx.cmd("goal list"), example=ctx.cmd(usage)))
    if goal is None:
        raise UserError("There is no goal #{id} of yours. See {list}", id=goal_id, list=ctx.cmd("goal list"))
    return goal


async def my_goal(ctx: Context, number: str, usage: str) -> Goal:
    """An objective with that number I may change, open or done; not one that was dropped."""
    goal = await find_goal(ctx, number, usage)
    if not may_change(ctx, goal) or goal.status == "dropped":
        raise UserError("There is no goal #{id} of yours. See {list}", id=goal.id, list=ctx.cmd("goal list"))
    return goal


async def my_open_goal(ctx: Context, number: str, usage: str) -> Goal:
    """An objective with that number I may change, still open; otherwise the error that says what to type."""
    goal = await my_goal(ctx, number, usage)
    if goal.status == "done":
        raise UserError("Goal #{id} is already done. For a new target, add a goal: {example}", id=goal.id,
                        example=ctx.cmd(ADD_USAGE))
    return goal


async def my_key_result(ctx: Context, ref: str, usage: str) -> tuple[Goal, KeyResult]:
    """`12.1`, or `12` when objective 12 has one key result: mine to update, its objective still open."""
    match = KR_REF.match(ref)
    goal = await my_open_goal(ctx, match.group(1) if match else ref, usage)
    krs = await ctx.uow.goals.key_results([goal.id])
    if match:
        kr = next((k for k in krs if k.position == int(match.group(2))), None)
        if kr is None:
            raise UserError("Goal #{id} has no key result {ref}. See {list}", id=goal.id, ref=ref,
                            list=ctx.cmd("goal list"))
        return goal, kr
    if len(krs) == 1:
        return goal, krs[0]
    if not krs:
        raise UserError("Goal #{id} has no key results yet. Add one: {example}", id=goal.id,
                        example=ctx.cmd(KR_USAGE.replace("12", str(goal.id), 1)))
    raise UserError("Goal #{id} has {n} key results: say which, like {example}", id=goal.id, n=len(krs),
                    example=ctx.cmd(f"goal update {goal.id}.{krs[0].position} …"))
