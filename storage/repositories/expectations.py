"""Expectations of a person's own (proposed and agreed), and the kudos that count as evidence of a behaviour."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from storage.models import Expectation, Kudos, KudosRecipient, KudosValue, Person
from storage.repositories.base import Repository


class Expectations(Repository):
    async def get(self, expectation_id: int) -> Expectation | None:
        return await self.session.get(Expectation, expectation_id)

    async def of(self, person_id: int, statuses: Sequence[str] = ("agreed", "proposed")) -> Sequence[Expectation]:
        return (await self.session.scalars(
            select(Expectation).where(Expectation.person_id == person_id, Expectation.status.in_(statuses))
            .order_by(Expectation.id))).all()

    async def all_of(self, person_id: int) -> Sequence[Expectation]:
        """Every one about the person, declined too (their export)."""
        return (await self.session.scalars(
            select(Expectation).where(Expectation.person_id == person_id).order_by(Expectation.id))).all()

    async def evidence(self, person_id: int, since: datetime) -> list[tuple[str, int, Kudos]]:
        """Per company value: how many kudos the person received with that tag since `since`, and the latest one."""
        rows = (await self.session.execute(
            select(KudosValue.value, Kudos).join(Kudos, Kudos.id == KudosValue.kudos_id)
            .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
            .where(KudosRecipient.person_id == person_id, Kudos.created_at >= since)
            .order_by(Kudos.created_at.desc(), Kudos.id.desc()))).all()
        found: dict[str, tuple[int, Kudos]] = {}
        for value, kudos in rows:
            count, latest = found.get(value, (0, kudos))
            found[value] = (count + 1, latest)
        return [(value, count, latest) for value, (count, latest) in found.items()]

    async def totals(self) -> tuple[int, int, int]:
        """(active people with a role, agreed expectations of their own, proposals awaiting agreement)."""
        roles = await self.session.scalar(select(func.count()).select_from(Person).where(
            Person.role.is_not(None), Person.deactivated_at.is_(None)))
        counts = {status: n for status, n in await self.session.execute(
            select(Expectation.status, func.count()).group_by(Expectation.status))}
        return roles or 0, counts.get("agreed", 0), counts.get("proposed", 0)
