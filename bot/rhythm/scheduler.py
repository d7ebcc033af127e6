"""APScheduler 3 as a trigger only: a periodic tick asks the core what is due now.

Schedules are data (people's zones and slots, pairs' cadences, surveys' recurrences), never jobs: the
job store is in memory and holds one job, so several processes may run it — the outbox keys keep every
message to one send. Misfires run late instead of being dropped (misfire_grace_time=None), and missed
runs collapse into one (coalesce).
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.kernel.context import Deps
from bot.kernel.log_ids import logged_as, new_id
from bot.kernel.metrics import timed
from bot.rhythm.dispatch import dispatch_pending
from bot.rhythm.record import run_due
from storage.db import unavailable

log = logging.getLogger(__name__)

INBOUND_MEMORY = timedelta(days=2)  # platforms retry an event for minutes (Slack) to hours, never days


async def tick(deps: Deps, at: datetime | None = None) -> Counter[str]:
    """One tick: record what is due at `at` (default: now), then send the outbox."""
    now = at or deps.clock.now()
    with timed(deps.metrics.tick):
        recorded = await run_due(deps, now)
        if recorded:
            log.info("tick recorded %s", dict(recorded))  # kinds and counts only: never who
        await dispatch_pending(deps)
        async with deps.uow() as uow:
            await uow.inbound.forget_before(now - INBOUND_MEMORY)
    return recorded


def start_scheduler(deps: Deps) -> AsyncIOScheduler:
    """Start ticking on the running event loop (call from inside it)."""
    scheduler = AsyncIOScheduler(timezone="UTC", job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": None})
    scheduler.add_job(_tick_safely, "interval", seconds=deps.settings.schedule.tick_seconds, args=[deps],
                      # APScheduler runs on the real clock, whatever deps.clock says: the first tick is now.
                      id="feedbot-tick", replace_existing=True, next_run_time=datetime.now(UTC))
    scheduler.start()
    return scheduler


async def _tick_safely(deps: Deps) -> None:
    with logged_as(new_id("tick-")):  # its log lines (and its sends') carry an id of their own
        await _tick_logged(deps)


async def _tick_logged(deps: Deps) -> None:
    try:
        await tick(deps)
    except Exception as exc:  # a failing tick must not stop the next one
        reason = unavailable(exc, deps.settings.database.url)
        if reason is None:
            log.exception("tick failed")
        else:  # the database is down or not migrated: one line a tick, no traceback, until it is back
            log.error("tick skipped, trying again in %ss: %s", deps.settings.schedule.tick_seconds, reason)
