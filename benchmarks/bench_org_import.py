"""The org import of a 2,000-deep management chain and of a 10,000-wide org (everyone under one manager).

    .venv/bin/python -m benchmarks.bench_org_import [--deep 2000] [--wide 10000]

Each import runs twice on a fresh SQLite file: first creating everyone, then again with the same file (nothing
changes, every check still runs). The reporting-cycle check used to follow the chain up from every row (quadratic
in the depth: 13–23 s for 2,000 deep); it now visits each person once. Run it from a checkout of main (with
PYTHONPATH pointing there) for the figures before.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from benchmarks.common import DIGEST_AT, RESULT, table
from bot.kernel.clock import FixedClock
from bot.kernel.i18n import Catalogs
from bot.kernel.settings import Settings
from bot.orgdir import import_people
from feedbot.app import build_deps
from storage.db import Database
from storage.migrate import upgrade

HEADER = "email,name,manager_email,team,timezone,locale\n"


def deep(size: int) -> str:
    return HEADER + "".join(f"p{n}@example.com,P {n},{f'p{n - 1}@example.com' if n else ''},,,\n"
                            for n in range(size))


def wide(size: int) -> str:
    return HEADER + "boss@example.com,Boss,,,,\n" + "".join(
        f"p{n}@example.com,P {n},boss@example.com,Team {n % 50},Europe/Stockholm,sv\n" for n in range(size - 1))


class Silent:
    async def send(self, recipient: object, view: object) -> None:
        pass


async def timed(name: str, content: str, workdir: Path) -> list[str]:
    path, db_file = workdir / f"{name}.csv", workdir / f"{name}.db"
    path.write_text(content, encoding="utf-8")
    url = f"sqlite:///{db_file}"
    db = Database(url)
    try:
        await upgrade(db.engine)
        settings = Settings.model_validate({"database": {"url": url}, "privacy": {"secret_key": "bench-secret"}})
        deps = build_deps(settings, db, Silent(), clock=FixedClock(DIGEST_AT), catalogs=Catalogs())
        started = time.perf_counter()
        await import_people(deps, path)
        first = time.perf_counter() - started
        started = time.perf_counter()
        await import_people(deps, path)
        again = time.perf_counter() - started
    finally:
        await db.dispose()
    people = content.count("\n") - 1
    print(RESULT + f'{{"org": "{name}", "people": {people}, "first_s": {first:.2f}, "again_s": {again:.2f}}}')
    return [name, str(people), f"{first:.2f}", f"{again:.2f}"]


async def main(depth: int, width: int) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        rows = [await timed("deep", deep(depth), Path(workdir)), await timed("wide", wide(width), Path(workdir))]
    print(table(["org", "people", "first import (s)", "same file again (s)"], rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deep", type=int, default=2000)
    parser.add_argument("--wide", type=int, default=10000)
    options = parser.parse_args()
    asyncio.run(main(options.deep, options.wide))
