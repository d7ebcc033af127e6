"""Two schedulers on one PostgreSQL database: every person gets exactly one prompt and one reminder.

Each scheduler has its own `Database` (engine and connection pool) on the same schema, as two bot
processes would; they tick concurrently on one event loop, then in two threads with their own loops,
then as real APScheduler jobs.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_SUBMITTED
from sqlalchemy import func, select, text, update

from bot.kernel.clock import FixedClock
from bot.kernel.context import Deps
from bot.kernel.i18n import Catalogs
from bot.kernel.outbox import Recipient
from bot.kernel.settings import Settings
from bot.kernel.views import View
from bot.orgdir import import_people
from bot.rhythm.scheduler import start_scheduler, tick
from feedbot.app import build_deps
from storage.db import Database, create_engine
from storage.migrate import upgrade
from storage.models import Delivery, Person
from tests.conftest import NO_POSTGRES, PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason=NO_POSTGRES)

FRIDAY = datetime(2026, 11, 27, 14, tzinfo=UTC)  # 15:00 Stockholm, 09:00 New York, 22:00 Shanghai
MONDAY = datetime(2026, 11, 30, 14, tzinfo=UTC)  # the reminders, 24 h later moved past the weekend
ZONES = [("Europe/Stockholm", None), ("America/New_York", 9), ("Asia/Shanghai", 22)]
PEOPLE = 210
PROMPT, REMINDER = "Time for your weekly check-in (week 48)", "A reminder: your check-in for week 48 is still open"


class Recording:
    """A messenger that yields to the other scheduler before each send, and remembers who got what."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, recipient: Recipient, view: View) -> None:
        await asyncio.sleep(0)
        self.sent.append((recipient.email or "?", view.title))


@pytest.fixture
async def schema(tmp_path: Path, settings: Settings, catalogs: Catalogs) -> AsyncIterator[str]:
    """A migrated schema with PEOPLE people in three zones, all due on Friday 27 November 14:00Z."""
    name = "s_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{name}"'))
    db = open_db(name)
    try:
        await upgrade(db.engine)
        rows = "".join(f"p{n:03d}@example.com,P{n},,,{ZONES[n % 3][0]},en\n" for n in range(PEOPLE))
        (tmp_path / "org.csv").write_text("email,name,manager_email,team,timezone,locale\n" + rows, encoding="utf-8")
        await import_people(build_deps(settings, db, Recording(), clock=FixedClock(FRIDAY), catalogs=catalogs),
                            tmp_path / "org.csv")
        async with db.transaction() as session:
            for zone, hour in ZONES:
                if hour is not None:  # a personal Friday slot at the same instant
                    await session.execute(update(Person).where(Person.timezone == zone)
                                          .values(checkin_weekday=4, checkin_hour=hour))
        await db.dispose()
        yield name
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        await admin.dispose()


def open_db(schema: str) -> Database:
    return Database(PG_URL, connect_args={"server_settings": {"search_path": schema}})


EVERYONE = sorted(f"p{n:03d}@example.com" for n in range(PEOPLE))


async def outbox(schema: str) -> Counter[tuple[str, str]]:
    """(kind, status) → rows, and a check that no key appears twice."""
    db = open_db(schema)
    try:
        async with db.transaction() as session:
            rows = (await session.execute(select(Delivery.kind, Delivery.status))).all()
            keys = await session.scalar(select(func.count(func.distinct(Delivery.key))))
    finally:
        await db.dispose()
    assert keys == len(rows)
    return Counter((row[0], row[1]) for row in rows)


async def test_two_schedulers_on_one_loop_send_each_prompt_and_reminder_once(schema, settings, catalogs):
    clock = FixedClock(FRIDAY)
    databases = [open_db(schema), open_db(schema)]
    recordings = [Recording(), Recording()]
    schedulers = [build_deps(settings, db, rec, clock=clock, catalogs=catalogs)
                  for db, rec in zip(databases, recordings, strict=True)]
    try:
        recorded = await asyncio.gather(*(tick(deps, FRIDAY) for deps in schedulers))
        assert sum(recorded, Counter()) == Counter({"checkin.prompt": PEOPLE})
        # Both keep ticking through the next minutes: nothing is recorded or sent again.
        for minute in range(1, 4):
            again = await asyncio.gather(*(tick(deps, FRIDAY + timedelta(minutes=minute)) for deps in schedulers))
            assert again == [Counter(), Counter()]
        clock.set(MONDAY)
        recorded = await asyncio.gather(*(tick(deps, MONDAY) for deps in schedulers))
        assert sum(recorded, Counter()) == Counter({"checkin.reminder": PEOPLE})
        assert await asyncio.gather(*(tick(deps, MONDAY + timedelta(hours=1)) for deps in schedulers)) == [
            Counter(), Counter()]
    finally:
        for db in databases:
            await db.dispose()
    sent = recordings[0].sent + recordings[1].sent
    assert sorted(email for email, title in sent if title == PROMPT) == EVERYONE
    assert sorted(email for email, title in sent if title == REMINDER) == EVERYONE
    assert len(sent) == 2 * PEOPLE
    assert await outbox(schema) == Counter({("checkin.prompt", "sent"): PEOPLE, ("checkin.reminder", "sent"): PEOPLE})


