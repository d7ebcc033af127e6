"""Engines, URL normalisation and the unit of work: one transaction per inbound event or job item."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def async_url(url: str) -> str:
    """Accept plain sqlite:// and postgresql:// URLs and pick the async driver for them."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite" and parsed.drivername != "sqlite+aiosqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif backend in ("postgresql", "postgres") and parsed.drivername != "postgresql+asyncpg":
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, echo: bool = False, connect_args: dict[str, Any] | None = None) -> AsyncEngine:
    url = async_url(url)
    args = dict(connect_args or {})
    if is_sqlite(url):
        args.setdefault("timeout", 15)
    # hide_parameters: statements may be logged (database.echo) or raised, their values never (anonymous answers).
    engine = create_async_engine(url, echo=echo, connect_args=args, pool_pre_ping=not is_sqlite(url),
                                 hide_parameters=True)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Take transaction control from pysqlite so BEGIN really starts one (see PLATFORM.md §3.3).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    # secure_delete: a deleted row's bytes are overwritten with zeros (sealed pulse submissions once published, an
    # erased person), not left in free space for whoever copies the file.
    for pragma in ("journal_mode=WAL", "busy_timeout=15000", "foreign_keys=ON", "synchronous=NORMAL",
                   "secure_delete=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    # Writers take the lock up front, so two writers never deadlock on a lock upgrade.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """The engine and session factory of one process; made by the entry point, never at import."""

    def __init__(self, url: str, *, echo: bool = False, connect_args: dict[str, Any] | None = None) -> None:
        self.url = async_url(url)
        self.engine = create_engine(url, echo=echo, connect_args=connect_args)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=True)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """Commit when the block ends, roll back everything when it raises."""
        async with self.sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
