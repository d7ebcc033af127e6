"""The web dashboard's team page for the managers of a 10,000-person, 1,000-manager organisation (SQLite).

    .venv/bin/python -m benchmarks.bench_dashboard [--requests 60] [--skip-generate]

Target (issue 11): the team page renders in under 200 ms server time (median). Each request goes to the real
server on a loopback port, signed in as one of 20 managers in turn; the figure is the time from request to the last
byte, which on loopback is the server's time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from benchmarks import generate
from benchmarks.common import ADMIN, DIGEST_AT, SQLITE_PATH, Target, emit, make_deps
from storage.models import Person
from tests.web_dashboard import dashboard

TARGET_MS = 200


async def managers(deps, count: int) -> list[Person]:
    async with deps.uow() as uow:
        ids = sorted(await uow.people.manager_ids())
        people = await uow.people.by_ids(ids[:: max(len(ids) // count, 1)][:count])
    return list(people.values())


async def timed(web, email: str, path: str, repeat: int) -> list[float]:
    spent = []
    async with web.client(email) as session:
        await web.get(session, path)  # warm: first contact links the web account
        for _ in range(repeat):
            began = time.perf_counter()
            status, html = await web.get(session, path)
            spent.append((time.perf_counter() - began) * 1000)
            assert (status == 200 and "<svg" in html) or status == 200, status
    return spent


async def main(requests: int, skip_generate: bool) -> dict[str, object]:
    if not skip_generate or not SQLITE_PATH.exists():
        await generate.main(10_000, 2026, sqlite_only=True)
    target = Target("sqlite")
    db = target.open()
    try:
        deps = await make_deps(target, db, DIGEST_AT)
        chosen = await managers(deps, 20)
        results: dict[str, object] = {}
        async with dashboard(deps) as web:
            team: list[float] = []
            for person in chosen:
                team += await timed(web, person.email, "/dashboard/team", max(requests // len(chosen), 1))
            org = await timed(web, ADMIN, "/dashboard/team/org", 5)
            board = await timed(web, chosen[0].email, "/dashboard/ideas", 10)
        for name, spent in (("team page, a manager", team), ("team page, the organisation (admin)", org),
                            ("ideas board", board)):
            median = statistics.median(spent)
            print(f"{name:<38} median {median:7.1f} ms   p90 {statistics.quantiles(spent, n=10)[-1]:7.1f} ms   "
                  f"({len(spent)} requests)")
            results[name] = round(median, 1)
        verdict = "meets" if results["team page, a manager"] < TARGET_MS else "misses"  # type: ignore[operator]
        print(f"target: the team page under {TARGET_MS} ms (median) — {verdict} it")
        emit({"dashboard": results})
        return results
    finally:
        await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--skip-generate", action="store_true", help="reuse the last generated SQLite database")
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.skip_generate))
