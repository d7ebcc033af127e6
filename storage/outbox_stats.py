"""How far behind the outbox is, for GET /metrics: rows not yet sent, and the oldest of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delivery

WAITING = ("pending", "sending")


async def outbox_backlog(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many messages wait (pending, or claimed and being sent), and when the oldest was recorded."""
    count, oldest = (await session.execute(select(func.count(), func.min(Delivery.created_at))
                                           .where(Delivery.status.in_(WAITING)))).one()
    return int(count), oldest
