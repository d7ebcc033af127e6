"""Generate the synthetic organisation into SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.generate [--sqlite-only] [--people 10000] [--seed 2026]

The schema comes from storage.migrate.upgrade. SQLite is loaded with SQLAlchemy Core executemany in
big batches (one transaction); PostgreSQL with COPY (asyncpg copy_records_to_table) into the `bench`
schema, then VACUUM ANALYZE — what autovacuum would have done to a year-old database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from typing import Any

from sqlalchemy import text

from benchmarks.common import PG_SCHEMA, Target, emit, targets
from benchmarks.synthetic import Tables, checkins, goals, ideas, kudos, people
from benchmarks.synthetic_rhythm import deliveries, one_on_ones, pulse
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Base

BATCH = 20_000
JSON_COLUMNS = {"answers", "address", "payload", "options", "counts"}


def build(size: int, seed: int) -> Tables:
    rng = random.Random(seed)
    tables = Tables()
    org = people(rng, tables, size)
    for part in (checkins, kudos, ideas, goals, pulse, one_on_ones, deliveries):
        part(rng, tables, org)
    return tables


async def load_sqlite(db: Database, tables: Tables) -> None:
    async with db.engine.begin() as conn:
        for name in tables.order:
            table, columns, rows = Base.metadata.tables[name], tables.columns[name], tables.rows[name]
            for start in range(0, len(rows), BATCH):
                await conn.execute(table.insert(), [dict(zip(columns, row, strict=True))
                                                    for row in rows[start:start + BATCH]])


async def load_postgresql(db: Database, tables: Tables) -> None:
    async with db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        async with raw.transaction():
            if await raw.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
                # Like pg_restore --disable-triggers: the rows are consistent by construction, so skip the
                # per-row foreign-key triggers (they double the load time). Only a superuser may.
                await raw.execute("SET LOCAL session_replication_role = replica")
            for name in tables.order:
                columns, rows = tables.columns[name], tables.rows[name]
                json_at = [n for n, column in enumerate(columns) if column in JSON_COLUMNS]
                records = rows if not json_at else [
                    tuple(json.dumps(v) if n in json_at else v for n, v in enumerate(row)) for row in rows]
                await raw.copy_records_to_table(name, records=records, columns=list(columns), schema_name=PG_SCHEMA)
                if "id" in columns and name != "survey_answers":  # serial ids continue after the copied ones
                    await raw.execute(f"SELECT setval(pg_get_serial_sequence('{PG_SCHEMA}.{name}', 'id'), "
                                      f"(SELECT max(id) FROM {PG_SCHEMA}.{name}))")
    async with db.engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE " + ", ".join(f"{PG_SCHEMA}.{name}" for name in tables.order)))


async def counts(db: Database, tables: Tables) -> dict[str, int]:
    async with db.engine.connect() as conn:
        return {name: (await conn.execute(text(f"SELECT count(*) FROM {name}"))).scalar_one()
                for name in tables.order}


async def generate_into(target: Target, tables: Tables) -> dict[str, Any]:
    started = time.perf_counter()
    await target.reset()
    db = target.open()
    try:
        await upgrade(db.engine)
        print(f"{target.name}: schema {time.perf_counter() - started:.1f} s", flush=True)
        await (load_sqlite if target.name == "sqlite" else load_postgresql)(db, tables)
        seconds = time.perf_counter() - started
        found = await counts(db, tables)
    finally:
        await db.dispose()
    expected = {name: len(rows) for name, rows in tables.rows.items()}
    if found != expected:
        raise RuntimeError(f"{target.name}: loaded {found}, expected {expected}")
    print(f"{target.name}: schema + load {seconds:.1f} s ({target.url})", flush=True)
    return {"target": target.name, "load_seconds": round(seconds, 2)}


def describe(tables: Tables) -> str:
    rows = tables.rows
    lines = [f"  {name:<22} {len(rows[name]):>9,}" for name in tables.order]
    return "\n".join(lines)


async def main(people: int, seed: int, sqlite_only: bool) -> dict[str, Any]:
    started = time.perf_counter()
    tables = build(people, seed)
    built = time.perf_counter() - started
    print(f"built {sum(len(r) for r in tables.rows.values()):,} rows in {built:.1f} s (seed {seed}):", flush=True)
    print(describe(tables), flush=True)
    loads = [await generate_into(target, tables) for target in targets(sqlite_only)]
    result = {"people": people, "build_seconds": round(built, 2), "loads": loads,
              "rows": {name: len(rows) for name, rows in tables.rows.items()}}
    emit({"generate": result})
    return result


def arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--people", type=int, default=10_000, help="organisation size (default 10000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    return parser


if __name__ == "__main__":
    args = arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0])).parse_args()
    asyncio.run(main(args.people, args.seed, args.sqlite_only))
