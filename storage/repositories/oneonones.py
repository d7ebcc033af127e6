"""One-on-one pairs and their entries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import aliased

from storage.digest_queries import among
from storage.models import (
    Checkin,
    Kudos,
    KudosRecipient,
    OneOnOne,
    OneOnOneEntry,
    Person,
)
from storage.repositories.base import Repository, dialect_insert


class OneOnOnes(Repository):
    """Manager–report pairs and their entries. A pair is current while the report's manager is its manager."""

    async def create_missing(self, cadence_days: int, now: datetime, *, involving: int | None = None,
                             report_ids: Sequence[int] | None = None) -> None:
        """Create the pairs of current reporting lines that have none yet (idempotent under concurrency)."""
        paired = select(OneOnOne.id).where(OneOnOne.manager_id == Person.manager_id, OneOnOne.report_id == Person.id)
        query = select(Person.manager_id, Person.id).where(Person.manager_id.is_not(None),
                                                           Person.manager_id != Person.id, ~paired.exists())
        if involving is not None:
            query = query.where(or_(Person.id == involving, Person.manager_id == involving))
        if report_ids is not None:
            query = query.where(among(self.session, Person.id, report_ids))
        rows = [{"manager_id": row[0], "report_id": row[1], "cadence_days": cadence_days, "created_at": now}
                for row in await self.session.execute(query)]
        if rows:  # executemany: no limit on bound parameters however many pairs are new (a first tick)
            await self.session.execute(dialect_insert(self.session)(OneOnOne)
                                       .on_conflict_do_nothing(index_elements=["manager_id", "report_id"]), rows)

    async def current(self, *, involving: int | None = None,
                      report_ids: Sequence[int] | None = None) -> Sequence[tuple[OneOnOne, Person, Person]]:
        """(pair, manager, report) for current reporting lines, by report name."""
        manager, report = aliased(Person), aliased(Person)
        query = (select(OneOnOne, manager, report).join(manager, OneOnOne.manager_id == manager.id)
                 .join(report, and_(OneOnOne.report_id == report.id, report.manager_id == OneOnOne.manager_id)))
        if involving is not None:
            query = query.where(or_(OneOnOne.manager_id == involving, OneOnOne.report_id == involving))
        if report_ids is not None:
            query = query.where(among(self.session, OneOnOne.report_id, report_ids))
        rows = await self.session.execute(query.order_by(report.name, OneOnOne.id))
        return [(row[0], row[1], row[2]) for row in rows]

    async def get(self, pair_id: int) -> OneOnOne | None:
        return await self.session.get(OneOnOne, pair_id)

    async def entry(self, entry_id: int) -> OneOnOneEntry | None:
        return await self.session.get(OneOnOneEntry, entry_id)

    async def agenda_entries(self, pair_id: int, last_held_on: date | None) -> Sequence[OneOnOneEntry]:
        """Open topics, open action items, and notes not yet tied to a meeting or from the last one."""
        notes = OneOnOneEntry.held_on.is_(None) if last_held_on is None else or_(
            OneOnOneEntry.held_on.is_(None), OneOnOneEntry.held_on == last_held_on)
        return (await self.session.scalars(select(OneOnOneEntry).where(OneOnOneEntry.pair_id == pair_id, or_(
            and_(OneOnOneEntry.kind == "topic", OneOnOneEntry.held_on.is_(None)),
            and_(OneOnOneEntry.kind == "action", OneOnOneEntry.done_at.is_(None)),
            and_(OneOnOneEntry.kind == "note", notes))).order_by(OneOnOneEntry.id))).all()

    async def whys(self, pair_id: int) -> Sequence[OneOnOneEntry]:
        """The pair's 5 Whys steps (whys and causes), oldest first."""
        return (await self.session.scalars(select(OneOnOneEntry).where(
            OneOnOneEntry.pair_id == pair_id, OneOnOneEntry.kind.in_(("why", "cause")))
            .order_by(OneOnOneEntry.id))).all()

    async def mark_held(self, pair_id: int, day: date) -> int:
        """Tie what is not yet tied to a meeting to the one held on `day`; returns how many topics were open."""
        topics = await self.session.scalar(select(func.count()).where(
            OneOnOneEntry.pair_id == pair_id, OneOnOneEntry.kind == "topic", OneOnOneEntry.held_on.is_(None))) or 0
        await self.session.execute(update(OneOnOneEntry).where(OneOnOneEntry.pair_id == pair_id,
                                                               OneOnOneEntry.held_on.is_(None)).values(held_on=day))
        return topics

    async def checkins_since(self, person_id: int, since: datetime) -> Sequence[Checkin]:
        return (await self.session.scalars(select(Checkin).where(Checkin.person_id == person_id,
                                                                 Checkin.submitted_at >= since)
                                           .order_by(Checkin.period))).all()

    async def kudos_received_since(self, person_id: int, since: datetime) -> Sequence[Kudos]:
        received = select(KudosRecipient.kudos_id).where(KudosRecipient.person_id == person_id)
        return (await self.session.scalars(select(Kudos).where(Kudos.id.in_(received), Kudos.created_at >= since)
                                           .order_by(Kudos.created_at, Kudos.id))).all()
