"""The aggregates behind the weekly digest, a few set-based queries per digest (see benchmarks/)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Checkin, Goal, Idea, IdeaStatusChange, Kudos, KudosRecipient


class KudosRow(NamedTuple):
    kudos_id: int
    giver_id: int
    recipient_id: int
    message: str
    created_at: datetime


class DigestQueries:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def checkins(self, ids: Sequence[int],
                       periods: Sequence[str]) -> list[tuple[int, str, int | None, str | None]]:
        """(person id, period, mood, blockers) of these people in these weeks."""
        if not ids:
            return []
        rows = await self.session.execute(
            select(Checkin.person_id, Checkin.period, Checkin.mood, Checkin.blockers)
            .where(Checkin.person_id.in_(ids), Checkin.period.in_(periods)))
        return [(row[0], row[1], row[2], row[3]) for row in rows]

    async def kudos_involving(self, ids: Sequence[int], start: datetime, end: datetime) -> list[KudosRow]:
        """Every (kudos, recipient) pair in (start, end] where these people gave or received."""
        if not ids:
            return []
        rows = await self.session.execute(
            select(Kudos.id, Kudos.giver_id, KudosRecipient.person_id, Kudos.message, Kudos.created_at)
            .join(KudosRecipient).where(or_(Kudos.giver_id.in_(ids), KudosRecipient.person_id.in_(ids)),
                                        Kudos.created_at > start, Kudos.created_at <= end))
        return [KudosRow(*row) for row in rows]

    async def open_goals(self, ids: Sequence[int]) -> Sequence[Goal]:
        if not ids:
            return []
        return (await self.session.scalars(select(Goal).where(Goal.person_id.in_(ids), Goal.status == "open")
                                           .order_by(Goal.person_id, Goal.id))).all()

    async def new_ideas(self, ids: Sequence[int], start: datetime, end: datetime) -> Sequence[Idea]:
        """Signed ideas these people posted in (start, end] (anonymous ones are never attributed to a team)."""
        if not ids:
            return []
        return (await self.session.scalars(select(Idea).where(
            Idea.author_id.in_(ids), Idea.created_at > start, Idea.created_at <= end).order_by(Idea.id))).all()

    async def status_changes(self, ids: Sequence[int], start: datetime,
                             end: datetime) -> list[tuple[IdeaStatusChange, Idea]]:
        """Status changes in (start, end] of ideas these people signed."""
        if not ids:
            return []
        rows = await self.session.execute(
            select(IdeaStatusChange, Idea).join(Idea, IdeaStatusChange.idea_id == Idea.id)
            .where(Idea.author_id.in_(ids), IdeaStatusChange.created_at > start,
                   IdeaStatusChange.created_at <= end)
            .order_by(IdeaStatusChange.id))
        return [(row[0], row[1]) for row in rows]
