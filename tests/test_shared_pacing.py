"""Replicas share the send budgets: a slot one replica took in Redis or PostgreSQL is not given to another; Redis
down means PostgreSQL (or the process) with one warning, and Redis again once it is back."""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.limiters import FallbackLimiter, PostgresLimiter, RedisLimiter, shared_limiter
from adapters.pacing import LocalSlots, Pacer, Slots
from bot.kernel.outbox import DeliveryError
from bot.kernel.settings import Settings
from bot.rhythm.scheduler import tick
from storage.db import Database, where
from storage.models.outbox import PacingSlot
from tests.conftest import NO_POSTGRES, PG_URL
from tests.fakes.slack_api import running_slack
from tests.redis_server import REDIS_URL, key_prefix, needs_redis
from tests.test_slack_delivery import FRIDAY, everyone_says_hello

GAP = 0.05  # 20 a second for the whole budget


@pytest.fixture
async def redis_replicas() -> AsyncIterator[list[RedisLimiter]]:
    prefix = key_prefix()
    replicas = [RedisLimiter(REDIS_URL, prefix), RedisLimiter(REDIS_URL, prefix)]
    yield replicas
    for replica in replicas:
        await replica.aclose()


def slots(conversation: str) -> Slots:
    return [("slack", GAP), (f"slack:{conversation}", 1.0)]


@dataclass(frozen=True)
class Taken:
    """When a slot falls, on this machine's clock: between `earliest` and `latest`, because the limiter reserved it
    at some instant while `reserve` ran (a busy machine makes that window wider, never the answer wrong)."""

    earliest: float
    latest: float
    wait: float  # what `reserve` answered


async def reserve(replica: Any, conversation: str) -> Taken:
    before = time.monotonic()
    wait = await replica.reserve(slots(conversation))
    return Taken(before + wait, time.monotonic() + wait, wait)


async def taken_instants(replicas: list, rounds: int = 6) -> list[Taken]:
    """Each replica in turn reserves for a conversation of its own."""
    taken = [await reserve(replica, f"D{number}-{n}") for n in range(rounds) for number, replica in enumerate(replicas)]
    return sorted(taken, key=lambda slot: slot.earliest)


def assert_spaced(taken: list[Taken], gap: float) -> None:
    """No two slots closer than `gap`: even the widest the windows allow is at least the gap (less 1 ms of clock
    difference between Redis/PostgreSQL and this process)."""
    widest = [later.latest - earlier.earliest for earlier, later in itertools.pairwise(taken)]
    assert min(widest) > gap - 0.001, widest


def assert_span(taken: list[Taken], span: float) -> None:
    """The first and last slot lie `span` apart, within what the windows allow."""
    assert taken[-1].earliest - taken[0].latest - 0.001 <= span <= taken[-1].latest - taken[0].earliest + 0.001


@needs_redis
async def test_two_replicas_take_turns_in_one_redis_budget(redis_replicas) -> None:
    taken = await taken_instants(redis_replicas)
    assert_spaced(taken, GAP)
    assert_span(taken, 11 * GAP)


@needs_redis
async def test_one_conversation_waits_its_own_interval_across_replicas(redis_replicas) -> None:
    first, second = redis_replicas
    one, other = await reserve(first, "D1"), await reserve(second, "D1")
    assert one.wait == pytest.approx(0, abs=0.01)  # the first goes at once
    assert other.earliest - one.latest - 0.001 <= 1.0 <= other.latest - one.earliest + 0.001  # the second 1 s later


@pytest.mark.skipif(not PG_URL, reason=NO_POSTGRES)
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
async def test_two_replicas_take_turns_in_one_postgresql_budget(database: Database) -> None:
    replicas = [PostgresLimiter(PG_URL, database.engine), PostgresLimiter(PG_URL, database.engine)]
    taken = await taken_instants(replicas)
    assert_spaced(taken, GAP)
    again = await reserve(replicas[1], "D0-0")  # the first conversation again: its own second after its first slot
    first = taken[0]
    assert again.earliest - first.latest - 0.001 <= 1.0 <= again.latest - first.earliest + 0.001


async def test_the_postgresql_budget_out_of_reach_is_a_send_to_retry_later() -> None:
    limiter = PostgresLimiter("postgresql://feedbot@127.0.0.1:9/feedbot")  # nothing listens on port 9
    with pytest.raises(DeliveryError, match="cannot be reached") as refused:
        await limiter.reserve(slots("D1"))
    assert not refused.value.permanent and refused.value.retry_after == 5
    await limiter.aclose()


