"""The digest batch against its floor, alternated in one process: a ratio a busy machine blurs less.

    .venv/bin/python -m benchmarks.digest_ratio [--target sqlite|postgresql] [--pairs 12]

bench_digest times the floor a few times and then the batch a few times, so load that comes and goes on a shared
machine can fall on one side only. This alternates them: each pair is a floor, then the warm batch of every manager's
digest, then the first batch after a start (no published round kept), each timed by wall clock and by this process's
CPU.
It prints the best of each and the median of the pairs' own ratios; on SQLite the CPU ratio is the figure to judge
by (the database works in this process), on PostgreSQL the wall ratio (it works in its own).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import replace
from typing import Any

from benchmarks import floor
from benchmarks.bench_digest import covered_weeks, readers
from benchmarks.common import DIGEST_AT, Target, emit, make_deps
from bot.digest import weekly as digest
from bot.kernel.memo import Memo


async def alternate(target: Target, pairs: int) -> dict[str, Any]:
    db = target.open()
    deps = await make_deps(target, db, DIGEST_AT)
    try:
        managers, _, _ = await readers(deps)
        week, periods = covered_weeks()
        signal_periods = covered_weeks(12)[1]

        async def floor_run() -> tuple[float, float]:
            # With the cycle collector paused, as the batch pauses it (bot/digest/weekly.py): else the floor's rows
            # would pay for walking the published rounds the batches keep, which bench_digest's floor never meets.
            async with db.transaction() as session:
                with digest.collector_paused():
                    wall, cpu = time.perf_counter(), time.process_time()
                    await floor.run(session, DIGEST_AT, week, periods, signal_periods)
                    return time.perf_counter() - wall, time.process_time() - cpu

        async def batch_run(cold: bool) -> tuple[float, float]:
            used = replace(deps, published=Memo()) if cold else deps
            async with used.uow() as uow:
                wall, cpu = time.perf_counter(), time.process_time()
                await digest.build(used, uow, managers)
                return time.perf_counter() - wall, time.process_time() - cpu

        await floor_run()  # warm-up: the same pages for both sides, the published rounds kept
        await batch_run(False)
        runs = [(await floor_run(), await batch_run(False), await batch_run(True)) for _ in range(pairs)]
    finally:
        await db.dispose()
    result: dict[str, Any] = {"target": target.name, "pairs": pairs}
    for n, clock in enumerate(("wall", "cpu")):
        floors = [run[0][n] for run in runs]
        for side, index in (("warm", 1), ("cold", 2)):
            batches = [run[index][n] for run in runs]
            result[f"{side}_{clock}_best_ratio"] = min(batches) / min(floors)
            result[f"{side}_{clock}_median_ratio"] = statistics.median(b / f for b, f in zip(batches, floors,
                                                                                          strict=True))
            result[f"{side}_{clock}_best_s"] = min(batches)
        result[f"floor_{clock}_best_s"] = min(floors)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pairs", type=int, default=12, help="floor, warm batch, first batch: this many times")
    args = parser.parse_args()
    result = asyncio.run(alternate(Target(args.target), args.pairs))
    for clock in ("cpu", "wall"):
        print(f"{clock}: floor {result[f'floor_{clock}_best_s']:.3f} s, warm batch "
              f"{result[f'warm_{clock}_best_s']:.3f} s ({result[f'warm_{clock}_best_ratio']:.2f}× best to best, "
              f"{result[f'warm_{clock}_median_ratio']:.2f}× median of pairs), first batch after a start "
              f"{result[f'cold_{clock}_best_s']:.3f} s ({result[f'cold_{clock}_best_ratio']:.2f}×, "
              f"{result[f'cold_{clock}_median_ratio']:.2f}×)", flush=True)
    emit({"digest_ratio": result})


if __name__ == "__main__":
    main()
