"""Several real `feedbot serve` replicas on one PostgreSQL database, sending a fan-out to a fake Slack Web API (and a
fake Bot Connector) on loopback: seed the people and the outbox, start, kill (SIGKILL) and restart replicas, and read
what the fakes saw. Used by tests/test_replicas.py and benchmarks/bench_fanout.py."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import os
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from bot.kernel.views import text_view
from storage.db import Database
from storage.models import Account, Delivery, Person
from storage.uow import unit_of_work
from tests.fakes.openid import FakeOpenId
from tests.fakes.slack_api import SIGNING_SECRET, TEAM, FakeSlack
from tests.fakes.teams_connector import (
    APP_ID,
    APP_PASSWORD,
    BOT,
    TENANT,
    FakeConnector,
    TeamsUser,
    card_text,
    user,
)
from tests.fakes.teams_graph import FakeGraph
from tests.test_cli import environment
from tests.test_slack_reliability import free_port

MESSAGE = re.compile(r"message (\d+)")
FOUND = re.compile(r"delivery (\d+) was sent before its sender died")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]


def plan(messages: int, teams_run: int = 0, chatty: int = 0, repeat: int = 1) -> list[int]:
    """The person each of `messages` outbox messages goes to, in outbox order: one each, except the first `chatty`
    Teams people (see `on_teams`), who get `repeat` in a row (what the per-conversation limit is for)."""
    order: list[int] = []
    person = 0
    while len(order) < messages:
        order += [person] * (repeat if on_teams(person, teams_run) and person < chatty else 1)
        person += 1
    return order[:messages]


def on_teams(person: int, teams_run: int) -> bool:
    """The first `teams_run` people of every 200 are on Teams (0: nobody), the others on Slack. A claimed batch is
    200 rows, so every replica's batch holds a run of Teams sends, reached at about the same time: together the
    replicas would outrun the tenant's allowance if they did not share it."""
    return person % 200 < teams_run


def teams_member(n: int) -> TeamsUser:
    return user(f"Person {n}", f"p{n}@example.com", n)


def account(n: int, person_id: int, teams_run: int, connector: FakeConnector | None, now: datetime,
            ) -> dict[str, Any]:
    """Person n's account: a Slack DM channel D<n>, or a Teams 1:1 chat already known (the person has talked to the
    bot), on `connector`."""
    if not on_teams(n, teams_run) or connector is None:
        return {"person_id": person_id, "platform": "slack", "workspace": TEAM, "user_id": f"U{n}",
                "address": {"channel": f"D{n}"}, "created_at": now}
    member = teams_member(n)
    return {"person_id": person_id, "platform": "teams", "workspace": TENANT, "user_id": member.aad,
            "address": {"service_url": connector.url, "tenant": TENANT, "user": member.teams_id, "bot": BOT,
                        "conversation": f"a:{member.teams_id}"}, "created_at": now}


async def seed_fan_out(db: Database, messages: int, connector: FakeConnector | None = None, *, teams_run: int = 0,
                       chatty: int = 0, repeat: int = 1) -> list[int]:
    """People on Slack (and on Teams through `connector`, see `plan`) and `messages` outbox messages, "message <m>":
    half digests, half check-in prompts, as a Friday's fan-out. Returns the person of each message."""
    order = plan(messages, teams_run, chatty, repeat) if connector else plan(messages)
    now = datetime.now(UTC)
    async with unit_of_work(db) as uow:
        await uow.session.execute(insert(Person), [
            {"email": f"p{n}@example.com", "name": f"Person {n}", "timezone": "UTC", "created_at": now}
            for n in range(order[-1] + 1)])
        ids = (await uow.session.scalars(select(Person.id).order_by(Person.id))).all()
        await uow.session.execute(insert(Account), [account(n, pid, teams_run, connector, now)
                                                    for n, pid in enumerate(ids)])
        kinds = itertools.cycle(["digest", "checkin"])
        await uow.deliveries.add_keyed([
            {"key": f"fanout:{m}", "kind": next(kinds), "recipient_id": ids[n], "status": "pending", "attempts": 0,
             "payload": text_view(f"message {m}").model_dump(mode="json"), "created_at": now}
            for m, n in enumerate(order)])
    return order


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

    def lines(self, needle: str) -> list[str]:
        """The replicas' log lines that contain `needle`."""
        return [line for log in sorted(self.workdir.glob("replica-*.log")) for line in log.read_text().splitlines()
                if needle in line]

    def replica_with_port(self, port: int) -> int | None:
        """The replica whose process has the local TCP `port` open (its sockets, read from Linux's /proc)."""
        return next((number for number, process in self.processes.items() if port in local_ports(process.pid)),
                    None)

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


def local_ports(pid: int) -> set[int]:
    """The local TCP ports of the sockets process `pid` has open."""
    sockets = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            if (link := os.readlink(fd)).startswith("socket:["):
                sockets.add(link[8:-1])
    return {int(fields[1].rsplit(":", 1)[1], 16) for table in ("/proc/net/tcp", "/proc/net/tcp6")
            for fields in (line.split() for line in Path(table).read_text().splitlines()[1:]) if fields[9] in sockets}


