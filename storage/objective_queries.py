"""The set-based reads of objectives and development plans behind the digest and the 1:1 agenda (one query per
section for every digest of a tick, like storage/digest_queries.py)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, or_, select

from storage.digest_queries import DigestQueries
from storage.models import Goal, GrowthItem, KeyResult, Person, Team

AT_RISK = ("at-risk", "off-track")


class AttentionRow(NamedTuple):
    """An open key result marked off track, or not updated since the stale limit."""

    person_id: int
    goal_id: int
    position: int
    title: str
    confidence: str | None
    updated_at: datetime


class ObjectiveQueries(DigestQueries):
    async def needing_attention(self, ids: Collection[int], stale_before: datetime) -> list[AttentionRow]:
        """The open key results of these people's open objectives marked off track or last updated at or before
        `stale_before`, by person, objective and number."""
        if not ids:
            return []
        rows = await self.rows(
            select(Goal.person_id, Goal.id, KeyResult.position, KeyResult.title, KeyResult.confidence,
                   KeyResult.updated_at).join(KeyResult, KeyResult.goal_id == Goal.id)
            .where(self.among(Goal.person_id, ids), Goal.status == "open", KeyResult.status == "open",
                   or_(KeyResult.confidence == "off-track", KeyResult.updated_at <= stale_before))
            .order_by(Goal.person_id, Goal.id, KeyResult.position))
        return list(map(AttentionRow._make, rows))

    async def at_risk_by_team(self, ids: Collection[int] | None) -> dict[str | None, int]:
        """How many open objectives (of these owners; None: everyone's) have a key result at risk or off track, by
        the owner's team (None: no team). Counts only: titles stay with the owner and their manager."""
        risky = select(KeyResult.goal_id).where(KeyResult.status == "open", KeyResult.confidence.in_(AT_RISK))
        query = (select(Team.name, func.count(Goal.id)).select_from(Goal)
                 .join(Person, Person.id == Goal.person_id).outerjoin(Team, Team.id == Person.team_id)
                 .where(Goal.status == "open", Goal.id.in_(risky.distinct())).group_by(Team.name))
        if ids is not None:
            query = query.where(self.among(Goal.person_id, ids))
        return {team: n for team, n in await self.rows(query)}

    async def growth_counts(self, ids: Collection[int] | None, since: datetime) -> tuple[int, int]:
        """(people among `ids` (None: everyone) with an open plan item, items they finished since `since`): what
        admins see."""
        if ids is not None and not ids:
            return 0, 0
        among = [] if ids is None else [self.among(GrowthItem.person_id, ids)]
        with_plan = await self.rows(select(func.count(func.distinct(GrowthItem.person_id))).where(
            *among, GrowthItem.status == "open"))
        finished = await self.rows(select(func.count(GrowthItem.id)).where(
            *among, GrowthItem.status == "done", GrowthItem.completed_at > since))
        return with_plan[0][0], finished[0][0]
