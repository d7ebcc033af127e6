"""Weekly check-ins."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from storage.models import (
    Checkin,
)
from storage.repositories.base import Repository


class Checkins(Repository):
    async def of(self, person_id: int, period: str) -> Checkin | None:
        return await self.session.scalar(select(Checkin).where(Checkin.person_id == person_id,
                                                               Checkin.period == period))

    async def recent(self, person_id: int, limit: int) -> Sequence[Checkin]:
        return (await self.session.scalars(select(Checkin).where(Checkin.person_id == person_id)
                                           .order_by(Checkin.period.desc()).limit(limit))).all()

    async def answered(self, periods: Sequence[str]) -> set[tuple[int, str]]:
        """(person id, period) of every check-in in these periods."""
        if not periods:
            return set()
        rows = await self.session.execute(select(Checkin.person_id, Checkin.period)
                                          .where(Checkin.period.in_(set(periods))))
        return {(row[0], row[1]) for row in rows}

    async def get(self, checkin_id: int) -> Checkin | None:
        return await self.session.get(Checkin, checkin_id)
