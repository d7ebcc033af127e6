"""The database out of reach while serving. A request not acknowledged yet is answered 503, so the platform sends
it again; work already acknowledged (Slack's slash commands and buttons, which Slack never resends, and events
whose id was recorded just before the outage) waits here for the database instead of being lost."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from storage.db import unavailable

log = logging.getLogger(__name__)

T = TypeVar("T")
DATABASE_WAIT = 600.0  # seconds acknowledged work waits for the database (Slack's response_url lasts 30 minutes)
LONGEST_PAUSE = 15.0  # between two tries


class Patience:
    """Runs a unit of work again while the database cannot be used: its transaction was rolled back, so nothing of
    it was saved. One line when the first piece of work starts waiting, one when the database is back."""

    def __init__(self, url: str, stopping: Callable[[], bool], wait: float = DATABASE_WAIT,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.url, self.stopping, self.wait, self.sleep = url, stopping, wait, sleep
        self.waiting = 0  # pieces of work waiting now

    async def run(self, call: Callable[[], Awaitable[T]]) -> T:
        waited, pause = 0.0, 0.5
        try:
            while True:
                try:
                    return await call()
                except Exception as exc:
                    reason = unavailable(exc, self.url)
                    if reason is None or waited >= self.wait or self.stopping():
                        raise
                    if waited == 0:
                        self._start_waiting(reason)
                await self.sleep(pause)
                waited, pause = waited + pause, min(pause * 2, LONGEST_PAUSE)
        finally:
            if waited:
                self._stop_waiting()

    def _start_waiting(self, reason: str) -> None:
        if not self.waiting:
            log.warning("requests already acknowledged wait for the database (up to %.0fs): %s", self.wait, reason)
        self.waiting += 1

    def _stop_waiting(self) -> None:
        self.waiting -= 1
        if not self.waiting:
            log.info("no request waits for the database any more")
