"""All 1,000 manager digests at one instant, against the floor (the same aggregates as hand-written SQL).

    .venv/bin/python -m benchmarks.bench_digest [--target sqlite|postgresql] [--repeat 3] [--profile]

Targets (issue 3): digests within 3× the floor, and under 30 s in total on SQLite; (issue 10) within 1.5× with the
quality sections.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from benchmarks import floor
from benchmarks.common import ADMIN, DIGEST_AT, Target, emit, make_deps
from bot.digest import weekly as digest
from bot.digest.weekly import Reader
from bot.kernel.calendar import iso_week
from bot.kernel.context import Deps
from bot.kernel.memo import Memo

SQLITE_LIMIT = 30.0
RATIO_LIMIT = 3.0
QUALITY_RATIO_LIMIT = 1.5  # issue 10: with the quality sections
PROFILED = 100  # digests in the profiled batch: enough to show where the time goes, quick even when slow


def covered_weeks(count: int = 8) -> tuple[str, list[str]]:
    """The week the digests cover and the mood trend's weeks (as bot.digest.sections.weeks computes them)."""
    covered = (DIGEST_AT - timedelta(days=7) + timedelta(days=3)).date()
    periods = [iso_week(covered - timedelta(weeks=n)) for n in reversed(range(count))]
    return periods[-1], periods


def timed_sections(spent: dict[str, float]) -> Callable[[], None]:
    """Wrap every section of bot.digest.weekly.SECTIONS with a stopwatch; returns the undo."""
    original = list(digest.SECTIONS)

    def wrap(section: Any) -> Any:
        inner = next((cell.cell_contents for cell in section.__closure__ or () if callable(cell.cell_contents)),
                     section) if section.__name__ == "batch" else section  # digest.one_by_one(...)
        name = inner.__name__ if inner.__module__ == "bot.digest.sections" else inner.__module__.split(".")[-1]

        async def timed(scopes: list[Any]) -> Any:
            began = time.perf_counter()
            try:
                return await section(scopes)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - began
        spent.setdefault(name, 0.0)
        return timed

    digest.SECTIONS[:] = [wrap(section) for section in original]
    return lambda: digest.SECTIONS.__setitem__(slice(None), original)


async def readers(deps: Deps) -> tuple[list[Reader], Reader, int]:
    async with deps.uow() as uow:
        ids = sorted(await uow.people.manager_ids())
        people = await uow.people.by_ids(ids)
        admin = await uow.people.by_email(ADMIN)
        covered = sum(len(v) for v in (await uow.people.reports_by_manager(ids)).values())
    assert admin is not None
    return [Reader(people[i], DIGEST_AT) for i in ids], Reader(admin, DIGEST_AT, org_wide=True), covered


