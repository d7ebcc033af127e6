"""A running `feedbot serve` whose database goes away or falls behind: /readyz says 503 and why, the tick logs one
line a minute instead of a traceback, and both recover by themselves once the database is back."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.db import create_engine
from tests.conftest import NO_POSTGRES, PG_URL
from tests.test_cli import environment
from tests.test_slack_reliability import free_port

TICK = {"FEEDBOT_SCHEDULE__TICK_SECONDS": "5", "FEEDBOT_TEAMS__ALLOW_UNAUTHENTICATED": "true",
        "FEEDBOT_PRIVACY__SECRET_KEY": "k" * 44, "PYTHONUNBUFFERED": "1"}


class Serve:
    """`feedbot serve` in a process of its own; what it logs is collected line by line."""

    def __init__(self, process: asyncio.subprocess.Process, url: str) -> None:
        self.process, self.url, self.log = process, url, []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for line in self.process.stderr:
            self.log.append(line.decode())

    async def ready(self) -> tuple[int, dict[str, str]]:
        async with aiohttp.ClientSession() as session, session.get(f"{self.url}/readyz") as response:
            return response.status, await response.json()

    async def logged(self, fragment: str, timeout: float = 30) -> str:
        for _ in range(int(timeout * 10)):
            found = [line for line in self.log if fragment in line]
            if found:
                return found[-1]
            await asyncio.sleep(0.1)
        raise AssertionError(f"{fragment!r} not logged in {timeout}s:\n{''.join(self.log)}")


@contextlib.asynccontextmanager
async def serving(workdir: Path, env: dict[str, str]) -> AsyncIterator[Serve]:
    environ = environment(workdir, TICK | env | {"FEEDBOT_SERVER__PORT": str(free_port())})
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "feedbot.cli", "serve", env=environ,
                                                   cwd=workdir, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    try:
        line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        assert line.startswith("feedbot listening on "), line + (await process.stderr.read()).decode()
        serve = Serve(process, line.split()[-1])
        yield serve
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 60) == 0
        await serve.reader
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def feedbot(workdir: Path, *args: str, env: dict[str, str] | None = None) -> None:
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "feedbot.cli", *args, cwd=workdir,
                                                   env=environment(workdir, TICK | (env or {})),
                                                   stderr=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    _, err = await process.communicate()
    assert process.returncode == 0, err.decode()


async def test_a_schema_taken_back_while_serving_is_503_and_one_line_a_tick_until_upgraded(tmp_path) -> None:
    async with serving(tmp_path, {}) as serve:
        assert await serve.ready() == (200, {"status": "ready"})
        await feedbot(tmp_path, "db", "downgrade", "0002")  # the tick's inbound_events table is gone
        status, body = await serve.ready()
        assert status == 503 and body["reason"].startswith(f"the SQLite database {tmp_path / 'feedbot.db'} is at "
                                                           f"schema revision 0002, not the latest")
        line = await serve.logged("tick skipped")
        assert "ERROR bot.rhythm.scheduler: tick skipped, trying again in 5s: the SQLite database" in line
        assert "is not at the latest schema (no such " in line and line.endswith("run `feedbot db upgrade`\n")
        await feedbot(tmp_path, "db", "upgrade")
        assert await serve.ready() == (200, {"status": "ready"})
    log = "".join(serve.log)
    assert "Traceback" not in log
    # The scheduler's own "Running job …" / "… executed successfully" lines are DEBUG, not a line a minute.
    assert "apscheduler" not in log and "Running job" not in log


class Proxy:
    """A TCP forwarder to PostgreSQL that can be pulled out and put back, as a database outage."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target, self.port, self.server, self.links = target, free_port(), None, set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._link, "127.0.0.1", self.port)

    async def _link(self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        server_in, server_out = await asyncio.open_connection(*self.target)
        self.links |= {client_out, server_out}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.close()

        await asyncio.gather(pipe(client_in, server_out), pipe(server_in, client_out))

    async def stop(self) -> None:
        self.server.close()
        for link in self.links:
            link.close()
        self.links.clear()
        await self.server.wait_closed()


@contextlib.asynccontextmanager
async def fresh_postgresql_database(server: str = "") -> AsyncIterator[str]:
    """An empty database of its own on the test server (or `server`; schemas are not enough: `CREATE DATABASE` is
    the state of a new deployment), dropped afterwards."""
    name = "feedbot_outage_" + uuid.uuid4().hex[:8]
    admin = create_engine(server or PG_URL).execution_options(isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield name
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.mark.skipif(not PG_URL, reason=NO_POSTGRES)
async def test_serve_on_an_unmigrated_postgresql_says_so_in_one_line(tmp_path) -> None:
    async with fresh_postgresql_database() as name:
        server = make_url(PG_URL)
        url = server.set(database=name).render_as_string(hide_password=False)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "feedbot.cli", "serve", cwd=tmp_path,
            env=environment(tmp_path, TICK | {"FEEDBOT_DATABASE__URL": url}),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await process.communicate()
        assert (process.returncode, out) == (1, b"")
        assert err.decode() == (f"feedbot: PostgreSQL at {server.host}:{server.port or 5432}/{name} has no feedbot "
                                f"schema yet: run `feedbot db upgrade`\n")


@pytest.mark.skipif(not PG_URL, reason=NO_POSTGRES)
async def test_postgresql_going_away_while_serving_is_503_and_one_line_a_tick_until_it_is_back(tmp_path) -> None:
    server = make_url(PG_URL)
    proxy = Proxy((server.host or "127.0.0.1", server.port or 5432))
    await proxy.start()
    try:
        async with fresh_postgresql_database() as name:
            url = server.set(port=proxy.port, database=name).render_as_string(hide_password=False)
            await feedbot(tmp_path, "db", "upgrade", env={"FEEDBOT_DATABASE__URL": url})
            async with serving(tmp_path, {"FEEDBOT_DATABASE__URL": url}) as serve:
                assert await serve.ready() == (200, {"status": "ready"})
                await proxy.stop()
                status, body = await serve.ready()
                assert (status, body["reason"]) == (503, f"cannot reach PostgreSQL at 127.0.0.1:{proxy.port}/{name} "
                                                         f"(connection refused): is it running, and is database.url "
                                                         f"(env FEEDBOT_DATABASE__URL) right?")
                line = await serve.logged("tick skipped")
                # Refused, or cut in the middle of a statement when the outage came: one line either way.
                assert f"tick skipped, trying again in 5s: cannot reach PostgreSQL at 127.0.0.1:{proxy.port}/{name} (" \
                       in line and line.endswith("is it running, and is database.url (env FEEDBOT_DATABASE__URL) "
                                                 "right?\n")
                await proxy.start()
                assert await serve.ready() == (200, {"status": "ready"})
            assert "Traceback" not in "".join(serve.log)
    finally:
        await proxy.stop()
