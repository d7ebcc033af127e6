"""Kudos and their recipients."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select

from storage.models import (
    Kudos,
    KudosRecipient,
)
from storage.repositories.base import Repository


class KudosRepo(Repository):
    async def recent_for(self, person_id: int, limit: int) -> Sequence[Kudos]:
        received = select(KudosRecipient.kudos_id).where(KudosRecipient.person_id == person_id)
        return (await self.session.scalars(
            select(Kudos).where(or_(Kudos.giver_id == person_id, Kudos.id.in_(received)))
            .order_by(Kudos.created_at.desc(), Kudos.id.desc()).limit(limit))).all()

    async def given_by(self, person_id: int) -> Sequence[Kudos]:
        return (await self.session.scalars(select(Kudos).where(Kudos.giver_id == person_id))).all()

    async def received_by(self, person_id: int) -> Sequence[Kudos]:
        received = select(KudosRecipient.kudos_id).where(KudosRecipient.person_id == person_id)
        return (await self.session.scalars(select(Kudos).where(Kudos.id.in_(received)))).all()

    async def last_given_by(self, person_id: int) -> Kudos | None:
        """The last kudos this person wrote: never an adopted idea's thanks, which feedbot gives (no giver)."""
        return await self.session.scalar(select(Kudos).where(Kudos.giver_id == person_id)
                                         .order_by(Kudos.created_at.desc(), Kudos.id.desc()).limit(1))

    async def delete(self, kudos: Kudos) -> None:
        await self.session.delete(kudos)