async def build(deps: Deps, batch: list[Reader]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds, and the number of blocks of one build of these digests."""
    async with deps.uow() as uow:
        wall, cpu = time.perf_counter(), time.process_time()
        views = await digest.build(deps, uow, batch)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert len(views) == len(batch)
    return wall, cpu, sum(len(view.blocks) for view in views)


def spread(managers: list[Reader], n: int) -> list[Reader]:
    """n managers spread over the tree (ids are by level: the first hundred manage managers)."""
    step = max(1, len(managers) // n)
    return managers[::step][:n]


async def batch(deps: Deps, managers: list[Reader], repeat: int, budget: float) -> dict[str, Any]:
    """The batch of all managers, best of `repeat`; measured only if batches of 10 and 100 say it fits `budget`,
    else extrapolated linearly from those two (a pathologically slow section must not take an hour)."""
    spent: dict[str, float] = {}
    undo = timed_sections(spent)
    try:
        small = await build(deps, spread(managers, 10))
        if small[0] * len(managers) / 10 > 3 * budget:  # hopeless: not even the batch of 100
            return {"digest_s": small[0] * len(managers) / 10, "digest_cpu_s": small[1] * len(managers) / 10,
                    "blocks": None, "extrapolated_from": [small[0]], "sections_s": dict(spent)}
        spent.clear()
        medium = await build(deps, spread(managers, 100))
        slope = (medium[0] - small[0]) / 90
        projected = medium[0] + slope * (len(managers) - 100)
        if projected > budget:
            return {"digest_s": projected, "digest_cpu_s": medium[1] + (medium[1] - small[1]) / 90 * (
                len(managers) - 100), "blocks": None, "extrapolated_from": [small[0], medium[0]],
                "sections_s": dict(spent)}
        spent.clear()  # the first full batch after a start: no round's tallies kept yet
        cold = await build(replace(deps, published=Memo()), managers)
        cold_sections = {k: round(v, 3) for k, v in spent.items()}
        runs: list[tuple[tuple[float, float, int], dict[str, float]]] = []
        while len(runs) < repeat and (not runs or runs[0][0][0] < 60):  # a slow batch is measured once
            spent.clear()
            runs.append((await build(deps, managers), dict(spent)))
    finally:
        undo()
    (wall, cpu, blocks), sections = min(runs, key=lambda run: run[0][0])
    return {"digest_s": wall, "digest_cpu_s": cpu, "blocks": blocks, "extrapolated_from": None,
            "sections_s": sections, "cold_s": cold[0], "cold_cpu_s": cold[1], "cold_sections_s": cold_sections}


async def one_by_one(deps: Deps, managers: list[Reader], sample: int) -> tuple[float, int]:
    """Mean seconds per digest built alone (as `/digest` does), over up to `sample` managers or about a minute."""
    chosen = spread(managers, sample)
    first = (await build(deps, [chosen[0]]))[0]
    chosen = chosen[:max(3, min(sample, int(60 / max(first, 1e-3))))]
    walls = [first] + [(await build(deps, [reader]))[0] for reader in chosen[1:]]
    return sum(walls) / len(walls), len(walls)


async def bench(target: Target, repeat: int, sample: int, budget: float, profile: bool) -> dict[str, Any]:
    db = target.open()
    deps = await make_deps(target, db, DIGEST_AT)
    try:
        managers, admin, covered = await readers(deps)
        week, periods = covered_weeks()
        signal_periods = covered_weeks(12)[1]  # bot.digest.signals.SIGNAL_WEEKS
        async with db.transaction() as session:  # warm-up: the same pages for both sides
            await floor.run(session, DIGEST_AT, week, periods, signal_periods)
        floors = []
        for _ in range(repeat):
            async with db.transaction() as session:
                floors.append(await floor.run(session, DIGEST_AT, week, periods, signal_periods))
        best = min(floors, key=lambda f: f.total(f.seconds))
        paused = []  # the same floor with the cycle collector paused, as a batch pauses it (bot/digest/weekly.py)
        for _ in range(repeat):
            async with db.transaction() as session:
                with digest.collector_paused():
                    paused.append(await floor.run(session, DIGEST_AT, week, periods, signal_periods))
        strict = min(paused, key=lambda f: f.total(f.seconds))
        result: dict[str, Any] = await batch(deps, managers, repeat, budget)
        one_cold = (await build(replace(deps, published=Memo()), [spread(managers, sample)[1]]))[0]
        one_wall, sampled = await one_by_one(deps, managers, sample)
        org_wall, org_cpu, _ = await build(deps, [admin])
        result = describe(result, target, managers, covered, week, best, one_wall, sampled, org_wall, org_cpu)
        result |= {"floor_paused_s": strict.total(strict.seconds), "floor_paused_cpu_s": strict.cpu,
                   "ratio_paused": result["digest_s"] / strict.total(strict.seconds),
                   "cpu_ratio_paused": result["digest_cpu_s"] / strict.cpu}
        result["one_cold_ms"] = one_cold * 1000
        report(result)
        if profile:
            print(await profile_build(deps, spread(managers, PROFILED)), flush=True)
    finally:
        await db.dispose()
    return result


def describe(result: dict[str, Any], target: Target, managers: list[Reader], covered: int, week: str,
             best: floor.FloorResult, one_wall: float, sampled: int, org_wall: float, org_cpu: float) -> dict[str, Any]:
    floor_core, floor_all = best.total(floor.CORE), best.total(best.seconds)
    wall = result["digest_s"]
    return result | {
        "target": target.name, "managers": len(managers), "people_covered": covered, "week": week,
        "floor_core_s": floor_core, "floor_rhythm_s": floor_all - floor_core, "floor_s": floor_all,
        "floor_cpu_s": best.cpu, "cpu_ratio": result["digest_cpu_s"] / best.cpu,
        "cold_ratio": result.get("cold_s", wall) / floor_all,
        "floor_queries": {k: round(v * 1000, 1) for k, v in best.seconds.items()}, "floor_rows": best.rows,
        "per_digest_ms": wall / len(managers) * 1000,
        "sections_s": {k: round(v, 3) for k, v in result["sections_s"].items()},
        "one_by_one_ms": one_wall * 1000, "one_by_one_total_s": one_wall * len(managers), "one_by_one_sample": sampled,
        "org_wide_s": org_wall, "org_wide_cpu_s": org_cpu, "ratio": wall / floor_all,
        "within_ratio": wall / floor_all <= RATIO_LIMIT,
        "within_30s": wall < SQLITE_LIMIT if target.name == "sqlite" else None,
    }


async def profile_build(deps: Deps, managers: list[Reader]) -> str:
    profiler = cProfile.Profile()
    async with deps.uow() as uow:
        profiler.enable()
        await digest.build(deps, uow, managers)
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
    return f"cProfile of one batch build ({len(managers)} digests, spread over the tree):\n" + out.getvalue()


def report(r: dict[str, Any]) -> None:
    print(f"\n== digests on {r['target']}: {r['managers']:,} managers, {r['people_covered']:,} people covered, "
          f"week {r['week']} ==")
    print(f"floor (hand-written SQL, GROUP BY manager): {r['floor_s']:.2f} s  "
          f"[check-ins, kudos, goals, ideas {r['floor_core_s']:.2f} s; "
          f"1:1s, pulse and quality {r['floor_rhythm_s']:.2f} s]")
    print("  per query (ms): " + ", ".join(f"{k} {v}" for k, v in r["floor_queries"].items()))
    measured = r["extrapolated_from"]
    how = f"{r['blocks']:,} blocks" if not measured else (
        "EXTRAPOLATED from "
        + " and ".join(f"a batch of {n} ({s:.1f} s)" for n, s in zip((10, 100), measured, strict=False))
        + " — the full batch would exceed the time budget")
    print(f"digests, one batch of {r['managers']:,}: {r['digest_s']:.2f} s wall, {r['digest_cpu_s']:.2f} s CPU, "
          f"{r['per_digest_ms']:.2f} ms per digest, {r['ratio']:.1f}× the floor ({how})")
    sections = r["sections_s"]
    of = f"the batch of {(10, 100)[len(measured) - 1]}" if measured else "the batch"
    print(f"  per section in {of} (s): " + ", ".join(f"{k} {v}" for k, v in sections.items()))
    if r["target"] == "sqlite":  # PostgreSQL works in its own processes: this process's CPU is not the floor's
        print(f"  CPU: floor {r['floor_cpu_s']:.2f} s, batch {r['digest_cpu_s']:.2f} s = {r['cpu_ratio']:.1f}× "
              "(on SQLite the database works in this process: CPU is what a busy machine does not blur)")
    print(f"  against the floor with the cycle collector paused, as the batch runs: floor {r['floor_paused_s']:.2f} s "
          f"wall, {r['floor_paused_cpu_s']:.2f} s CPU; the batch {r['ratio_paused']:.1f}× by wall"
          + (f", {r['cpu_ratio_paused']:.1f}× by CPU" if r["target"] == "sqlite" else ""))
    if "cold_s" in r:
        print(f"  first batch after a start (no tallies kept yet): {r['cold_s']:.2f} s wall, {r['cold_cpu_s']:.2f} s "
              f"CPU, {r['cold_ratio']:.1f}× the floor; sections (s): "
              + ", ".join(f"{k} {v}" for k, v in r["cold_sections_s"].items()))
    print(f"digests one by one ({r['one_by_one_sample']} built alone, extrapolated to {r['managers']:,}): "
          f"{r['one_by_one_ms']:.1f} ms each → {r['one_by_one_total_s']:.1f} s; the first after a start "
          f"{r['one_cold_ms']:.0f} ms")
    print(f"org-wide digest (admin, everyone): {r['org_wide_s']:.2f} s wall, {r['org_wide_cpu_s']:.2f} s CPU")
    verdict = [f"within {RATIO_LIMIT:.0f}× the floor: {'yes' if r['within_ratio'] else 'NO'} ({r['ratio']:.1f}×)",
               f"within {QUALITY_RATIO_LIMIT}× (issue 10): {'yes' if r['ratio'] <= QUALITY_RATIO_LIMIT else 'NO'} "
               f"({r['ratio']:.1f}×" + (f"; by CPU {r['cpu_ratio']:.1f}×)" if r["target"] == "sqlite" else ")")]
    if r["within_30s"] is not None:
        verdict.append(f"under {SQLITE_LIMIT:.0f} s on SQLite: {'yes' if r['within_30s'] else 'NO'} "
                       f"({r['digest_s']:.1f} s)")
    print("targets: " + "; ".join(verdict), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=3, help="best of N for the floor and the batch (default 3)")
    parser.add_argument("--sample", type=int, default=50, help="digests built one by one (default 50)")
    parser.add_argument("--budget", type=float, default=300,
                        help="seconds a full batch may take before it is extrapolated instead (default 300)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one batch build")
    args = parser.parse_args()
    result = asyncio.run(bench(Target(args.target), args.repeat, args.sample, args.budget, args.profile))
    emit({"digest": {k: v for k, v in result.items() if k not in ("floor_queries", "floor_rows")}})


if __name__ == "__main__":
    main()