def tick_in_own_loop(schema: str, settings: Settings, catalogs: Catalogs, barrier: threading.Barrier,
                     ) -> tuple[Counter[str], list[tuple[str, str]]]:
    """A scheduler in its own thread and event loop: open the database, wait for the other, tick."""
    async def run() -> tuple[Counter[str], list[tuple[str, str]]]:
        db = open_db(schema)
        recording = Recording()
        deps: Deps = build_deps(settings, db, recording, clock=FixedClock(FRIDAY), catalogs=catalogs)
        try:
            async with db.transaction() as session:  # connect before the start line
                await session.execute(select(1))
            barrier.wait(timeout=30)
            return await tick(deps, FRIDAY), recording.sent
        finally:
            await db.dispose()
    return asyncio.run(run())


async def test_two_schedulers_in_two_threads_send_each_prompt_once(schema, settings, catalogs):
    barrier = threading.Barrier(2)
    loop = asyncio.get_running_loop()
    results = await asyncio.gather(*(loop.run_in_executor(None, tick_in_own_loop, schema, settings, catalogs, barrier)
                                     for _ in range(2)))
    assert results[0][0] + results[1][0] == Counter({"checkin.prompt": PEOPLE})
    sent = results[0][1] + results[1][1]
    assert sorted(sent) == [(email, PROMPT) for email in EVERYONE]
    assert await outbox(schema) == Counter({("checkin.prompt", "sent"): PEOPLE})


async def test_the_real_apscheduler_ticks_and_sends_once(schema, settings, catalogs, caplog):
    # Two bot processes' schedulers, each ticking every second (production allows 5 s at least) on a clock
    # frozen at the due instant: many ticks, one prompt per person.
    fast = settings.model_copy(update={"schedule": settings.schedule.model_copy(update={"tick_seconds": 1})})
    databases = [open_db(schema), open_db(schema)]
    recordings = [Recording(), Recording()]
    events: list[tuple[int, int]] = []  # (scheduler, event code)
    schedulers = []

    def count(code: int, scheduler: int | None = None) -> int:
        return sum(1 for n, c in events if c == code and scheduler in (None, n))

    try:
        for number, (db, recording) in enumerate(zip(databases, recordings, strict=True)):
            scheduler = start_scheduler(build_deps(fast, db, recording, clock=FixedClock(FRIDAY), catalogs=catalogs))
            scheduler.add_listener(lambda event, n=number: events.append((n, event.code)),
                                   EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
            schedulers.append(scheduler)
        for _ in range(300):  # at most 30 s for three ticks each
            if min(count(EVENT_JOB_EXECUTED, 0), count(EVENT_JOB_EXECUTED, 1)) >= 3:
                break
            await asyncio.sleep(0.1)
        assert min(count(EVENT_JOB_EXECUTED, 0), count(EVENT_JOB_EXECUTED, 1)) >= 3, events
        for scheduler in schedulers:
            scheduler.pause()
        for _ in range(100):  # a tick already under way finishes before the shutdown
            if count(EVENT_JOB_SUBMITTED) == count(EVENT_JOB_EXECUTED) + count(EVENT_JOB_ERROR):
                break
            await asyncio.sleep(0.1)
    finally:
        for scheduler in schedulers:
            scheduler.shutdown(wait=False)
        for db in databases:
            await db.dispose()
    assert count(EVENT_JOB_ERROR) == 0
    assert count(EVENT_JOB_SUBMITTED) == count(EVENT_JOB_EXECUTED)
    assert [r.getMessage() for r in caplog.records if r.name == "bot.rhythm.scheduler" and r.levelname == "ERROR"] == []
    sent = recordings[0].sent + recordings[1].sent
    assert sorted(sent) == [(email, PROMPT) for email in EVERYONE]
    assert await outbox(schema) == Counter({("checkin.prompt", "sent"): PEOPLE})
