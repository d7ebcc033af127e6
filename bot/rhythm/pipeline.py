"""A claimed batch with a few sends in flight at once (`limits.send_concurrency`): one at a time, a replica spends
most of each message waiting (for its pacing slot, the platform's answer, the record's commit), so it cannot use
a budget above about 30 messages a second however the budget is shared.

Two rules keep what a person sees, and what a replica taking a dead claim over must look for, unchanged:

- a job starts only when no earlier unfinished job has its key (one conversation), so two messages to the same
  person never overtake each other;
- a job starts only when it is among the first `in_flight` unfinished jobs, so of a dead worker's unrecorded rows
  only the first `in_flight`, and of those only the first of each conversation, may have gone out
  (`Deliveries.claim`'s `in_doubt`, narrowed by `bot.rhythm.dispatch`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TypeVar

T = TypeVar("T")


async def run_in_order(jobs: Sequence[T], key: Callable[[T], Hashable], run: Callable[[T], Awaitable[None]],
                       in_flight: int) -> None:
    """`run` every job, at most `in_flight` at once, under the two rules above. A job that raises stops new
    ones from starting; those already under way finish (each records its own result), then the error is raised.
    Cancelled, it cancels the jobs under way."""
    if in_flight < 1:
        raise ValueError("in_flight must be at least 1")
    unfinished = list(range(len(jobs)))  # indexes, in order
    running: dict[asyncio.Task[None], int] = {}
    failure: BaseException | None = None
    try:
        while unfinished:
            if failure is None:
                _start(jobs, key, run, unfinished[:in_flight], running)
            if not running:
                break
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                unfinished.remove(running.pop(task))
                if task.exception() is not None and failure is None:
                    failure = task.exception()
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
    if failure is not None:
        raise failure


def _start(jobs: Sequence[T], key: Callable[[T], Hashable], run: Callable[[T], Awaitable[None]],
           window: Sequence[int], running: dict[asyncio.Task[None], int]) -> None:
    under_way = set(running.values())
    busy: set[Hashable] = set()  # keys of earlier unfinished jobs, started or not
    for index in window:
        job_key = key(jobs[index])
        if index not in under_way and job_key not in busy:
            running[asyncio.create_task(_call(run, jobs[index]))] = index
        busy.add(job_key)


async def _call(run: Callable[[T], Awaitable[None]], job: T) -> None:
    await run(job)
