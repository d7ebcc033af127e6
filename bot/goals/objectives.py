"""Objectives: adding them at the three levels, listing, closing, editing, dropping, carrying over a period."""

from __future__ import annotations

from datetime import date

from bot.goals.common import (
    ADD_USAGE,
    KR_USAGE,
    When,
    my_goal,
    my_open_goal,
    next_quarter,
    quarter_of,
    title_and_when,
)
from bot.kernel.context import Context
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_, Translator
from bot.kernel.lookup import person_or_me
from bot.kernel.objectives import is_plain, kr_text
from bot.kernel.people import who
from bot.kernel.views import Text, View, text_view
from bot.kernel.visibility import sees_personal
from storage.models import Goal, GoalUpdate, KeyResult, Person

PROGRESS_USAGE = N_("goal progress 3 40% Caching is live on two services")
DONE_USAGE = "goal done 3"
EDIT_USAGE = N_("goal edit 3 Reduce p95 latency to 150 ms by 2027-06-30")
DROP_USAGE = "goal drop 3"
CARRY_USAGE = "goal carry 3"
LEVEL_FLAGS = {"--company": "company", "--team": "team"}


def level_and_rest(ctx: Context, text: str) -> tuple[str, str]:
    """`--company …` and `--team …` (only first); anything else starting with -- is refused, nothing is added."""
    word, _, rest = text.strip().partition(" ")
    if not word.startswith("--"):
        return "personal", text
    level = LEVEL_FLAGS.get(word.lower())
    if level is None:
        raise UserError("{flag} is not an option of {command}. Use {company} or {team}, or leave it out for a goal "
                        "of your own.", flag=word, command=ctx.cmd("goal add"), company="--company", team="--team")
    return level, rest


async def leads_a_team(ctx: Context) -> bool:
    """A team's manager: a team, and people reporting to them in the org directory."""
    return ctx.me.team_id is not None and bool(await ctx.uow.people.reports_of(ctx.me.id))


async def team_for(ctx: Context, level: str) -> int | None:
    """The team of a new objective at `level` (a team objective's); refused when the sender may not add one there."""
    if level == "company" and not ctx.is_admin:
        raise UserError("Only admins add company objectives. Add a goal of your own: {example}",
                        example=ctx.cmd(ADD_USAGE))
    if level != "team":
        return None
    if not await leads_a_team(ctx):
        raise UserError("Team objectives are added by a team's manager: you need a team and people reporting to "
                        "you in the org directory. Add a goal of your own: {example}", example=ctx.cmd(ADD_USAGE))
    return ctx.me.team_id


def default_key_result(goal: Goal, now: object) -> KeyResult:
    """A personal objective is measured 0–100 % until it gets key results of its own (bot/goals/keyresults.py)."""
    return KeyResult(goal_id=goal.id, position=1, title=goal.title, start=0.0, target=100.0, unit="%",
                     current=float(goal.progress), weight=1.0, status="open", created_at=now, updated_at=now)


async def add(ctx: Context, level: str, text: str) -> View:
    """`/goal add [--team|--company] Title [by 2027-03-31]`, the level already read off."""
    team_id = await team_for(ctx, level)
    title, when = title_and_when(ctx, text, ADD_USAGE)
    return await create(ctx, level, title, when, team_id)


