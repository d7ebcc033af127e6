"""Slack's work after the ack: a burst of commands is acked at once and then worked off by a few workers at the
database's pace, instead of a thousand tasks crowding out the next acks. One person's requests always share a
queue, so they are handled in the order they were sent; each piece of work logs with the id of its request."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import zlib
from collections.abc import Callable, Coroutine
from typing import Any

from adapters.request_id import REQUEST_ID
from bot.kernel.log_ids import logged_as

log = logging.getLogger(__name__)

Work = Coroutine[Any, Any, None]


class AfterAck:
    def __init__(self, workers: int, after_each: Callable[[], None]) -> None:
        self.queues: list[asyncio.Queue[tuple[str | None, Work]]] = [asyncio.Queue() for _ in range(workers)]
        self.workers: list[asyncio.Task[None]] = []
        self.after_each = after_each  # run after every piece of work, even one that failed

    def spawn(self, who: str, work: Work) -> None:
        """Queue work on the queue of `who` (the workers start with the first work)."""
        if not self.workers:
            # A context of their own: not that of the request that happened to start them (its id, for the logs).
            self.workers = [asyncio.create_task(self._worker(queue), context=contextvars.Context())
                            for queue in self.queues]
        self.queues[zlib.crc32(who.encode()) % len(self.queues)].put_nowait((REQUEST_ID.get(), work))

    async def join(self) -> None:
        """Wait until the work queued so far is done."""
        for queue in self.queues:
            await queue.join()

    async def close(self) -> None:
        for worker in self.workers:
            worker.cancel()
        await asyncio.gather(*self.workers, return_exceptions=True)
        self.workers.clear()

    async def _worker(self, queue: asyncio.Queue[tuple[str | None, Work]]) -> None:
        while True:
            request_id, work = await queue.get()
            with logged_as(request_id):  # the work's log lines carry the id of the request it came in
                try:
                    await work
                except Exception:  # a failing request must not stop the worker; its traceback is in the log
                    log.exception("Slack: handling a request failed")
                finally:
                    self.after_each()
                    queue.task_done()
