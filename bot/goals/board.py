"""Objectives as the web dashboard shows them, built by the same rules as `/goal list` and the digest: my own
objectives with their key results and the objective each serves; for a manager, the team's objectives and their
reports' key results that need attention; for admins, counts only (objectives at risk per team) — never titles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from bot.goals.common import When, may_see, quarter_of
from bot.kernel.context import Context
from bot.kernel.errors import UserError
from bot.kernel.i18n import Translator
from bot.kernel.numbers import number
from bot.kernel.objectives import (
    STALE_AFTER,
    attention,
    attention_text,
    confidence_text,
    is_plain,
    kr_progress,
    measured,
    percent,
)
from bot.kernel.people import who
from storage.models import Goal, KeyResult
from storage.objective_queries import ObjectiveQueries

LEVELS = {"company": "company", "team": "team", "personal": "personal"}


@dataclass(frozen=True)
class KeyResultCard:
    ref: str  # "12.1"
    title: str
    progress: int  # 0–100, from start to target in either direction
    start: str  # in the reader's notation
    current: str  # with its unit
    target: str  # with its unit
    confidence: str  # "on-track", "at-risk", "off-track" or "" (for the colour; the words are in `said`)
    said: str  # the confidence in the reader's words
    attention: str  # "no update since …" (three weeks or more), or "" (off track shows as its confidence)
    due: str  # its own due date, or ""


@dataclass(frozen=True)
class ObjectiveCard:
    id: int
    title: str
    level: str  # company | team | personal
    progress: int
    due: str  # a date, a quarter or ""
    serves: str  # "#3 Grow revenue", the objective it is aligned to (if the reader may see it), or ""
    owner: str  # a mention
    key_results: list[KeyResultCard]


@dataclass(frozen=True)
class TeamObjectives:
    objectives: list[ObjectiveCard]  # the team objectives the manager owns
    attention: list[tuple[str, list[KeyResultCard]]]  # report (a mention) → their key results needing attention


@dataclass(frozen=True)
class OrgObjectives:
    at_risk: list[tuple[str, int]]  # team name ("" for no team) → open objectives with a key result at risk
    people_with_plan: int
    items_done: int  # development plan items done this quarter
    quarter: str


def kr_card(t: Translator, goal_id: int, kr: KeyResult, now: datetime | None = None) -> KeyResultCard:
    why = attention(kr.confidence, kr.updated_at, now) if now else None
    return KeyResultCard(
        ref=f"{goal_id}.{kr.position}", title=kr.title, progress=percent(kr_progress(kr.start, kr.target, kr.current)),
        start=number(t, kr.start), current=measured(t, kr.current, kr.unit), target=measured(t, kr.target, kr.unit),
        confidence=kr.confidence or "", said=confidence_text(t, kr.confidence),
        attention=attention_text(t, why, kr.updated_at.date().isoformat()) if why == "stale" else "",
        due=kr.due_date.isoformat() if kr.due_date else "")


async def cards(ctx: Context, goals: list[Goal]) -> list[ObjectiveCard]:
    """Open objectives with their open key results and the objective each serves, in one read of key results."""
    krs: dict[int, list[KeyResult]] = {}
    for kr in await ctx.uow.goals.key_results([goal.id for goal in goals]):
        krs.setdefault(kr.goal_id, []).append(kr)
    owners = await ctx.uow.people.by_ids(sorted({goal.person_id for goal in goals}))
    result: list[ObjectiveCard] = []
    for goal in goals:
        parent = await ctx.uow.goals.get(goal.parent_id) if goal.parent_id else None
        parent_owner = await ctx.uow.people.get(parent.person_id) if parent else None
        serves = f"#{parent.id} {parent.title}" if parent and parent.status != "dropped" and may_see(
            ctx.me.id, parent, parent_owner) else ""
        end = When(goal.due_date, goal.quarter).end
        due = (goal.due_date.isoformat() if goal.due_date else goal.quarter or "") if end else ""
        result.append(ObjectiveCard(
            id=goal.id, title=goal.title, level=LEVELS.get(goal.level, "personal"), progress=goal.progress, due=due,
            serves=serves, owner=who(owners[goal.person_id]) if goal.person_id in owners else "",
            key_results=[] if is_plain(goal, krs.get(goal.id, [])) else [  # a percentage goal: its bar says it all
                kr_card(ctx.t, goal.id, kr, ctx.now) for kr in krs.get(goal.id, [])]))
    return result


async def mine(ctx: Context) -> list[ObjectiveCard]:
    """My open objectives (every level I own), as `/goal list` lists them."""
    return await cards(ctx, list(await ctx.uow.goals.of(ctx.me.id, include_done=False)))


async def team(ctx: Context) -> TeamObjectives | None:
    """A manager's team objectives and their direct reports' key results that need attention; None for
    someone without reports (the chat's digest refuses them too)."""
    reports = [p for p in await ctx.uow.people.reports_of(ctx.me.id) if p.deactivated_at is None]
    if not reports:
        return None
    own = [goal for goal in await ctx.uow.goals.of(ctx.me.id, include_done=False) if goal.level == "team"]
    rows = await ObjectiveQueries(ctx.uow.session).needing_attention([p.id for p in reports], ctx.now - STALE_AFTER)
    krs = {(kr.goal_id, kr.position): kr for kr in await ctx.uow.goals.key_results({row.goal_id for row in rows})}
    found: list[tuple[str, list[KeyResultCard]]] = []
    for person in reports:
        shown = [kr_card(ctx.t, row.goal_id, krs[row.goal_id, row.position], ctx.now) for row in rows
                 if row.person_id == person.id and (row.goal_id, row.position) in krs]
        if shown:
            found.append((who(person), shown))
    return TeamObjectives(objectives=await cards(ctx, own), attention=found)


async def organisation(ctx: Context) -> OrgObjectives:
    """Admins: counts only, as the organisation's digest has them."""
    if not ctx.is_admin:
        raise UserError("Counts of objectives and development plans are for admins.")
    queries = ObjectiveQueries(ctx.uow.session)
    today = date.fromisoformat(ctx.local_date(ctx.now))
    start = datetime.combine(date(today.year, (today.month - 1) // 3 * 3 + 1, 1), time(), tzinfo=UTC)
    at_risk = await queries.at_risk_by_team(None)
    with_plan, done = await queries.growth_counts(None, start)
    return OrgObjectives(at_risk=sorted(((team or "", n) for team, n in at_risk.items()), key=lambda i: i[0]),
                         people_with_plan=with_plan, items_done=done, quarter=quarter_of(today))