async def create(ctx: Context, level: str, title: str, when: When, team_id: int | None,
                 parent: Goal | None = None) -> View:
    """The objective, checked: typed or from the form (which may also align it to `parent` at once)."""
    goal = Goal(person_id=ctx.me.id, title=title, due_date=when.due, quarter=when.quarter, progress=0, status="open",
                level=level, team_id=team_id, created_at=ctx.now, updated_at=ctx.now,
                parent_id=parent.id if parent else None)
    ctx.uow.goals.add(goal)
    await ctx.uow.goals.flush()  # the reply needs the goal's number
    serves = [Text(text=ctx.t("It serves #{id} {title}.", id=parent.id, title=parent.title))] if parent else []
    due = when.due.isoformat() if when.due else when.quarter
    if level != "personal":
        added = ctx.t("Company objective #{id} added: {title}.", id=goal.id, title=title) if level == "company" \
            else ctx.t("Team objective #{id} added: {title}.", id=goal.id, title=title)
        return View(blocks=[Text(text=added + (" " + ctx.t("Due {due}.", due=due) if due else "")), *serves, Text(
            text=ctx.t("Give it key results with {kr}; objectives align to it with {align}.", kr=ctx.cmd(
                ctx.t(KR_USAGE).replace("12", str(goal.id), 1)), align=ctx.cmd(f"goal align 12 to {goal.id}")))])
    ctx.uow.goals.add(default_key_result(goal, ctx.now))
    added = ctx.t("Goal #{id} added: {title} (due {due}).", id=goal.id, title=title, due=due) if due \
        else ctx.t("Goal #{id} added: {title}.", id=goal.id, title=title)
    return View(blocks=[Text(text=added), *serves, Text(text=ctx.t("Report progress with {command}.", command=ctx.cmd(
        f"goal progress {goal.id} 40%"))), Text(text=ctx.t(
            "Or measure it with key results, {kr}, and align it to your team's objective with {align}.",
            kr=ctx.cmd(ctx.t(KR_USAGE).replace("12", str(goal.id), 1)), align=ctx.cmd(f"goal align {goal.id} to 3")))])


async def listing(ctx: Context, text: str) -> View:
    """My objectives, or a report's for their manager: open ones first, each with its key results."""
    person, _ = await person_or_me(ctx, text, UserError(
        "To see your goals type {mine}; to see a report's goals type {theirs}.", mine=ctx.cmd("goal list"),
        theirs=ctx.cmd("goal list @lea")))
    if not sees_personal(ctx.me.id, person):  # admins get counts, not titles
        raise UserError("You are not allowed to see {name}'s goals: goals are visible to the person and their "
                        "manager.", name=who(person))
    goals = await ctx.uow.goals.of(person.id)
    if not goals:
        if person == ctx.me:
            return text_view(ctx.t("You have no goals yet. Add one: {example}", example=ctx.cmd(ADD_USAGE)))
        return text_view(ctx.t("{name} has no goals yet.", name=who(person)))
    today = date.fromisoformat(ctx.local_date(ctx.now))
    krs: dict[int, list[KeyResult]] = {}
    for kr in await ctx.uow.goals.key_results([g.id for g in goals]):
        krs.setdefault(kr.goal_id, []).append(kr)
    lines: list[str] = []
    for goal in goals:
        lines.append(describe(ctx, goal, today))
        mine = krs.get(goal.id, [])
        if goal.status == "open" and not is_plain(goal, mine):
            lines += ["    " + kr_text(ctx.t, f"{goal.id}.{k.position}", k.title, k.start, k.target, k.unit,
                                       k.current, k.confidence, k.due_date) for k in mine]
    title = ctx.t("Your goals") if person == ctx.me else ctx.t("Goals of {name}", name=who(person))
    return View(title=title, blocks=[Text(text="\n".join(lines))])


def describe(ctx: Context, goal: Goal, today: date) -> str:
    t = ctx.t
    level = {"company": t("[company] "), "team": t("[team] ")}.get(goal.level, "")
    end = When(goal.due_date, goal.quarter).end
    due = goal.due_date.isoformat() if goal.due_date else goal.quarter
    if goal.status == "done":
        return level + t("#{id} {title} — done on {date} ✓", id=goal.id, title=goal.title,
                         date=ctx.local_date(goal.completed_at or goal.updated_at))
    if end is None:
        return level + t("#{id} {title} — {progress}%", id=goal.id, title=goal.title, progress=goal.progress)
    if end < today:
        return level + t("#{id} {title} — {progress}% (due {due}, overdue)", id=goal.id, title=goal.title,
                         progress=goal.progress, due=due)
    return level + t("#{id} {title} — {progress}% (due {due})", id=goal.id, title=goal.title,
                     progress=goal.progress, due=due)


