"""A claimed batch with a few sends in flight (bot/rhythm/pipeline.py), driven step by step: each job waits for the
test to let it finish, so what is under way at each moment is known, not timed."""

from __future__ import annotations

import asyncio

import pytest

from bot.rhythm.pipeline import run_in_order


class Jobs:
    """Jobs (index, conversation) that finish when the test says; what was under way at each start."""

    def __init__(self, conversations: str) -> None:
        self.jobs = list(enumerate(conversations))
        self.gates = {index: asyncio.Event() for index, _ in self.jobs}
        self.under_way: set[int] = set()
        self.started: list[int] = []
        self.seen: list[set[int]] = []  # what was under way each time one started
        self.failing: set[int] = set()

    async def run(self, job: tuple[int, str]) -> None:
        index = job[0]
        self.under_way.add(index)
        self.started.append(index)
        self.seen.append(set(self.under_way))
        await self.gates[index].wait()
        self.under_way.discard(index)
        if index in self.failing:
            raise RuntimeError(f"job {index} failed")

    def start(self, in_flight: int) -> asyncio.Task[None]:
        return asyncio.create_task(run_in_order(self.jobs, lambda job: job[1], self.run, in_flight))

    async def finish(self, *indexes: int) -> None:
        for index in indexes:
            self.gates[index].set()
        for _ in range(5):  # let the finished jobs end and the next ones start
            await asyncio.sleep(0)


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_up_to_in_flight_jobs_run_at_once_in_order() -> None:
    jobs = Jobs("abcdef")
    task = jobs.start(3)
    await settle()
    assert jobs.under_way == {0, 1, 2}
    await jobs.finish(1)  # a later one finishing lets the next one in: the window is the first three unfinished
    assert jobs.under_way == {0, 2, 3}
    await jobs.finish(0)
    assert jobs.under_way == {2, 3, 4}
    await jobs.finish(2, 3, 4, 5)
    await task
    assert jobs.started == [0, 1, 2, 3, 4, 5]


async def test_two_jobs_of_one_conversation_never_overlap_and_keep_their_order() -> None:
    jobs = Jobs("aabca")
    task = jobs.start(4)
    await settle()
    assert jobs.under_way == {0, 2, 3}  # the second "a" waits for the first
    await jobs.finish(2, 3)
    assert jobs.under_way == {0}  # the third "a" too, though there is room
    await jobs.finish(0)
    assert jobs.under_way == {1}
    await jobs.finish(1, 4)
    await task
    assert jobs.started == [0, 2, 3, 1, 4]
    assert all(len({"aabca"[i] for i in seen}) == len(seen) for seen in jobs.seen)


async def test_a_job_is_started_only_among_the_first_unfinished_ones() -> None:
    """What a replica taking a dead claim over relies on: a job far down the batch never starts while an earlier
    one is still waiting for its conversation, even when there is room."""
    jobs = Jobs("aab")
    task = jobs.start(2)
    await settle()
    assert jobs.under_way == {0}  # "b" is third of three unfinished: outside the window of two
    await jobs.finish(0)
    assert jobs.under_way == {1, 2}
    await jobs.finish(1, 2)
    await task


async def test_one_at_a_time_is_the_old_order() -> None:
    jobs = Jobs("abc")
    task = jobs.start(1)
    for index in range(3):
        await settle()
        assert jobs.under_way == {index}
        await jobs.finish(index)
    await task


async def test_a_failing_job_stops_new_starts_lets_those_under_way_finish_and_is_raised() -> None:
    jobs = Jobs("abcde")
    jobs.failing = {0}
    task = jobs.start(2)
    await settle()
    await jobs.finish(0)
    assert jobs.under_way == {1}  # nothing new started; the one under way goes on
    assert not task.done()
    await jobs.finish(1)
    with pytest.raises(RuntimeError, match="job 0 failed"):
        await task
    assert jobs.started == [0, 1]


async def test_cancelled_it_cancels_the_jobs_under_way() -> None:
    jobs = Jobs("ab")
    task = jobs.start(2)
    await settle()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await settle()
    assert jobs.under_way == {0, 1}  # stopped where they were: never finished
    assert not any(gate.is_set() for gate in jobs.gates.values())
