"""One tick that finds a check-in prompt due for every person: CPU per due delivery, and peak memory.

    .venv/bin/python -m benchmarks.bench_tick [--target sqlite|postgresql] [--profile]

Everyone is given the check-in slot that makes them due at TICK_AT (their local weekday and hour then),
so one tick records and sends one prompt per person (after a catch-up tick 45 minutes before, see `prepare`).
A second tick at the same instant must send nothing.
CPU is this process's (time.process_time: SQLite works in a thread of it; PostgreSQL's server is not
counted, its share shows in the wall time). Target (issue 3): under 1 ms CPU per due delivery.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import pstats
import resource
import time
import tracemalloc
from collections import Counter
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from benchmarks.common import TICK_AT, NoopMessenger, Target, emit, make_deps
from bot.core import deliver
from bot.kernel.context import Deps
from bot.rhythm.record import run_due
from bot.rhythm.scheduler import tick
from storage.models import Delivery, Person

LIMIT_MS = 1.0
CATCH_UP = timedelta(minutes=45)


async def prepare(deps: Deps) -> int:
    """Give everyone the slot due at TICK_AT and forget earlier runs of this benchmark; returns how many people."""
    default = deps.settings.org.default_timezone
    await forget(deps)
    async with deps.uow() as uow:
        zones = (await uow.session.scalars(select(Person.timezone).distinct())).all()
        for zone in zones:
            local = TICK_AT.astimezone(ZoneInfo(zone or default))
            assert local.weekday() < 5, "the tick instant must be a weekday everywhere"
            where = Person.timezone.is_(None) if zone is None else Person.timezone == zone
            await uow.session.execute(update(Person).where(where).values(
                checkin_weekday=local.weekday(), checkin_hour=local.hour, away_until=None))
        people = await uow.session.scalar(select(func.count(Person.id))) or 0
    # The previous ticks: what came due before (this Monday's pulse round and its invitations, 1:1 agendas) is
    # caught up 45 minutes earlier — before any of the check-in slots above — so the measured tick is a steady
    # state one, finding the check-in prompts and whatever else falls due in those 45 minutes.
    await tick(deps, TICK_AT - CATCH_UP)
    return people


async def forget(deps: Deps) -> None:
    """Undo the tick's deliveries, so the same tick can be run again (for the memory measurement)."""
    async with deps.uow() as uow:
        await uow.session.execute(Delivery.__table__.delete().where(Delivery.created_at >= TICK_AT))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


async def bench(target: Target, profile: bool) -> dict[str, Any]:
    db = target.open()
    messenger = NoopMessenger()
    deps = await make_deps(target, db, TICK_AT, messenger)
    try:
        people = await prepare(deps)
        gc.collect()
        rss_before = rss_mb()
        cpu, wall = time.process_time(), time.perf_counter()
        recorded = await run_due(deps, TICK_AT)
        run_cpu, run_wall = time.process_time() - cpu, time.perf_counter() - wall
        cpu, wall = time.process_time(), time.perf_counter()
        sent = await deliver(deps)
        send_cpu, send_wall = time.process_time() - cpu, time.perf_counter() - wall
        rss_after = rss_mb()
        sent_before = messenger.sent
        cpu, wall = time.process_time(), time.perf_counter()
        again = await tick(deps, TICK_AT)
        again_cpu, again_wall = time.process_time() - cpu, time.perf_counter() - wall
        sent_again = messenger.sent - sent_before
        await forget(deps)
        gc.collect()
        tracemalloc.start()
        await tick(deps, TICK_AT)
        traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        profiled = ""
        if profile:
            await forget(deps)
            profiled = await profile_tick(deps)
    finally:
        await db.dispose()
    due = sum(recorded.values())
    result = {
        "target": target.name, "people": people, "recorded": dict(recorded), "due": due, "sent": sent,
        "run_due_cpu_s": run_cpu, "run_due_wall_s": run_wall, "deliver_cpu_s": send_cpu, "deliver_wall_s": send_wall,
        "run_due_cpu_ms_each": run_cpu / max(due, 1) * 1000, "deliver_cpu_ms_each": send_cpu / max(sent, 1) * 1000,
        "tick_cpu_ms_each": (run_cpu + send_cpu) / max(due, 1) * 1000,
        "second_tick_recorded": sum(Counter(again).values()), "second_tick_sent": sent_again,
        "second_tick_cpu_s": again_cpu, "second_tick_wall_s": again_wall,
        "tracemalloc_peak_mb": traced_peak, "maxrss_before_mb": rss_before, "maxrss_mb": rss_after,
    }
    result["within_limit"] = result["tick_cpu_ms_each"] < LIMIT_MS
    report(result)
    if profiled:
        print(profiled)
    return result


async def profile_tick(deps: Deps) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    await tick(deps, TICK_AT)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(20)
    return "cProfile of the tick (run_due + deliver):\n" + out.getvalue()


def report(r: dict[str, Any]) -> None:
    print(f"\n== tick on {r['target']}: {r['people']:,} people, every check-in prompt due at {TICK_AT:%Y-%m-%d %H:%M} "
          f"UTC ==")
    print(f"run_due (find + record): {r['due']:,} due {r['recorded']}, {r['run_due_cpu_s']:.2f} s CPU "
          f"({r['run_due_wall_s']:.2f} s wall) = {r['run_due_cpu_ms_each']:.3f} ms CPU per due delivery")
    print(f"deliver (no-op messenger): {r['sent']:,} sent, {r['deliver_cpu_s']:.2f} s CPU ({r['deliver_wall_s']:.2f} s "
          f"wall) = {r['deliver_cpu_ms_each']:.3f} ms CPU per delivery")
    print(f"whole tick: {r['tick_cpu_ms_each']:.3f} ms CPU per due delivery")
    print(f"second tick at the same instant: {r['second_tick_recorded']} recorded, {r['second_tick_sent']} sent "
          f"({r['second_tick_cpu_s']:.2f} s CPU, {r['second_tick_wall_s']:.2f} s wall)")
    print(f"memory: tracemalloc peak {r['tracemalloc_peak_mb']:.1f} MiB during a tick; process ru_maxrss "
          f"{r['maxrss_before_mb']:.0f} MiB before the measured tick (after the catch-up tick), "
          f"{r['maxrss_mb']:.0f} MiB after it")
    print(f"target: under {LIMIT_MS:.0f} ms CPU per due delivery: {'yes' if r['within_limit'] else 'NO'} "
          f"({r['tick_cpu_ms_each']:.3f} ms)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the tick")
    args = parser.parse_args()
    emit({"tick": asyncio.run(bench(Target(args.target), args.profile))})


if __name__ == "__main__":
    main()
