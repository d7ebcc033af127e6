"""What every benchmark shares: the databases, the instants, the settings, and a no-op messenger."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bot.kernel.clock import FixedClock
from bot.kernel.context import Deps
from bot.kernel.i18n import Catalogs
from bot.kernel.outbox import Recipient
from bot.kernel.settings import Settings
from bot.kernel.views import View
from feedbot.app import build_deps
from storage.db import Database, create_engine

PG_URL = os.environ.get("FEEDBOT_BENCH_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
PG_SCHEMA = "bench"
SQLITE_PATH = Path(os.environ.get("FEEDBOT_BENCH_SQLITE", Path(tempfile.gettempdir()) / "feedbot-bench.db"))

# The history is the year before DIGEST_AT (a Monday 09:00 UTC): the digests cover the week before it.
DIGEST_AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
# A Thursday noon UTC: in every one of the 24 zones it is a weekday, so everyone can be given a slot due now.
TICK_AT = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ADMIN = "admin@example.com"
RESULT = "RESULT "  # the line a benchmark prints for benchmarks.run to collect


@dataclass(frozen=True)
class Target:
    """One database the benchmarks run on."""

    name: str  # sqlite | postgresql

    @property
    def url(self) -> str:
        return f"sqlite:///{SQLITE_PATH}" if self.name == "sqlite" else PG_URL

    def open(self) -> Database:
        if self.name == "sqlite":
            return Database(self.url)
        return Database(self.url, connect_args={"server_settings": {"search_path": PG_SCHEMA}})

    async def reset(self) -> None:
        """Start from nothing: a new SQLite file, or the `bench` schema dropped and recreated."""
        if self.name == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
            return
        admin = create_engine(PG_URL)
        try:
            async with admin.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE'))
                await conn.execute(text(f'CREATE SCHEMA "{PG_SCHEMA}"'))
        finally:
            await admin.dispose()


def targets(sqlite_only: bool) -> list[Target]:
    return [Target("sqlite")] if sqlite_only else [Target("sqlite"), Target("postgresql")]


def bench_settings(target: Target, dependencies: dict[str, list[str]] | None = None) -> Settings:
    return Settings.model_validate({
        "database": {"url": target.url},
        "org": {"admins": [ADMIN], "dependencies": dependencies or {}},
        "privacy": {"secret_key": "bench-secret"},
        "logging": {"level": "WARNING"},
    })


class NoopMessenger:
    """Sends nothing, so a benchmark measures the bot and not a chat platform."""

    def __init__(self) -> None:
        self.sent = 0

    async def send(self, recipient: Recipient, view: View) -> None:
        self.sent += 1


async def dependencies(db: Database) -> dict[str, list[str]]:
    """org.dependencies as the generated history has them: the teams asked by each internal-customer survey."""
    async with db.transaction() as session:
        rows = (await session.execute(text(CUSTOMERS))).all()
    found: dict[str, list[str]] = {}
    for audience, team in rows:
        found.setdefault(team, []).append(audience.split(":", 1)[1])
    return {team: sorted(providers) for team, providers in sorted(found.items())}


CUSTOMERS = """
    SELECT DISTINCT s.audience, t.name FROM surveys s JOIN survey_rounds r ON r.survey_id = s.id
    JOIN survey_participation sp ON sp.round_id = r.id JOIN people p ON p.id = sp.person_id
    JOIN teams t ON t.id = p.team_id WHERE s.audience LIKE 'customers:%'"""


async def make_deps(target: Target, db: Database, at: datetime,
                    messenger: NoopMessenger | None = None) -> Deps:
    return build_deps(bench_settings(target, await dependencies(db)), db, messenger or NoopMessenger(),
                      clock=FixedClock(at), catalogs=Catalogs())


def emit(result: dict[str, Any]) -> None:
    """The machine-readable line benchmarks.run reads back."""
    print(RESULT + json.dumps(result), flush=True)


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [line.format(*headers), line.format(*["-" * w for w in widths])]
    return "\n".join(out + [line.format(*[str(c) for c in row]) for row in rows])
