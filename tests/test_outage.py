"""Acknowledged work and a database out of reach (adapters/outage.py): it is tried again until the database is back,
for as long as the wait allows, and only for that kind of failure; one line for the whole outage."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from adapters import outage
from adapters.outage import Patience
from storage.db import DatabaseUnavailable

DOWN = DatabaseUnavailable("cannot reach PostgreSQL at db:5432/feedbot (connection refused)")


@pytest.fixture
def pauses() -> list[float]:
    return []


def patient(pauses: list[float], stopping: Callable[[], bool] = lambda: False, **wait: float) -> Patience:
    """Patience whose pauses are recorded instead of slept."""

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    return Patience("postgresql://db/feedbot", stopping, sleep=sleep, **wait)


def failing(times: int, error: Exception = DOWN) -> tuple[list[int], object]:
    tries: list[int] = []

    async def work() -> str:
        tries.append(1)
        if len(tries) <= times:
            raise error
        return "done"

    return tries, work


async def test_work_waits_for_the_database_and_runs_once_it_is_back(pauses, caplog) -> None:
    patience = patient(pauses)
    tries, work = failing(4)
    with caplog.at_level(logging.INFO, logger="adapters.outage"):
        assert await patience.run(work) == "done"
    assert len(tries) == 5 and pauses == [0.5, 1.0, 2.0, 4.0]
    assert [r.levelname for r in caplog.records] == ["WARNING", "INFO"]  # one line when it starts, one when over
    assert "wait for the database (up to 600s): cannot reach PostgreSQL" in caplog.records[0].message
    assert patience.waiting == 0


async def test_work_gives_up_after_the_wait_with_the_database_error(pauses) -> None:
    patience = patient(pauses, wait=20)
    tries, work = failing(100)
    with pytest.raises(DatabaseUnavailable):
        await patience.run(work)
    assert len(tries) == len(pauses) + 1 and sum(pauses) >= 20 and max(pauses) <= outage.LONGEST_PAUSE
    assert patience.waiting == 0


async def test_a_bug_is_not_tried_again(pauses) -> None:
    tries, work = failing(1, ValueError("a bug"))
    with pytest.raises(ValueError):
        await patient(pauses).run(work)
    assert len(tries) == 1 and pauses == []


async def test_a_stopping_server_stops_waiting(pauses) -> None:
    stopping = [False]
    tries, work = failing(100)

    async def stop_after_two() -> str:
        if len(tries) == 2:
            stopping[0] = True
        return await work()

    with pytest.raises(DatabaseUnavailable):
        await patient(pauses, lambda: stopping[0]).run(stop_after_two)
    assert len(tries) == 3
