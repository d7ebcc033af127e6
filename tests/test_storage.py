"""Storage on SQLite and PostgreSQL: migrations, time, transactions, and the outbox under concurrency."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from bot.kernel.outbox import DeliveryError, Recipient, enqueue
from bot.kernel.views import View, text_view
from bot.rhythm.dispatch import dispatch_pending
from storage.db import async_url
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import Base, Delivery, Person


async def test_migrations_create_exactly_the_models(database):
    async with database.engine.connect() as conn:
        diff = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
    assert diff == []


async def test_upgrade_is_idempotent_and_reaches_head(database):
    await upgrade(database.engine)
    assert await current_revision(database.engine) == head_revision()


async def test_times_are_stored_in_utc_and_read_back_aware(database):
    stockholm_evening = datetime(2026, 3, 29, 23, 30, tzinfo=timezone(timedelta(hours=2)))
    async with database.transaction() as session:
        session.add(Person(email="ana@example.com", name="Ana", created_at=stockholm_evening))
    async with database.transaction() as session:
        person = await session.scalar(select(Person))
    assert person.created_at == datetime(2026, 3, 29, 21, 30, tzinfo=UTC)
    assert person.created_at.tzinfo is not None


async def test_a_naive_datetime_is_refused(database):
    with pytest.raises(Exception, match="naive datetime"):
        async with database.transaction() as session:
            session.add(Person(email="ana@example.com", name="Ana", created_at=datetime(2026, 1, 1)))


async def test_a_failing_unit_of_work_writes_nothing(deps, clock):
    with pytest.raises(RuntimeError):
        async with deps.uow() as uow:
            uow.people.add(Person(email="ana@example.com", name="Ana", created_at=clock.now()))
            await uow.people.flush()
            enqueue(uow, clock.now(), text_view("hi"), kind="test", channel="#x")
            raise RuntimeError("boom")
    async with deps.uow() as uow:
        assert await uow.people.count() == 0
        assert await uow.session.scalar(select(func.count()).select_from(Delivery)) == 0


class Recording:
    def __init__(self, fail_for: str | None = None) -> None:
        self.sent: list[str] = []
        self.fail_for = fail_for

    async def send(self, recipient: Recipient, view: View) -> None:
        await asyncio.sleep(0)  # let the other worker interleave
        if recipient.channel == self.fail_for:
            raise DeliveryError("channel_not_found", permanent=True)
        self.sent.append(view.title)


async def test_two_dispatchers_send_every_delivery_exactly_once(deps, clock):
    async with deps.uow() as uow:
        for n in range(40):
            enqueue(uow, clock.now(), View(title=f"m{n}"), kind="test", channel="#general")
    recording = Recording()
    from dataclasses import replace
    worker = replace(deps, messenger=recording)
    counts = await asyncio.gather(dispatch_pending(worker, batch=3), dispatch_pending(worker, batch=3))
    assert sum(counts) == 40
    assert sorted(recording.sent) == sorted(f"m{n}" for n in range(40))
    async with deps.uow() as uow:
        statuses = (await uow.session.scalars(select(Delivery.status))).all()
    assert set(statuses) == {"sent"}


async def test_a_refused_delivery_is_marked_failed_not_resent(deps, clock):
    async with deps.uow() as uow:
        enqueue(uow, clock.now(), View(title="x"), kind="test", channel="#gone")
    from dataclasses import replace
    worker = replace(deps, messenger=Recording(fail_for="#gone"))
    assert await dispatch_pending(worker) == 0
    assert await dispatch_pending(worker) == 0
    async with deps.uow() as uow:
        delivery = await uow.session.scalar(select(Delivery))
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 1, "channel_not_found")


@pytest.mark.parametrize(("given", "expected"), [
    ("sqlite:///feedbot.db", "sqlite+aiosqlite:///feedbot.db"),
    ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ("postgresql://u:p@h:5432/d", "postgresql+asyncpg://u:p@h:5432/d"),
    ("postgresql+psycopg://h/d", "postgresql+asyncpg://h/d"),
])
def test_plain_urls_get_async_drivers(given, expected):
    assert async_url(given) == expected


async def test_a_claim_takes_at_most_its_batch(deps, clock):
    async with deps.uow() as uow:
        for n in range(500):
            enqueue(uow, clock.now(), View(title=f"m{n}"), kind="test", channel="#general")
    async with deps.uow() as uow:
        claimed = await uow.deliveries.claim_batch(200, clock.now(), clock.now() - timedelta(minutes=10))
    assert [d.payload["title"] for d in claimed] == [f"m{n}" for n in range(200)]
    async with deps.uow() as uow:
        statuses = (await uow.session.scalars(select(Delivery.status))).all()
    assert statuses.count("sending") == 200 and statuses.count("pending") == 300
