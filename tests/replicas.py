"""Several real `feedbot serve` replicas on one PostgreSQL database, sending a fan-out to a fake Slack Web API on
loopback: seed the people and the outbox, start, kill (SIGKILL) and restart replicas, and read what the fake saw.
Used by tests/test_replicas.py and benchmarks/bench_fanout.py."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, insert, select

from bot.kernel.views import text_view
from storage.db import Database
from storage.models import Account, Delivery, Person
from storage.uow import unit_of_work
from tests.fakes.slack_api import SIGNING_SECRET, TEAM, FakeSlack
from tests.test_cli import environment
from tests.test_slack_reliability import free_port

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]


async def seed_fan_out(db: Database, people: int) -> None:
    """`people` people on Slack, each with a DM channel already known, and one outbox message each: half a digest,
    half a check-in prompt, as a Friday's fan-out."""
    now = datetime.now(UTC)
    async with unit_of_work(db) as uow:
        await uow.session.execute(insert(Person), [
            {"email": f"p{n}@example.com", "name": f"Person {n}", "timezone": "UTC", "created_at": now}
            for n in range(people)])
        ids = (await uow.session.scalars(select(Person.id).order_by(Person.id))).all()
        await uow.session.execute(insert(Account), [
            {"person_id": pid, "platform": "slack", "workspace": TEAM, "user_id": f"U{n}",
             "address": {"channel": f"D{n}"}, "created_at": now} for n, pid in enumerate(ids)])
        kinds = itertools.cycle(["digest", "checkin"])
        await uow.deliveries.add_keyed([
            {"key": f"fanout:{n}", "kind": next(kinds), "recipient_id": pid, "status": "pending", "attempts": 0,
             "payload": text_view(f"message {n}").model_dump(mode="json"), "created_at": now}
            for n, pid in enumerate(ids)])


async def unsent(db: Database) -> int:
    async with unit_of_work(db) as uow:
        return await uow.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status != "sent"))


def quiet_schedule() -> dict[str, str]:
    """Check-ins and digests due on none of the days the test may run (only the seeded fan-out is sent)."""
    today = datetime.now(UTC).weekday()
    day = next(WEEKDAYS[d] for d in range(5) if d not in (today, (today - 1) % 7))
    return {"FEEDBOT_CHECKIN__WEEKDAY": day, "FEEDBOT_DIGEST__WEEKDAY": day, "FEEDBOT_SCHEDULE__GRACE_HOURS": "0"}


@dataclass
class Fleet:
    """Replicas of `feedbot serve` sharing `url`; replica i sends with the token xoxb-replica-i, so the fake can tell
    who sent what."""

    workdir: Path
    url: str
    fake: FakeSlack
    rate: float
    extra: dict[str, str] = field(default_factory=dict)
    processes: dict[int, asyncio.subprocess.Process] = field(default_factory=dict)

    def env(self, number: int) -> dict[str, str]:
        return environment(self.workdir, {
            "FEEDBOT_DATABASE__URL": self.url, "FEEDBOT_SERVER__PORT": str(free_port()),
            "FEEDBOT_SLACK__BOT_TOKEN": f"xoxb-replica-{number}", "FEEDBOT_SLACK__SIGNING_SECRET": SIGNING_SECRET,
            "FEEDBOT_SLACK__API_URL": self.fake.api_url, "FEEDBOT_SLACK__MESSAGES_PER_SECOND": str(self.rate),
            "FEEDBOT_SCHEDULE__TICK_SECONDS": "5", "FEEDBOT_LIMITS__CLAIM_TIMEOUT_SECONDS": "30",
            "FEEDBOT_PRIVACY__SECRET_KEY": "k" * 44, "FEEDBOT_DASHBOARD__ENABLED": "false",
            **quiet_schedule(), **self.extra})

    async def start(self, number: int) -> None:
        log = open(self.workdir / f"replica-{number}.log", "ab")  # noqa: SIM115 - the process keeps it
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "feedbot.cli", "serve", cwd=self.workdir, env=self.env(number),
            stdout=asyncio.subprocess.PIPE, stderr=log)
        log.close()
        line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        assert line.startswith("feedbot listening on "), line + self.log(number)
        self.processes[number] = process

    def log(self, number: int) -> str:
        path = self.workdir / f"replica-{number}.log"
        return path.read_text() if path.exists() else ""

    async def kill(self, number: int) -> None:
        process = self.processes.pop(number)
        process.kill()  # SIGKILL: no clean-up, its claimed batch stays claimed
        await process.wait()

    async def stop(self) -> list[int]:
        """SIGTERM to every replica still running; their exit statuses."""
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
        codes = [await asyncio.wait_for(p.wait(), 60) for p in self.processes.values()]
        self.processes.clear()
        return codes


def posted(fake: FakeSlack) -> list[tuple[float, str, str]]:
    """(arrival, channel, token) of each chat.postMessage the fake accepted."""
    return [(c.at, c.args["channel"], c.token) for c in fake.calls if c.method == "chat.postMessage" and not c.refused]


def busiest_second(arrivals: list[float]) -> int:
    """The most messages that arrived within any one second (a sliding window)."""
    most, first = 0, 0
    for last, at in enumerate(arrivals):
        while at - arrivals[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def duplicates(channels: list[str]) -> int:
    return sum(count - 1 for count in Counter(channels).values())


async def wait_until(check: Callable[[], Awaitable[bool]], timeout: float, step: float = 0.2) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError
        await asyncio.sleep(step)

