"""`feedbot backup FILE`: a consistent copy of the SQLite database while another connection keeps writing."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import threading
from pathlib import Path

from tests.test_cli import PEOPLE, feedbot


class KudosWriter(threading.Thread):
    """Gives kudos as fast as it can, each one a kudos row and its recipient row in one transaction, and never
    checkpoints: what it commits stays in the write-ahead log, where a plain copy of the file does not look."""

    def __init__(self, database: Path) -> None:
        super().__init__(daemon=True)
        self.connection = sqlite3.connect(database, isolation_level=None, check_same_thread=False, timeout=15)
        self.connection.execute("PRAGMA wal_autocheckpoint=0")
        self.committed = 0
        self.enough = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        ana, bo = (row[0] for row in self.connection.execute("SELECT id FROM people ORDER BY id LIMIT 2"))
        while not self.stop.is_set():
            self.connection.execute("BEGIN IMMEDIATE")
            kudos = self.connection.execute("INSERT INTO kudos (giver_id, message, created_at) VALUES "
                                            "(?, 'Thanks', '2026-11-27 15:00:00') RETURNING id", (ana,)).fetchone()[0]
            self.connection.execute("INSERT INTO kudos_recipients (kudos_id, person_id) VALUES (?, ?)", (kudos, bo))
            self.connection.execute("COMMIT")
            self.committed += 1
            if self.committed >= 200:
                self.enough.set()


def counts(database: Path) -> tuple[int, int, int]:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        kudos, = connection.execute("SELECT count(*) FROM kudos").fetchone()
        recipients, = connection.execute("SELECT count(*) FROM kudos_recipients").fetchone()
        alone, = connection.execute("SELECT count(*) FROM kudos WHERE id NOT IN "
                                    "(SELECT kudos_id FROM kudos_recipients)").fetchone()
    return kudos, recipients, alone


def test_a_backup_while_another_connection_writes_holds_one_consistent_instant(tmp_path):
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    assert feedbot(tmp_path, "org", "import", "people.csv").returncode == 0
    database = tmp_path / "feedbot.db"
    writer = KudosWriter(database)
    writer.start()
    try:
        assert writer.enough.wait(60)
        before = writer.committed
        shutil.copyfile(database, tmp_path / "plain-copy.db")  # what `cp feedbot.db` takes: the -wal is left out
        done = feedbot(tmp_path, "backup", "backup.db")  # the writer goes on meanwhile
        during = writer.committed
    finally:
        writer.stop.set()
        writer.join(30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("backed up ")
    assert f"the privacy key is not in it: back up {tmp_path / 'user-config' / 'feedbot' / 'feedbot.key'} " \
           f"separately" in done.stdout
    assert during > before  # it really was written to while the backup ran

    copy = tmp_path / "backup.db"
    with contextlib.closing(sqlite3.connect(copy)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file, nothing beside it
    assert not Path(f"{copy}-wal").exists()
    kudos, recipients, alone = counts(copy)
    assert before <= kudos <= writer.committed  # everything committed before it started, the WAL included
    assert (recipients, alone) == (kudos, 0)  # never a kudos without its recipient: one instant
    assert counts(tmp_path / "plain-copy.db")[0] < before  # a plain copy misses what is still in the WAL
    assert oct(copy.stat().st_mode & 0o777) == "0o600"  # personal data: readable by its owner only
    writer.connection.close()

    # The copy is a working feedbot database: restored in place of the original, the bot starts on it.
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copyfile(copy, restored / "feedbot.db")
    shown = feedbot(restored, "org", "show", env={"XDG_CONFIG_HOME": str(tmp_path / "user-config")})
    assert shown.returncode == 0, shown.stderr
    assert "Bo Nilsson <bo@example.com>" in shown.stdout


def test_a_backup_never_overwrites_and_postgresql_is_sent_to_pg_dump(tmp_path):
    (tmp_path / "taken.db").write_bytes(b"keep me")
    assert feedbot(tmp_path, "db", "upgrade").returncode == 0
    done = feedbot(tmp_path, "backup", "taken.db")
    assert (done.returncode, done.stderr) == (
        1, "feedbot: backup: taken.db already exists: choose a new name (a backup never overwrites)\n")
    assert (tmp_path / "taken.db").read_bytes() == b"keep me"
    done = feedbot(tmp_path, "backup", "copy.dump",
                   env={"FEEDBOT_DATABASE__URL": "postgresql://feedbot:hunter2@db.internal/feedbot"})
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("feedbot: backup: the database is PostgreSQL: use pg_dump")
    assert "hunter2" not in done.stderr
    done = feedbot(tmp_path, "backup", "copy.db", env={"FEEDBOT_DATABASE__URL": f"sqlite:///{tmp_path / 'nope.db'}"})
    assert (done.returncode, done.stderr) == (1, f"feedbot: backup: there is no SQLite database at "
                                                 f"{tmp_path / 'nope.db'} (database.url, env FEEDBOT_DATABASE__URL)\n")
