"""Fan-out through shared pacing: the achieved send rate as a share of the workspace's allowance, with 1 and 3
`feedbot serve` replicas on one PostgreSQL database and a fake Slack Web API on loopback; lost and duplicated counts.
The replicas are running when the outbox is filled, and the rate is counted from the first message to the last.

    PYTHONPATH=. .venv/bin/python -m benchmarks.bench_fanout [--messages 1500] [--rate 100] [--pacing postgresql|redis]

PostgreSQL: FEEDBOT_BENCH_PG_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/test; a database of its own
is created and dropped). Redis: FEEDBOT_TEST_REDIS_URL (default redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.db import Database
from tests.fakes.slack_api import FakeSlack
from tests.redis_server import REDIS_URL, key_prefix
from tests.replicas import Fleet, busiest_second, duplicates, posted, seed_fan_out, unsent, wait_until
from tests.test_serve_outages import feedbot, fresh_postgresql_database

PG_URL = os.environ.get("FEEDBOT_BENCH_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


async def one_run(replicas: int, messages: int, rate: float, pacing: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        async with fresh_postgresql_database(PG_URL) as name:
            url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
            await feedbot(Path(tmp), "db", "upgrade", env={"FEEDBOT_DATABASE__URL": url})
            db, fake = Database(url), await FakeSlack().start()
            extra = {"FEEDBOT_PACING__REDIS_URL": REDIS_URL, "FEEDBOT_PACING__KEY_PREFIX": key_prefix()} \
                if pacing == "redis" else {}
            fleet = Fleet(Path(tmp), url, fake, rate, extra)
            try:
                # Started first, then given the fan-out (their next tick finds it): a replica starting up takes a
                # core for seconds, which is not the fan-out's rate.
                for number in range(replicas):
                    await fleet.start(number)
                await seed_fan_out(db, messages)

                async def done() -> bool:
                    return await unsent(db) == 0

                await wait_until(done, messages / rate * 3 + 60, step=0.2)
            finally:
                await fleet.stop()
                await fake.close()
                await db.dispose()
    sent = posted(fake)
    arrivals = sorted(at for at, _, _ in sent)
    channels = [channel for _, channel, _ in sent]
    achieved = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])  # slots between the first and the last message
    return {"replicas": replicas, "achieved_per_s": achieved, "share": achieved / rate,
            "busiest_second": busiest_second(arrivals), "lost": messages - len(set(channels)),
            "duplicated": duplicates(channels)}


async def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--messages", type=int, default=1500)
    options.add_argument("--rate", type=float, default=100)
    options.add_argument("--pacing", choices=["postgresql", "redis"], default="postgresql")
    args = options.parse_args()
    print(f"fan-out of {args.messages} messages, allowance {args.rate:g}/s, pacing through {args.pacing}")
    for replicas in (1, 3):
        r = await one_run(replicas, args.messages, args.rate, args.pacing)
        print(f"{replicas} replica(s): {r['achieved_per_s']:.1f}/s = {r['share']:.1%} of the allowance, busiest "
              f"second {r['busiest_second']}, lost {r['lost']}, duplicated {r['duplicated']}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
