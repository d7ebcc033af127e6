"""Objectives at scale: 10,000 people with 3 objectives and 3 key results each, aligned to 100 team objectives
under 5 company objectives. Measures the alignment tree with its roll-up (`/goal tree` for a manager and for an
admin), a check-in form and submission with nine key-result questions, the tick that looks for objectives
whose period ended (the new due finder), and the whole weekly check-in tick (everyone's prompt due, as
benchmarks.bench_tick times it), on a fresh database of its own.

    .venv/bin/python -m benchmarks.bench_objectives [--target sqlite|postgresql] [--people 10000]

Compare the tick's CPU per due delivery with benchmarks.bench_tick's on the standard organisation
(benchmarks.run), in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select

from benchmarks import bench_tick
from benchmarks.common import ADMIN, TICK_AT, Target, emit, make_deps, table
from bot.core import handle_command, handle_interaction
from bot.goals import periods
from bot.kernel.context import Tick
from bot.kernel.messages import Actor, Command, Interaction
from storage.migrate import upgrade
from storage.models import Goal, KeyResult, Person, Team

OBJECTIVES, KEY_RESULTS, TEAMS, COMPANY = 3, 3, 100, 5


async def populate(deps: Any, size: int) -> tuple[str, str]:
    """People in TEAMS teams (the first of each its manager), objectives and key results; returns a manager's
    and a report's email."""
    rng = random.Random(7)
    now = TICK_AT - timedelta(days=10)
    async with deps.uow() as uow:
        s = uow.session
        await s.execute(insert(Team), [{"id": n + 1, "name": f"team-{n}"} for n in range(TEAMS)])
        people = [{"id": n + 1, "uid": f"{n:032x}", "email": f"p{n}@example.com", "name": f"P{n}",
                   "team_id": n % TEAMS + 1, "manager_id": None if n < TEAMS else n % TEAMS + 1,
                   "timezone": "Europe/Stockholm", "created_at": now} for n in range(size)]
        people.append({"id": size + 1, "uid": "f" * 32, "email": ADMIN, "name": "Admin", "team_id": None,
                       "manager_id": None, "timezone": "Europe/Stockholm", "created_at": now})
        await s.execute(insert(Person), people)
        goals, krs, goal_id = [], [], 0
        for n in range(COMPANY):
            goal_id += 1
            goals.append(dict(id=goal_id, person_id=size + 1, title=f"Company {n}", level="company", parent_id=None))
        for n in range(TEAMS):
            goal_id += 1
            goals.append(dict(id=goal_id, person_id=n + 1, title=f"Team {n}", level="team", team_id=n + 1,
                              parent_id=n % COMPANY + 1))
        for person in range(size):
            for k in range(OBJECTIVES):
                goal_id += 1
                goals.append(dict(id=goal_id, person_id=person + 1, title=f"Objective {person}.{k}",
                                  level="personal", parent_id=COMPANY + person % TEAMS + 1 if k else None,
                                  due_date=date(2026, 11, 20) if k == 2 and person % 50 == 0 else None))
                for position in range(1, KEY_RESULTS + 1):
                    current = rng.uniform(0, 100)
                    krs.append(dict(goal_id=goal_id, position=position, title=f"KR {position}", start=0.0,
                                    target=100.0, unit="points", current=current, weight=1.0, status="open",
                                    confidence=rng.choice([None, "on-track", "at-risk", "off-track"]),
                                    created_at=now, updated_at=now))
        for g in goals:
            g.update(status="open", progress=50, created_at=now, updated_at=now)
            g.setdefault("team_id", None)
            g.setdefault("due_date", None)
        await s.execute(insert(Goal), goals)
        for start in range(0, len(krs), 10_000):
            await s.execute(insert(KeyResult), krs[start:start + 10_000])
    return "p0@example.com", f"p{TEAMS}@example.com"


async def timed(what: Any, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        await what()
        best = min(best, time.perf_counter() - started)
    return best * 1000


async def main(target: Target, size: int) -> None:
    await target.reset()
    db = target.open()
    await upgrade(db.engine)
    deps = await make_deps(target, db, TICK_AT)
    manager, report = await populate(deps, size)

    def as_(email: str) -> Actor:
        return Actor(platform="console", workspace="", user_id=email, email=email, name=email)

    async def tree_for(email: str) -> None:
        await handle_command(deps, Command(actor=as_(email), name="goal", text="tree"))

    async def checkin() -> None:
        await handle_command(deps, Command(actor=as_(report), name="checkin", text=""))

    week = TICK_AT.isocalendar()
    answers = {"well": "ok", "next": "more", "mood": "4"} | {
        f"kr_{g}_{p}": "60 at risk" for g in range(COMPANY + TEAMS + TEAMS * OBJECTIVES + 1,
                                                   COMPANY + TEAMS + TEAMS * OBJECTIVES + 4) for p in (1, 2, 3)}

    async def submit() -> None:
        await handle_interaction(deps, Interaction(actor=as_(report), command=f"checkin submit "
                                                   f"{week.year}-W{week.week:02d}", values=answers))

    async def period_finder() -> None:
        async with deps.uow() as uow:
            await periods.due(Tick(deps=deps, uow=uow, now=TICK_AT))

    rows = [["/goal tree, a manager", f"{await timed(lambda: tree_for(manager)):.1f}"],
            ["/goal tree, an admin", f"{await timed(lambda: tree_for(ADMIN)):.1f}"],
            ["check-in form, 9 key results", f"{await timed(checkin):.1f}"],
            ["check-in submitted, 9 updates", f"{await timed(submit):.1f}"],
            ["tick: objectives whose period ended", f"{await timed(period_finder):.1f}"]]
    async with deps.uow() as uow:
        counted = len((await uow.session.scalars(select(KeyResult.id))).all())
    print(f"{target.name}: {size} people, {counted} key results")
    print(table(["what", "ms (best of 5)"], rows))
    await db.dispose()
    # The weekly check-in tick on this organisation (everyone's prompt due at once, plus the period prompts), timed
    # as benchmarks.bench_tick times it on the standard one, so the two figures sit side by side.
    ticked = await bench_tick.bench(target, profile=False)
    emit({f"objectives.{target.name}": {name: float(ms) for name, ms in rows},
          f"objectives.tick.{target.name}": ticked})


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, default=10_000)
    args = parser.parse_args()
    asyncio.run(main(Target(args.target), args.people))