class Recorded(LocalSlots):
    def __init__(self) -> None:
        super().__init__()
        self.reserved: list[Slots] = []

    async def reserve(self, slots: Slots) -> float:
        self.reserved.append(list(slots))
        return 0.0


async def test_redis_down_falls_back_with_one_warning_and_comes_back(caplog) -> None:
    now = [100.0]
    down = RedisLimiter("redis://127.0.0.1:9/0", key_prefix())  # nothing listens on port 9
    fallback = Recorded()
    limiter = FallbackLimiter(down, fallback, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, "adapters.limiters"):
        for n in range(3):
            assert await limiter.reserve(slots(f"D{n}")) == 0.0
    assert len(fallback.reserved) == 3
    assert [r.getMessage() for r in caplog.records] == [
        "Redis at 127.0.0.1:9 cannot be reached (ConnectionError): pacing through this process alone until it is back"]

    class Back(RedisLimiter):
        async def reserve(self, slots: Slots) -> float:
            return 0.25

    limiter.primary = Back("redis://127.0.0.1:9/0", "x")
    assert await limiter.reserve(slots("D9")) == 0.0  # not tried again at once: each send would wait for a timeout
    now[0] += 16
    caplog.clear()
    with caplog.at_level(logging.WARNING, "adapters.limiters"):
        assert await limiter.reserve(slots("D9")) == 0.25
    assert caplog.records[0].getMessage() == "Redis at 127.0.0.1:9 is back: pacing through it again"
    await limiter.aclose()


async def test_a_pacer_sharing_a_budget_asks_the_limiter_under_its_budget_key() -> None:
    shared = Recorded()
    pacer = Pacer(per_conversation=1, overall=10)
    pacer.share(shared, "teams:tenant-1")
    await pacer.wait("a:1")
    assert shared.reserved == [[("teams:tenant-1", 0.1), ("teams:tenant-1:a:1", 1.0)]]


def test_what_the_deployment_paces_through() -> None:
    def limiter(database: str, redis: str | None = None) -> object:
        return shared_limiter(Settings.model_validate({"database": {"url": database}, "pacing": {"redis_url": redis}}))

    assert limiter("sqlite:///feedbot.db") is None  # one process: its own pacers
    assert isinstance(limiter("postgresql://db/feedbot"), PostgresLimiter)
    with_redis = limiter("postgresql://db/feedbot", "redis://:secret@cache:6380/0")
    assert isinstance(with_redis, FallbackLimiter) and isinstance(with_redis.fallback, PostgresLimiter)
    assert with_redis.primary.where == "Redis at cache:6380"  # never the password
    assert isinstance(limiter("sqlite:///feedbot.db", "redis://cache/0").fallback, LocalSlots)


@pytest.mark.skipif(not PG_URL, reason=NO_POSTGRES)
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
async def test_with_redis_down_a_fan_out_goes_through_postgresql_with_nothing_lost_or_doubled(
        database: Database, clock, catalogs, tmp_path, caplog) -> None:
    """On the wire: Slack's pacers share a Redis that cannot be reached; a tick's check-in prompts all go out, once
    each, paced through PostgreSQL's slots, with one warning."""
    limiter = FallbackLimiter(RedisLimiter("redis://127.0.0.1:9/0", key_prefix()),  # nothing listens on port 9
                              PostgresLimiter(PG_URL, database.engine))
    async with running_slack(database, clock, catalogs) as env:
        env.platform.messenger.share_pacing(limiter)
        await everyone_says_hello(env, tmp_path, size=6)
        with caplog.at_level(logging.WARNING, "adapters.limiters"):
            await tick(env.deps, FRIDAY)
        posted = sorted(call["channel"] for call in env.fake.called("chat.postMessage"))
        assert posted == [f"D{n:04d}" for n in range(6)]  # everyone once: nothing lost, nothing doubled
        assert env.fake.called("chat.postMessage", refused=True) == []
        warned = [r.getMessage() for r in caplog.records if r.name == "adapters.limiters"]
        assert warned == [f"Redis at 127.0.0.1:9 cannot be reached (ConnectionError): pacing through {where(PG_URL)} "
                          "until it is back"]
        async with database.engine.begin() as connection:  # the slots were taken in PostgreSQL
            assert await connection.scalar(select(func.count()).select_from(PacingSlot)) > 0
    await limiter.aclose()
