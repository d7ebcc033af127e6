"""Schema migrations, run programmatically (`feedbot db upgrade`) so no alembic.ini is needed."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util.exc import CommandError
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import async_url

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", async_url(url).replace("%", "%%"))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to `revision` on an open engine (SQLite, PostgreSQL)."""
    await _migrate(engine, command.upgrade, revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Take the schema back to `revision` (before running an older feedbot); what later migrations added is lost."""
    await _migrate(engine, command.downgrade, revision)


async def _migrate(engine: AsyncEngine, step: object, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))

    def run(connection: object) -> None:
        config.attributes["connection"] = connection
        step(config, revision)  # type: ignore[operator]

    async with engine.begin() as connection:
        await connection.run_sync(run)


@dataclass(frozen=True)
class SchemaState:
    """Where a database's schema is, against the newest migration this feedbot has."""

    current: str | None
    head: str | None
    known: bool  # this feedbot has the migration the database is at

    def problem(self, database: str) -> str | None:
        """One line for an operator when the schema is not the latest; None when it is."""
        if self.current == self.head:
            return None
        if self.current is None:
            return f"{database} has no feedbot schema yet: run `feedbot db upgrade`"
        if not self.known:
            return (f"{database} is at schema revision {self.current}, which this feedbot does not know (its latest is "
                    f"{self.head}): run the newer feedbot, or take the schema back with it first "
                    f"(`feedbot db downgrade {self.head}`)")
        return (f"{database} is at schema revision {self.current}, not the latest ({self.head}): "
                f"run `feedbot db upgrade`")


def read_state(connection: Connection) -> SchemaState:
    """The schema state seen on a synchronous connection (`run_sync`): one small query."""
    current = MigrationContext.configure(connection).get_current_revision()
    try:
        known = current is None or scripts().get_revision(current) is not None
    except (ResolutionError, CommandError):
        known = False
    return SchemaState(current, head_revision(), known)


async def schema_state(engine: AsyncEngine) -> SchemaState:
    async with engine.connect() as connection:
        return await connection.run_sync(read_state)


async def current_revision(engine: AsyncEngine) -> str | None:
    return (await schema_state(engine)).current


@cache
def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def head_revision() -> str | None:
    return scripts().get_current_head()
