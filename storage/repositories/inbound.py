"""Inbound platform events already handled (retries and redeliveries run once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from storage.models import (
    InboundEvent,
)
from storage.repositories.base import Repository, dialect_insert


class InboundEvents(Repository):
    """Platforms retry what they think was lost; each event id is handled once, across restarts and processes."""

    async def first_time(self, platform: str, event_id: str, now: datetime) -> bool:
        """Record the event; False when it was recorded before (a retry). The time kept is the hour, which is
        enough to forget it later and says nothing of when within the hour someone did something."""
        insert = dialect_insert(self.session)
        hour = now.replace(minute=0, second=0, microsecond=0)
        recorded = await self.session.scalar(
            insert(InboundEvent).values(platform=platform, event_id=event_id[:200], received_at=hour)
            .on_conflict_do_nothing(index_elements=["platform", "event_id"]).returning(InboundEvent.event_id))
        return recorded is not None

    async def recorded(self, platform: str, event_id: str) -> bool:
        """Whether the id was recorded (and not forgotten yet): a used sign-in link, a signed-out session."""
        return await self.session.scalar(select(InboundEvent.event_id).where(
            InboundEvent.platform == platform, InboundEvent.event_id == event_id[:200])) is not None

    async def forget(self, platform: str, event_id: str) -> None:
        """The event was not handled after all (its transaction failed): a redelivery may run it."""
        await self.session.execute(delete(InboundEvent).where(InboundEvent.platform == platform,
                                                              InboundEvent.event_id == event_id[:200]))

    async def forget_before(self, before: datetime) -> None:
        """Platforms stop retrying within hours; older ids need not be kept."""
        await self.session.execute(delete(InboundEvent).where(InboundEvent.received_at < before))
