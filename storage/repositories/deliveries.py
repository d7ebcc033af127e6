"""The outbox: keyed deliveries, claims in batches, retries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, text, update

from storage.models import (
    UNSENT,
    Delivery,
)
from storage.repositories.base import Repository, dialect_insert


@dataclass(frozen=True)
class Claim:
    """A claimed batch; `in_doubt`: rows a dead worker may have sent already (id → when it claimed them)."""

    deliveries: Sequence[Delivery]
    in_doubt: dict[int, datetime]


class Deliveries(Repository):
    async def claim_batch(self, limit: int, now: datetime, stale_before: datetime) -> Sequence[Delivery]:
        return (await self.claim(limit, now, stale_before)).deliveries

    async def claim(self, limit: int, now: datetime, stale_before: datetime, *, in_flight: int = 1) -> Claim:
        """Take up to `limit` rows for sending: pending ones whose retry time has come, and claims older than
        `stale_before` (their worker died). Rows another worker holds are skipped (PostgreSQL: FOR UPDATE
        SKIP LOCKED; SQLite: writers are serialised by BEGIN IMMEDIATE).

        A worker sends its batch in id order with at most `in_flight` rows under way, each among the first
        `in_flight` of its rows still unsent (`bot.rhythm.pipeline`), and records each row as soon as it is done;
        so of a dead worker's rows only those first `in_flight` still unsent may have gone out: they are
        `in_doubt`, with the time they were claimed. (A claim seen only in part, the rest locked by another
        worker, may put a few more in doubt: looking for a message that never went out costs a lookup, no more.)"""
        ready = and_(text(UNSENT),  # spelled as the partial index is, so both databases use it
                     or_(and_(Delivery.status == "pending",
                              or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now)),
                         and_(Delivery.status == "sending", Delivery.claimed_at < stale_before)))
        # The ids are read and locked first, then updated by id: a second `ready` in the update lets a stale row
        # estimate turn it into a 10,000 × 200 nested loop.
        rows = (await self.session.execute(
            select(Delivery.id, Delivery.status, Delivery.claimed_at).where(ready).order_by(Delivery.id)
            .limit(limit).with_for_update(skip_locked=True))).all()
        if not rows:
            return Claim([], {})
        ids = [row.id for row in rows]
        await self.session.execute(update(Delivery).where(Delivery.id.in_(ids))
                                   .values(status="sending", claimed_at=now, attempts=Delivery.attempts + 1))
        in_doubt: dict[int, datetime] = {}
        taken: Counter[datetime] = Counter()  # rows put in doubt so far, per dead claim
        for row in rows:  # id order: the first `in_flight` of each dead claim
            if row.status == "sending" and taken[row.claimed_at] < in_flight:
                in_doubt[row.id] = row.claimed_at
                taken[row.claimed_at] += 1
        deliveries = (await self.session.scalars(select(Delivery).where(Delivery.id.in_(ids))
                                                 .order_by(Delivery.id))).all()
        return Claim(deliveries, in_doubt)

    async def mark_sent(self, ids: Sequence[int], sent_at: datetime,
                        receipts: dict[int, dict[str, Any]] | None = None) -> None:
        """Sent; `receipts`: what the platform answered for some of them (to update or delete them later)."""
        if ids:
            await self.session.execute(update(Delivery).where(Delivery.id.in_(ids))
                                       .values(status="sent", sent_at=sent_at, recipient_seal=None))
        for delivery_id, receipt in (receipts or {}).items():
            await self.session.execute(update(Delivery).where(Delivery.id == delivery_id).values(receipt=receipt))

    async def about(self, subject: str) -> Sequence[Delivery]:
        """Every delivery about `subject` ("kudos:12"), amendments included, oldest first."""
        return (await self.session.scalars(select(Delivery).where(Delivery.subject == subject)
                                           .order_by(Delivery.id))).all()

    async def by_ids(self, ids: Sequence[int]) -> dict[int, Delivery]:
        if not ids:
            return {}
        return {d.id: d for d in await self.session.scalars(select(Delivery).where(Delivery.id.in_(ids)))}

    async def close_sealed(self, ids: Sequence[int], sent_at: datetime) -> None:
        """Sealed deliveries done with, sent or not: recorded as sent once, with no trace of a refusal on the way."""
        if ids:
            await self.session.execute(update(Delivery).where(Delivery.id.in_(ids)).values(
                status="sent", sent_at=sent_at, recipient_seal=None, attempts=1, last_error=None,
                next_attempt_at=None))

    async def mark_failed(self, delivery_id: int, error: str) -> None:
        await self.session.execute(update(Delivery).where(Delivery.id == delivery_id)
                                   .values(status="failed", last_error=error[:500]))

    async def retry_later(self, delivery_id: int, error: str, at: datetime) -> None:
        await self.session.execute(update(Delivery).where(Delivery.id == delivery_id)
                                   .values(status="pending", next_attempt_at=at, last_error=error[:500]))

    async def add_keyed(self, rows: Sequence[dict[str, Any]]) -> list[str]:
        """Insert outbox rows that carry a key; a key another process recorded first is skipped (not sent
        twice). One statement executed for many rows: compiled once. Returns the kinds of the rows added."""
        if not rows:
            return []
        statement = (dialect_insert(self.session)(Delivery).on_conflict_do_nothing(index_elements=["key"])
                     .returning(Delivery.kind))
        return list((await self.session.scalars(statement, rows)).all())

    async def existing_keys(self, keys: Sequence[str]) -> set[str]:
        """Which of these keys are recorded (asked 5,000 at a time: bound parameters are limited)."""
        found: set[str] = set()
        for start in range(0, len(keys), 5000):
            found.update((await self.session.scalars(
                select(Delivery.key).where(Delivery.key.in_(keys[start:start + 5000])))).all())
        return found

    async def for_person(self, person_id: int) -> Sequence[Delivery]:
        return (await self.session.scalars(select(Delivery).where(Delivery.recipient_id == person_id))).all()
