"""Development plans: a person's growth items and the notes and comments on them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from storage.models import GrowthItem, GrowthNote
from storage.repositories.base import Repository


class Growth(Repository):
    async def get(self, item_id: int) -> GrowthItem | None:
        return await self.session.get(GrowthItem, item_id)

    async def of(self, person_id: int, *, include_closed: bool = False) -> Sequence[GrowthItem]:
        """A person's plan, open items first; done and dropped ones only when asked."""
        query = select(GrowthItem).where(GrowthItem.person_id == person_id)
        if not include_closed:
            query = query.where(GrowthItem.status == "open")
        return (await self.session.scalars(query.order_by(GrowthItem.status.desc(), GrowthItem.id))).all()

    async def notes(self, item_id: int) -> Sequence[GrowthNote]:
        return (await self.session.scalars(
            select(GrowthNote).where(GrowthNote.item_id == item_id).order_by(GrowthNote.id))).all()