def found_again(fleet: Fleet) -> list[int]:
    """The outbox rows a replica found already sent (by one that died), and recorded instead of sending again."""
    return [int(match.group(1)) for line in fleet.lines("was sent before its sender died")
            if (match := FOUND.search(line))]


async def teams_rows(db: Database, ids: Sequence[int]) -> int:
    """How many of the outbox rows `ids` go to a person on Teams."""
    async with unit_of_work(db) as uow:
        return await uow.session.scalar(
            select(func.count()).select_from(Delivery).join(Account, Account.person_id == Delivery.recipient_id)
            .where(Delivery.id.in_(ids), Account.platform == "teams"))


@contextlib.contextmanager
def steady_fakes() -> Iterator[None]:
    """The fakes run in the test's process and stamp each arrival when its handler runs: a collection of that
    process's heap (large after a whole suite) would hold them up and stamp a run of arrivals as one. No collection
    while the fan-out runs, then."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


def posted(fake: FakeSlack) -> list[tuple[float, str, str]]:
    """(arrival, channel, token) of each chat.postMessage the fake accepted."""
    return [(c.at, c.args["channel"], c.token) for c in fake.calls if c.method == "chat.postMessage" and not c.refused]


def teams_env(identity: FakeOpenId, rate: float, per_conversation: float, graph: FakeGraph | None = None,
              ) -> dict[str, str]:
    """Settings that switch Teams on in a replica, with the fake identity service and the tenant's allowance (and
    with `graph`, the Graph lookup of a message a dead replica may have sent)."""
    lookup = {"FEEDBOT_TEAMS__GRAPH__ENABLED": "true", "FEEDBOT_TEAMS__GRAPH__LOGIN_URL": graph.login_url,
              "FEEDBOT_TEAMS__GRAPH__URL": graph.graph_url} if graph is not None else {}
    return {"FEEDBOT_TEAMS__APP_ID": APP_ID, "FEEDBOT_TEAMS__APP_PASSWORD": APP_PASSWORD,
            "FEEDBOT_TEAMS__APP_TYPE": "SingleTenant", "FEEDBOT_TEAMS__TENANT_ID": TENANT,
            "FEEDBOT_TEAMS__OPENID_METADATA_URL": identity.metadata_url, "FEEDBOT_TEAMS__TOKEN_URL": identity.token_url,
            "FEEDBOT_TEAMS__SENDS_PER_SECOND": str(rate),
            "FEEDBOT_TEAMS__SENDS_PER_SECOND_PER_CONVERSATION": str(per_conversation), **lookup}


def teams_people(order: Sequence[int], teams_run: int) -> list[TeamsUser]:
    """The Teams people of a seeded fan-out (see `account`), to install the app for in the fake Graph."""
    return [teams_member(n) for n in sorted(set(order)) if on_teams(n, teams_run)]


def teams_posted(connector: FakeConnector) -> list[tuple[float, str, int]]:
    """(arrival, conversation, message number) of each activity the fake connector took."""
    return [(c.at, c.conversation, int(MESSAGE.search(card_text(c.body)).group(1)))
            for c in connector.calls if c.method in ("send", "reply")]


def busiest_chat(sent: list[tuple[float, str, int]]) -> int:
    """The most activities that arrived in one Teams chat within any one second."""
    by_chat: dict[str, list[float]] = defaultdict(list)
    for at, conversation, _ in sent:
        by_chat[conversation].append(at)
    return max(busiest_second(sorted(arrivals)) for arrivals in by_chat.values())


def busiest_second(arrivals: list[float], seconds: float = 1.0) -> int:
    """The most messages that arrived within any one second (or `seconds`: a sliding window)."""
    first, last = _busiest(arrivals, seconds)
    return last - first


def _busiest(arrivals: list[float], seconds: float) -> tuple[int, int]:
    """Where the busiest window of sorted `arrivals` starts and ends (a slice)."""
    window, first = (0, 0), 0
    for last, at in enumerate(arrivals):
        while at - arrivals[first] >= seconds:
            first += 1
        if last + 1 - first > window[1] - window[0]:
            window = (first, last + 1)
    return window


def busiest_window(arrivals: list[tuple[float, str]], since: float, seconds: float = 1.0) -> dict[str, list[int]]:
    """Who sent the arrivals (at, sender) of the busiest window, each at how many ms after `since`: what a failed
    bound prints, to tell a stalled sender from a burst."""
    arrivals = sorted(arrivals)
    first, last = _busiest([at for at, _ in arrivals], seconds)
    senders: dict[str, list[int]] = defaultdict(list)
    for at, sender in arrivals[first:last]:
        senders[sender].append(round((at - since) * 1000))
    return dict(senders)


def duplicates(sent: Sequence[Hashable]) -> int:
    return sum(count - 1 for count in Counter(sent).values())


async def in_time(check: Callable[[], Awaitable[bool]], timeout: float, step: float = 0.05) -> bool:
    """Whether `check` came true within `timeout`."""
    try:
        await wait_until(check, timeout, step)
    except TimeoutError:
        return False
    return True


async def wait_until(check: Callable[[], Awaitable[bool]], timeout: float, step: float = 0.2) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError
        await asyncio.sleep(step)

