"""The aggregates behind the digest's quality sections (the blockers' Pareto, the root causes of 5 Whys): one
set-based query each for a whole batch of digests, bare columns only (see storage/digest_queries.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, literal_column, select

from storage.digest_queries import DigestQueries
from storage.models import Checkin, OneOnOneEntry, Person


class CategoryRow(NamedTuple):
    manager_id: int | None  # None: people without a manager (counted into the organisation's)
    period: str
    category: str
    count: int


class QualityQueries(DigestQueries):
    async def blocker_categories(self, manager_ids: Sequence[int] | None, periods: Sequence[str], *,
                                 per_week: bool = True) -> list[CategoryRow]:
        """How many check-ins of each manager's reports named a blocker of each category, per week; None: of every
        manager. Not `per_week`: summed over all these weeks (`period` is ""), for a batch whose digests all cover the
        same weeks — an eighth of the rows."""
        if (manager_ids is not None and not manager_ids) or not periods:
            return []
        weekly = [Checkin.period] if per_week else []
        query = (select(Person.manager_id, *(weekly or [literal_column("''")]), Checkin.blocker_category, func.count())
                 .join(Person, Person.id == Checkin.person_id)
                 .where(Checkin.period.in_(periods), Checkin.blocker_category.is_not(None))
                 .group_by(Person.manager_id, *weekly, Checkin.blocker_category))
        if manager_ids is not None:
            query = query.where(self.among(Person.manager_id, manager_ids))
        return list(map(CategoryRow._make, await self.rows(query)))

    async def root_causes(self, start: datetime, end: datetime) -> dict[str, int]:
        """How many 5 Whys found their root cause in (start, end], by category: counts, never the text."""
        rows = await self.rows(select(OneOnOneEntry.category, func.count())
                               .where(OneOnOneEntry.kind == "cause", OneOnOneEntry.category.is_not(None),
                                      OneOnOneEntry.created_at > start, OneOnOneEntry.created_at <= end)
                               .group_by(OneOnOneEntry.category))
        return {row[0]: row[1] for row in rows}
