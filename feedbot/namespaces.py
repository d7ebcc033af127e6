"""Each organisation's own database namespace: on PostgreSQL a schema `org_<slug>` (every connection's search_path),
on SQLite a file beside the main one. Every table lives in it, so no query can reach another organisation's rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from bot.kernel.settings import Settings
from feedbot.app import prepare
from storage.db import Database, DatabaseUnavailable, create_engine, is_sqlite, sqlite_file, unavailable


def namespace_of(url: str, slug: str) -> str:
    """The schema name, or the SQLite file (":memory:" beside an in-memory main database)."""
    if not is_sqlite(url):
        return f"org_{slug}"
    main = sqlite_file(url)
    return ":memory:" if main is None else str(main.with_name(f"{main.stem}.org_{slug}{main.suffix or '.db'}"))


def connection_of(url: str, namespace: str) -> tuple[str, dict[str, Any]]:
    """The URL and connect_args that open `namespace`."""
    if not is_sqlite(url):
        return url, {"server_settings": {"search_path": namespace}}
    return f"sqlite+aiosqlite:///{namespace}" if namespace != ":memory:" else "sqlite+aiosqlite://", {}


async def create_schema(url: str, namespace: str) -> None:
    """PostgreSQL: the organisation's schema, if it is not there yet (SQLite makes its file on first use)."""
    if is_sqlite(url):
        return
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{namespace}"'))
    finally:
        await engine.dispose()


async def open_namespace(settings: Settings, namespace: str, *, migrate: bool) -> Database:
    """The organisation's database, migrated when `migrate` (else refused, in one line, unless at the latest)."""
    url = settings.database.url
    if migrate:
        await create_schema(url, namespace)
    ns_url, connect_args = connection_of(url, namespace)
    db = Database(ns_url, echo=settings.database.echo, connect_args=connect_args)
    try:
        await prepare(db, migrate)
    except Exception as exc:
        await db.dispose()
        reason = unavailable(exc, db.url)
        if reason is None:
            raise
        raise DatabaseUnavailable(f"organisation namespace {namespace}: {reason}") from None
    return db
