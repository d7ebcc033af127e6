"""Send budgets shared by every replica (`adapters.pacing.Limiter`): Redis when `pacing.redis_url` is set, else
PostgreSQL; on SQLite, the one process keeps them itself. Redis unreachable: PostgreSQL (or the process) takes
over with a warning, and Redis is tried again a little later.

Both keep, per budget key, the next free instant, on their own clock (Redis' TIME, PostgreSQL's clock_timestamp()),
so the replicas' clocks need not agree. A reservation takes the latest of the budgets' next instants and moves each
on by its gap, atomically: a Lua script in Redis, a transaction with row locks in key order in PostgreSQL.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import redis.asyncio as redis
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.pacing import Limiter, LocalSlots, Slots
from bot.kernel.outbox import DeliveryError
from bot.kernel.settings import Settings
from storage.db import create_engine, is_sqlite, where
from storage.pacing import reserve_slot

log = logging.getLogger(__name__)

RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local slot = now
for _, key in ipairs(KEYS) do
  local taken = tonumber(redis.call('GET', key) or '0')
  if taken > slot then slot = taken end
end
for i, key in ipairs(KEYS) do
  local after = slot + tonumber(ARGV[i])
  redis.call('SET', key, string.format('%.6f', after), 'PX', math.ceil((after - now) * 1000) + 60000)
end
return string.format('%.6f', slot - now)
"""
RETRY_REDIS_SECONDS = 15.0
TIMEOUT_SECONDS = 3.0


class RedisLimiter:
    def __init__(self, url: str, prefix: str) -> None:
        # Generous timeouts: a replica held up by its own work (a busy machine, a batch being composed) must not take a
        # healthy Redis for a dead one and pace alone, outside the shared budget; a Redis that is down refuses at once.
        self.client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
        self.prefix = prefix
        self.script = self.client.register_script(RESERVE)
        parsed = urlsplit(url)  # never the password
        self.where = f"Redis at {parsed.hostname or 'localhost'}:{parsed.port or 6379}"

    async def reserve(self, slots: Slots) -> float:
        keys = [f"{self.prefix}:pace:{key}" for key, _ in slots]
        return float(await self.script(keys=keys, args=[gap for _, gap in slots]))

    async def aclose(self) -> None:
        await self.client.aclose()


class PostgresLimiter:
    """Its own small pool, so pacing never waits behind the requests' connections."""

    def __init__(self, url: str, engine: AsyncEngine | None = None) -> None:
        self.url, self._engine, self._owned = url, engine, engine is None

    async def reserve(self, slots: Slots) -> float:
        if self._engine is None:
            self._engine = create_engine(self.url)
        try:
            async with self._engine.begin() as connection:
                return await reserve_slot(connection, slots)
        except (SQLAlchemyError, OSError) as exc:
            raise DeliveryError(f"the send budget in {where(self.url)} cannot be reached ({type(exc).__name__}): "
                                f"trying again later", retry_after=5) from None

    async def aclose(self) -> None:
        if self._engine is not None and self._owned:
            await self._engine.dispose()


class FallbackLimiter:
    """Redis first; while it is unreachable, `fallback`, with one warning per outage."""

    def __init__(self, primary: RedisLimiter, fallback: Limiter, clock: Callable[[], float] = time.monotonic) -> None:
        self.primary, self.fallback, self.clock = primary, fallback, clock
        self.down_until: float | None = None

    async def reserve(self, slots: Slots) -> float:
        if self.down_until is None or self.clock() >= self.down_until:
            try:
                delay = await self.primary.reserve(slots)
            except (RedisError, OSError) as exc:
                if self.down_until is None:
                    log.warning("%s cannot be reached (%s): pacing through %s until it is back", self.primary.where,
                                type(exc).__name__, describe(self.fallback))
                self.down_until = self.clock() + RETRY_REDIS_SECONDS
            else:
                if self.down_until is not None:
                    log.warning("%s is back: pacing through it again", self.primary.where)
                    self.down_until = None
                return delay
        return await self.fallback.reserve(slots)

    async def aclose(self) -> None:
        await self.primary.aclose()
        await self.fallback.aclose()


def describe(limiter: Limiter) -> str:
    return where(limiter.url) if isinstance(limiter, PostgresLimiter) else "this process alone"


def shared_limiter(settings: Settings) -> Limiter | None:
    """What the configured deployment paces through; None: each pacer keeps its own slots (SQLite, no Redis)."""
    url = settings.database.url
    database: Limiter | None = None if is_sqlite(url) else PostgresLimiter(url)
    if settings.pacing.redis_url is None:
        return database
    primary = RedisLimiter(settings.pacing.redis_url.get_secret_value(), settings.pacing.key_prefix)
    return FallbackLimiter(primary, database or LocalSlots())
