"""The digest batch against its floor, alternated in one process: a ratio a busy machine blurs less.

    .venv/bin/python -m benchmarks.digest_ratio [--target sqlite|postgresql] [--pairs 12]

bench_digest times the floor a few times and then the batch a few times, so load that comes and goes on a shared
machine can fall on one side only. This alternates them: each round is the floor as bench_digest runs it (the cycle
collector on), the floor with the collector paused (as a batch pauses it, bot/digest/weekly.py), the warm batch of
every manager's digest, and the first batch after a start (no published round kept), each timed by wall clock and by
this process's CPU. It prints the best of each and the median of the rounds' own ratios; on SQLite the CPU ratio is
the figure to judge by (the database works in this process), on PostgreSQL the wall ratio (it works in its own).

The floor with the collector on runs with what the batches keep frozen out of the collector's sight (`gc.freeze`):
bench_digest's floor runs before any batch and never walks them, and neither does this one.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from benchmarks import floor
from benchmarks.bench_digest import covered_weeks, readers
from benchmarks.common import DIGEST_AT, Target, emit, make_deps
from bot.digest import weekly as digest
from bot.kernel.memo import Memo

Timed = tuple[float, float]  # wall and CPU seconds
FLOORS = ("floor", "paused floor")
BATCHES = ("warm batch", "first batch after a start")


async def timed(work: Callable[[], Awaitable[object]]) -> Timed:
    wall, cpu = time.perf_counter(), time.process_time()
    await work()
    return time.perf_counter() - wall, time.process_time() - cpu


async def alternate(target: Target, pairs: int) -> list[dict[str, Timed]]:
    db = target.open()
    deps = await make_deps(target, db, DIGEST_AT)
    try:
        managers, _, _ = await readers(deps)
        week, periods = covered_weeks()
        signal_periods = covered_weeks(12)[1]

        async def floor_run(paused: bool) -> Timed:
            async with db.transaction() as session:
                if paused:
                    with digest.collector_paused():
                        return await timed(lambda: floor.run(session, DIGEST_AT, week, periods, signal_periods))
                gc.collect()
                gc.freeze()  # what is alive now (the kept rounds, the last views) is not the floor's to walk
                try:
                    return await timed(lambda: floor.run(session, DIGEST_AT, week, periods, signal_periods))
                finally:
                    gc.unfreeze()

        async def batch_run(cold: bool) -> Timed:
            used = replace(deps, published=Memo()) if cold else deps
            async with used.uow() as uow:
                return await timed(lambda: digest.build(used, uow, managers))

        await floor_run(False)  # warm-up: the same pages for both sides, the published rounds kept
        await batch_run(False)
        return [{"floor": await floor_run(False), "paused floor": await floor_run(True),
                 "warm batch": await batch_run(False), "first batch after a start": await batch_run(True)}
                for _ in range(pairs)]
    finally:
        await db.dispose()


def summary(rounds: list[dict[str, Timed]]) -> dict[str, Any]:
    """Best seconds of each, and each batch's ratio to each floor: best to best, and the median of the rounds'."""
    result: dict[str, Any] = {}
    for n, clock in enumerate(("wall", "cpu")):
        for name in (*FLOORS, *BATCHES):
            result[f"{name} {clock} s"] = min(run[name][n] for run in rounds)
        for batch in BATCHES:
            for under in FLOORS:
                result[f"{batch} / {under} {clock}"] = (
                    result[f"{batch} {clock} s"] / result[f"{under} {clock} s"],
                    statistics.median(run[batch][n] / run[under][n] for run in rounds))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pairs", type=int, default=12, help="rounds of the floors and batches (default 12)")
    args = parser.parse_args()
    result = summary(asyncio.run(alternate(Target(args.target), args.pairs)))
    for clock in ("cpu", "wall"):
        print(f"{clock}: " + ", ".join(f"{name} {result[f'{name} {clock} s']:.3f} s" for name in (*FLOORS, *BATCHES)))
        for batch in BATCHES:
            print(f"  {batch}: " + "; ".join(
                f"{result[f'{batch} / {under} {clock}'][0]:.2f}× the {under} (best to best), "
                f"{result[f'{batch} / {under} {clock}'][1]:.2f}× (median of rounds)" for under in FLOORS), flush=True)
    emit({"digest_ratio": {"target": args.target, "pairs": args.pairs} | result})


if __name__ == "__main__":
    main()
