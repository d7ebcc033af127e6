"""`feedbot db upgrade | current | downgrade` and `feedbot backup FILE`."""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
from pathlib import Path

from bot.kernel.settings import Settings
from feedbot.app import open_database
from feedbot.cli_errors import CliError
from feedbot.privacy_key import key_location
from storage.db import Database, is_sqlite, require_directory, sqlite_file, where
from storage.migrate import downgrade, schema_state

PG_DUMP = ("use pg_dump, which takes a consistent copy while feedbot runs: "
           "pg_dump --format=custom --file=feedbot.dump \"$DATABASE_URL\" "
           "(restore with pg_restore; see docs/service.md)")


async def db_command(settings: Settings, args: argparse.Namespace) -> int:
    if args.db_command == "upgrade":
        db = await open_database(settings, migrate=True)
        await db.dispose()
        print("database is at the latest schema")
        return 0
    require_directory(settings.database.url)
    db = Database(settings.database.url)
    try:
        state = await schema_state(db.engine)
        if args.db_command == "current":
            print(f"{where(db.url)}: schema revision {state.current or 'none'}, latest {state.head}"
                  + ("" if state.known else " (a newer feedbot's revision)"))
            return 0
        if not state.known:
            raise CliError(state.problem(where(db.url)) or "")
        await downgrade(db.engine, args.revision)
        print(f"{where(db.url)} is at schema revision {(await schema_state(db.engine)).current or 'none'}: "
              f"start the feedbot release that has it (on SQLite a newer one would upgrade it again)")
        return 0
    finally:
        await db.dispose()


def backup(settings: Settings, args: argparse.Namespace) -> int:
    """A consistent copy of the SQLite database while feedbot runs, through SQLite's online backup API: it reads
    through a connection, so what is committed but still only in the write-ahead log (`-wal`) is in the copy too."""
    url = settings.database.url
    source = sqlite_file(url)
    if source is None:
        raise CliError(f"backup: the database is PostgreSQL: {PG_DUMP}" if not is_sqlite(url)
                       else "backup: an in-memory database has nothing to back up")
    if not source.is_file():
        raise CliError(f"backup: there is no SQLite database at {source} (database.url, env FEEDBOT_DATABASE__URL)")
    target = Path(args.file)
    if target.exists():
        raise CliError(f"backup: {target} already exists: choose a new name (a backup never overwrites)")
    partial = target.with_name(f".{target.name}.partial")
    try:
        copy_sqlite(source, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    print(f"backed up {source} to {target} ({target.stat().st_size // 1024} KiB, consistent as of one instant)")
    print(f"the privacy key is not in it: back up {key_location(settings)} separately (docs/privacy.md)")
    return 0


def copy_sqlite(source: Path, target: Path) -> None:
    # Made empty and private first: the copy holds everyone's personal data.
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with contextlib.closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=15)) as src, \
            contextlib.closing(sqlite3.connect(target)) as dst:
        src.execute("PRAGMA busy_timeout=15000")
        src.backup(dst)  # every page in one step, under one read transaction: one consistent instant
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        verdict = dst.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        raise CliError(f"backup: the copy failed its check ({verdict}); nothing was kept")
