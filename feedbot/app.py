"""Wiring for entry points: open the database, build Deps with the product's tables. Nothing here runs at import."""

from __future__ import annotations

import logging

from adapters.metrics import PrometheusMetrics
from bot.kernel.clock import Clock, SystemClock
from bot.kernel.context import Deps
from bot.kernel.i18n import Catalogs
from bot.kernel.outbox import Messenger
from bot.kernel.sealing import Sealer
from bot.kernel.settings import Settings
from feedbot.features import COMMANDS, DUE_FINDERS
from feedbot.logs import log_handler
from storage.db import Database, DatabaseUnavailable, is_sqlite, require_directory, unavailable, where
from storage.migrate import schema_state, upgrade
from storage.uow import unit_of_work


async def open_database(settings: Settings, *, migrate: bool | None = None) -> Database:
    """Open the configured database; SQLite is migrated automatically (PostgreSQL: `feedbot db upgrade`).

    Raises `DatabaseUnavailable` (one line) when it cannot be reached or is not at this feedbot's latest schema."""
    require_directory(settings.database.url)
    db = Database(settings.database.url, echo=settings.database.echo)
    try:
        await prepare(db, migrate if migrate is not None else is_sqlite(db.url))
    except Exception as exc:
        await db.dispose()
        reason = unavailable(exc, db.url)
        if reason is None:
            raise
        raise DatabaseUnavailable(reason) from None
    return db


async def prepare(db: Database, migrate: bool) -> None:
    state = await schema_state(db.engine)
    if migrate and state.known:
        await upgrade(db.engine)
    elif problem := state.problem(where(db.url)):
        raise DatabaseUnavailable(problem)


def build_deps(settings: Settings, db: Database, messenger: Messenger, clock: Clock | None = None,
               catalogs: Catalogs | None = None, sealer: Sealer | None = None) -> Deps:
    """Entry points pass the sealer `open_sealer` checked against the database; without one, the configured
    `privacy.secret_key` is used as it is (tests, benchmarks)."""
    if sealer is None:
        if settings.privacy.secret_key is None:
            raise ValueError("build_deps needs a sealer or privacy.secret_key")
        sealer = Sealer(settings.privacy.secret_key.get_secret_value().encode())
    return Deps(settings=settings, clock=clock or SystemClock(), catalogs=catalogs or Catalogs(),
                uow=lambda: unit_of_work(db), messenger=messenger, sealer=sealer, commands=COMMANDS,
                due_finders=DUE_FINDERS, metrics=PrometheusMetrics())


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.logging.level, handlers=[log_handler(settings.logging.format)])
    level = logging.getLevelName(settings.logging.level)
    logging.getLogger("alembic").setLevel(max(logging.WARNING, level))
    # aiosqlite logs every statement with its values at DEBUG: anonymous answers must never reach a log.
    logging.getLogger("aiosqlite").setLevel(max(logging.INFO, level))
    # APScheduler says "Running job …" and "… executed successfully" at INFO every tick: that is DEBUG to feedbot.
    logging.getLogger("apscheduler").setLevel(level if level <= logging.DEBUG else max(logging.WARNING, level))