async def done(ctx: Context, text: str) -> View:
    number, _, note = text.strip().partition(" ")
    goal = await my_open_goal(ctx, number, DONE_USAGE)
    note = ctx.require_text(note, DONE_USAGE) if note.strip() else ""
    goal.status, goal.progress, goal.completed_at, goal.updated_at = "done", 100, ctx.now, ctx.now
    ctx.uow.goals.add(GoalUpdate(goal_id=goal.id, progress=100, note=note, created_at=ctx.now))
    reply = ctx.t("Goal #{id} is done: {title}. Well done!", id=goal.id, title=goal.title)
    manager = await ctx.uow.people.get(ctx.me.manager_id) if ctx.me.manager_id else None
    if manager is None or goal.level == "company":
        return text_view(reply)
    tell_manager(ctx, manager, goal, note)
    return View(blocks=[Text(text=reply), Text(text=ctx.t("I let {manager} know.", manager=who(manager)))])


def tell_manager(ctx: Context, manager: Person, goal: Goal, note: str) -> None:
    """A manager hears when a report closes a goal: the moment to recognise it."""
    name, title, goal_id = who(ctx.me), goal.title, goal.id
    ctx.tell(manager, "goal.done", lambda t: View(
        title=t("{name} completed goal #{id}", name=name, id=goal_id),
        blocks=[Text(text=title)] + ([Text(text=note)] if note else [])), subject=f"goal:{goal.id}")


async def edit(ctx: Context, text: str) -> View:
    """A new title, due date (or quarter) or both; whoever was told of the goal sees the edit."""
    number, _, rest = text.strip().partition(" ")
    goal = await my_goal(ctx, number, EDIT_USAGE)
    title, when = title_and_when(ctx, rest, EDIT_USAGE, title_optional=True)
    if when.end is not None:
        goal.due_date, goal.quarter = when.due, when.quarter
    goal.title, goal.updated_at = title or goal.title, ctx.now
    name, goal_id, title = who(ctx.me), goal.id, goal.title
    told = await ctx.amend(f"goal:{goal.id}", lambda t: View(
        title=t("{name} completed goal #{id} (edited)", name=name, id=goal_id), blocks=[Text(text=title)]),
        lambda t: text_view(t("{name} edited goal #{id}: {title}", name=name, id=goal_id, title=title)))
    due = goal.due_date.isoformat() if goal.due_date else goal.quarter
    reply = ctx.t("Goal #{id} is now: {title}.", id=goal.id, title=goal.title) if due is None else \
        ctx.t("Goal #{id} is now: {title} (due {due}).", id=goal.id, title=goal.title, due=due)
    return text_view(reply + (" " + ctx.t("Those who were told of it see the edit.") if told else ""))


def only_number(ctx: Context, text: str, usage: str) -> str:
    number, _, rest = text.strip().partition(" ")
    if rest.strip():
        raise UserError("Just the goal's number: {example}", example=ctx.cmd(usage))
    return number


async def drop(ctx: Context, text: str) -> View:
    """Archived, never deleted: it leaves the lists, the check-in and the 1:1 agenda; export keeps it."""
    goal = await my_goal(ctx, only_number(ctx, text, DROP_USAGE), DROP_USAGE)
    goal.status, goal.updated_at = "dropped", ctx.now
    name, goal_id, title = who(ctx.me), goal.id, goal.title

    def dropped(t: Translator) -> View:
        return text_view(t("{name} dropped goal #{id}: {title}", name=name, id=goal_id, title=title))

    told = await ctx.amend(f"goal:{goal.id}", dropped, dropped)
    reply = ctx.t("Goal #{id} dropped: {title}. It is archived, no longer in your lists.", id=goal.id,
                  title=goal.title)
    return text_view(reply + (" " + ctx.t("Those who were told of it see the edit.") if told else ""))


async def carry(ctx: Context, text: str) -> View:
    """Carry an open objective over into the next quarter (after its due date or quarter ended)."""
    goal = await my_open_goal(ctx, only_number(ctx, text, CARRY_USAGE), CARRY_USAGE)
    today = date.fromisoformat(ctx.local_date(ctx.now))
    end = When(goal.due_date, goal.quarter).end or today
    goal.quarter, goal.due_date, goal.updated_at = max(next_quarter(end), quarter_of(today)), None, ctx.now
    return text_view(ctx.t("Goal #{id} carries over into {quarter}: {title}", id=goal.id, quarter=goal.quarter,
                           title=goal.title))
