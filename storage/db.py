"""Engines, URL normalisation and the unit of work: one transaction per inbound event or job item."""

from __future__ import annotations

import os
import sqlite3
import traceback
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
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


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL; None for PostgreSQL and in-memory databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def where(url: str) -> str:
    """The database, for messages: the SQLite file, or PostgreSQL's host, port and name (never the password)."""
    file = sqlite_file(url)
    if file is not None:
        return f"the SQLite database {file}"
    if is_sqlite(url):
        return "the in-memory SQLite database"
    parsed = make_url(url)
    return f"PostgreSQL at {parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"


class DatabaseUnavailable(Exception):
    """The database cannot be reached, opened or used as it is: one line saying which and what to do."""


SET_URL = "database.url (env FEEDBOT_DATABASE__URL)"
UPGRADE = "run `feedbot db upgrade`"
# SQLSTATE classes and codes (PostgreSQL appendix A) that mean "not reachable" or "not migrated", not a bug.
CANNOT_CONNECT = ("08", "57P0")
LOGIN_REFUSED = "28"
NO_SUCH_DATABASE = "3D000"
NOT_MIGRATED = ("42P01", "42703")  # undefined table, undefined column
DRIVERS = ("asyncpg", "sqlalchemy")


def require_directory(url: str) -> None:
    """SQLite makes the file but not its directory: say so before it fails with "unable to open database file"."""
    file = sqlite_file(url)
    if file is not None and not file.parent.is_dir():
        raise DatabaseUnavailable(f"the directory {file.parent.resolve()} of the SQLite database {file} does not "
                                  f"exist: create it, or point {SET_URL} elsewhere")


def unavailable(exc: BaseException, url: str) -> str | None:
    """One line saying why the database at `url` cannot be used, when `exc` is that kind of failure (down, missing,
    refusing the login, not migrated); None for anything else, which is a bug and keeps its traceback."""
    if isinstance(exc, DatabaseUnavailable):
        return str(exc)
    if isinstance(exc, OSError) and raised_by_the_driver(exc):  # asyncpg's connect: refused, no such host, timeout
        return f"cannot reach {where(url)} ({socket_problem(exc)}): is it running, and is {SET_URL} right?"
    if not isinstance(exc, DBAPIError):
        return None
    original = exc.orig
    message = str(original.args[0] if original is not None and original.args else original).splitlines()[0]
    if isinstance(original, sqlite3.Error):
        return sqlite_problem(message, url)
    code = str(getattr(original, "sqlstate", None) or getattr(original, "pgcode", None) or "")
    if code.startswith(CANNOT_CONNECT) or exc.connection_invalidated:
        return f"cannot reach {where(url)} ({message}): is it running, and is {SET_URL} right?"
    if code.startswith(LOGIN_REFUSED):
        return f"{where(url)} refused the login ({message}): check the user and password in {SET_URL}"
    if code == NO_SUCH_DATABASE:
        return f"{where(url)} does not exist ({message}): create it (createdb), then {UPGRADE}"
    if code in NOT_MIGRATED:
        return f"{where(url)} is not at the latest schema ({message}): {UPGRADE}"
    return None


def raised_by_the_driver(exc: BaseException) -> bool:
    """A network error from connecting to the database, not from a chat platform's API in the same tick."""
    frames = traceback.extract_tb(exc.__traceback__)
    return any(f"{sep}{driver}{sep}" in frame.filename for frame in frames for driver in DRIVERS for sep in "/\\")


def socket_problem(exc: OSError) -> str:
    if exc.errno and exc.errno > 0:
        return os.strerror(exc.errno).lower()
    return exc.strerror or str(exc) or type(exc).__name__


def sqlite_problem(message: str, url: str) -> str | None:
    if "no such table" in message or "no such column" in message:
        return f"{where(url)} is not at the latest schema ({message}): {UPGRADE}"
    if "unable to open database file" in message or "file is not a database" in message:
        return f"cannot open {where(url)} ({message}): check the file, its directory's permissions and {SET_URL}"
    return None


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
