"""A throwaway PostgreSQL cluster of the test's own (initdb + pg_ctl on a free port, in a temporary directory), so
a test may stop and start it without disturbing the shared server. Run as the current user, or as `postgres` when
the tests run as root (initdb refuses root)."""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import pwd
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from tests.test_slack_reliability import free_port

BINARIES = os.environ.get("FEEDBOT_PG_BIN") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                                                                  reverse=True)), "")


def missing() -> str:
    """Why no private cluster can be started here ("" when it can)."""
    if not BINARIES or not (Path(BINARIES) / "initdb").is_file() or not (Path(BINARIES) / "pg_ctl").is_file():
        return "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or FEEDBOT_PG_BIN"
    if os.geteuid() == 0 and not _user("postgres"):
        return "running as root, and there is no postgres user to run initdb as"
    return ""


def _user(name: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


class Cluster:
    def __init__(self, directory: Path) -> None:
        self.directory, self.port = directory, free_port()
        self.data = directory / "data"
        self.owner = _user("postgres") if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    async def run(self, program: str, *args: str) -> None:
        command = [str(Path(BINARIES) / program), *args]
        if self.owner is not None:
            command = ["runuser", "-u", self.owner.pw_name, "--", *command]
        process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE,
                                                       stderr=asyncio.subprocess.STDOUT)
        out, _ = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"{program} failed: {out.decode()}")

    async def init(self) -> None:
        if self.owner is not None:
            os.chown(self.directory, self.owner.pw_uid, self.owner.pw_gid)
        await self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")

    async def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        await self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.directory / "log"), "-w",
                       "start")

    async def stop(self, mode: str = "fast") -> None:
        await self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")


@contextlib.asynccontextmanager
async def private_postgresql() -> AsyncIterator[Cluster]:
    """A started cluster, stopped and removed afterwards. Its directory is under /tmp, not pytest's (which only
    root may enter)."""
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="feedbot-pg-")))
    try:
        await cluster.init()
        await cluster.start()
        yield cluster
    finally:
        with contextlib.suppress(RuntimeError):
            await cluster.stop("immediate")
        shutil.rmtree(cluster.directory, ignore_errors=True)
