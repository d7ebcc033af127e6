"""The Slack ack benchmark: signed `/kudos` slash commands against the running `feedbot serve` app on
loopback, at 1 and 50 concurrent clients — requests per second, p50/p99 latency of the acknowledgement —
and, in the same run, the floor: a bare slack-bolt AsyncApp on aiohttp that only acks the same command.

    python -m benchmarks.bench_slack_ack [--requests 2000] [--clients 1 50] [--postgres]

Three processes besides this one (the load): the fake Slack Web API, the server under test, and nothing
else; so the server has a core to itself on a 2-core machine. feedbot does the whole command after the ack
(the kudos row, the reply through response_url, the channel post and the DM through the fake Web API): the
run also reports when the last of those replies arrived ("all done"), the rate at which work completes.
Targets: feedbot ≥ 60 % of the bare app's throughput, and p99 < 100 ms, at 50 clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

from benchmarks.common import PG_URL, table
from tests.fakes.slack_api import SIGNING_SECRET, FakeSlack, payload, signed_headers

USERS = 50
PG_DATABASE = "feedbot_bench_slack"


# ---- the processes ----

def run_fake(ports: Any) -> None:
    async def serve() -> None:
        fake = await FakeSlack().start()
        for n in range(USERS):
            fake.add_user(f"U{n:04d}", f"user{n}@example.com", f"User {n}", tz="UTC")
        ports.put(fake.port)
        await asyncio.Event().wait()

    asyncio.run(serve())


def run_feedbot(fake_url: str, database_url: str, ports: Any) -> None:
    from adapters.platform import PlatformMessenger
    from adapters.server import start_server
    from adapters.slack import SlackPlatform
    from bot.kernel.settings import Settings
    from feedbot.app import build_deps, open_database

    async def serve() -> None:
        # Pacing off: one #kudos channel at Slack's 1 message/s would make "all done" a measure of the pacer.
        settings = Settings.model_validate({
            "database": {"url": database_url}, "privacy": {"secret_key": "bench"},
            "slack": {"bot_token": "xoxb-bench", "signing_secret": SIGNING_SECRET, "api_url": fake_url + "/api/",
                      "messages_per_second_per_conversation": 1000, "messages_per_second": 1000}})
        db = await open_database(settings, migrate=True)
        platform = SlackPlatform(settings)
        deps = build_deps(settings, db, PlatformMessenger([platform]))
        server = await start_server(deps, [platform])
        ports.put(server.port)
        await asyncio.Event().wait()

    asyncio.run(serve())


def run_bare(fake_url: str, ports: Any) -> None:
    from aiohttp import web
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.app.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    async def serve() -> None:
        # The same settings as feedbot's app (process_before_response, a client with a token), and nothing else.
        app = AsyncApp(client=AsyncWebClient(token="xoxb-bench", base_url=fake_url + "/api/"),
                       signing_secret=SIGNING_SECRET, process_before_response=True)

        @app.command("/kudos")
        async def kudos(ack: Any) -> None:
            await ack()

        async def events(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

        server = web.Application()
        server.router.add_post("/slack/events", events)
        runner = web.AppRunner(server)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        ports.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(serve())


# ---- the load ----

def kudos_request(n: int, fake_url: str) -> tuple[bytes, dict[str, str]]:
    giver, receiver = n % USERS, (n + 1) % USERS
    body = urlencode(payload("slash_command") | {
        "command": "/kudos", "user_id": f"U{giver:04d}", "text": f"<@U{receiver:04d}|user{receiver}> Thanks #teamwork",
        "response_url": f"{fake_url}/response/{n}"})
    return body.encode(), signed_headers(body, "application/x-www-form-urlencoded")


async def load(url: str, fake_url: str, requests: int, clients: int) -> dict[str, float]:
    """`clients` connections, each sending its share of the requests one after another."""
    prepared = [kudos_request(n, fake_url) for n in range(requests)]
    latencies: list[float] = []
    failures = 0
    queue = iter(prepared)

    async def client(session: aiohttp.ClientSession) -> None:
        nonlocal failures
        for body, headers in queue:
            start = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
            latencies.append(time.perf_counter() - start)
            failures += response.status != 200

    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {"rps": requests / elapsed, "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
            "seconds": elapsed, "failures": failures}


async def replies(fake_url: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(f"{fake_url}/_count/response") as response:
        return await response.json()


async def wait_for_replies(fake_url: str, expected: int, timeout: float = 600) -> float:
    started = time.perf_counter()
    while await replies(fake_url) < expected:
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"only {await replies(fake_url)} of {expected} replies after {timeout:.0f} s")
        await asyncio.sleep(0.05)
    return time.perf_counter() - started


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, all its threads (aiosqlite runs SQLite in one)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Server:
    kind: str  # bare | feedbot
    url: str
    fake_url: str
    pid: int


async def warm_up(server: Server) -> None:
    if server.kind == "feedbot":  # everyone says hello once, so the kudos find their recipients
        await load(server.url, server.fake_url, USERS, 10)
        await wait_for_replies(server.fake_url, USERS)
    await load(server.url, server.fake_url, 200, 10)  # caches, connections, lazy imports
    if server.kind == "feedbot":
        await wait_for_replies(server.fake_url, USERS + 200)


async def measure(server: Server, requests: int, clients: int) -> dict[str, Any]:
    """One run; for feedbot it also waits until the work after the acks is done (before the next run)."""
    before, cpu = await replies(server.fake_url), cpu_seconds(server.pid)
    result = await load(server.url, server.fake_url, requests, clients)
    result["ack_cpu_ms"] = 1000 * (cpu_seconds(server.pid) - cpu) / requests  # the server's CPU while acking
    # For feedbot: the time from the last ack until the last reply, i.e. the work still queued after the ack.
    feedbot = server.kind == "feedbot"
    result["drain_s"] = await wait_for_replies(server.fake_url, before + requests) if feedbot else 0.0
    result["total_cpu_ms"] = 1000 * (cpu_seconds(server.pid) - cpu) / requests  # and with all the work done
    return result | {"kind": server.kind, "clients": clients, "requests": requests}


async def compare(servers: list[Server], requests: int, clients: list[int], rounds: int) -> list[dict[str, Any]]:
    """Bare and feedbot take turns, round after round, so a busy neighbour on the machine hits both alike;
    each figure is the median run of its rounds (by throughput)."""
    for server in servers:
        await warm_up(server)
    runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for _ in range(rounds):
        for count in clients:
            for server in servers:
                n = requests if count > 1 else max(100, requests // 10)
                runs.setdefault((server.kind, count), []).append(await measure(server, n, count))
    return [sorted(results, key=lambda r: r["rps"])[len(results) // 2] | {"rounds": len(results)}
            for results in runs.values()]


def start(target: Any, *args: Any) -> tuple[multiprocessing.Process, int]:
    ports = multiprocessing.get_context("spawn").Queue()
    process = multiprocessing.get_context("spawn").Process(target=target, args=(*args, ports), daemon=True)
    process.start()
    return process, ports.get(timeout=60)


async def reset_pg() -> str:
    """A fresh database of its own next to PG_URL's (a schema search_path cannot go through the URL)."""
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    conn = await asyncpg.connect(user=url.username, password=url.password, host=url.host, port=url.port,
                                 database=url.database)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        await conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    finally:
        await conn.close()
    return url.set(database=PG_DATABASE).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per run at many clients")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--postgres", action="store_true", help="feedbot on PostgreSQL instead of SQLite")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each (median reported)")
    args = parser.parse_args()

    processes: list[multiprocessing.Process] = []
    with tempfile.TemporaryDirectory() as tmp:
        database_url = asyncio.run(reset_pg()) if args.postgres else f"sqlite:///{Path(tmp) / 'bench.db'}"
        try:
            servers = []
            for kind in ("bare", "feedbot"):  # each with its own fake Web API, so replies are counted apart
                fake, fake_port = start(run_fake)
                fake_url = f"http://127.0.0.1:{fake_port}"
                server, port = start(run_feedbot, fake_url, database_url) if kind == "feedbot" else \
                    start(run_bare, fake_url)
                processes += [fake, server]
                servers.append(Server(kind, f"http://127.0.0.1:{port}/slack/events", fake_url, server.pid))
            rows = asyncio.run(compare(servers, args.requests, args.clients, args.rounds))
        finally:
            for process in processes:
                process.kill()
    print_results(rows, "PostgreSQL" if args.postgres else "SQLite")


def print_results(rows: list[dict[str, Any]], database: str) -> None:
    bare = {row["clients"]: row for row in rows if row["kind"] == "bare"}
    lines = []
    for row in rows:
        share = row["rps"] / bare[row["clients"]]["rps"]
        done = f"{row['requests'] / (row['seconds'] + row['drain_s']):.0f}/s" if row["kind"] == "feedbot" else "-"
        lines.append([row["kind"], str(row["clients"]), str(row["requests"]), f"{row['rps']:.0f}",
                      f"{100 * share:.0f}%", f"{row['p50_ms']:.1f}", f"{row['p99_ms']:.1f}", str(row["failures"]),
                      f"{row['ack_cpu_ms']:.2f} / {row['total_cpu_ms']:.2f}",
                      f"{row['drain_s']:.1f}" if row["kind"] == "feedbot" else "-", done])
    print(f"\n== Slack /kudos ack benchmark (feedbot on {database}; median of {rows[0]['rounds']} rounds) ==")
    print(table(["app", "clients", "requests", "req/s", "vs bare", "p50 ms", "p99 ms", "non-200",
                 "server CPU ms/req (acking / all)", "work after last ack s", "all done rate"], lines))
    at50 = [row for row in rows if row["kind"] == "feedbot" and row["clients"] == max(bare)]
    for row in at50:
        share = row["rps"] / bare[row["clients"]]["rps"]
        print(f"target at {row['clients']} clients: ≥60% of bare throughput: {'yes' if share >= 0.6 else 'NO'} "
              f"({100 * share:.0f}%), p99 < 100 ms: {'yes' if row['p99_ms'] < 100 else 'NO'} ({row['p99_ms']:.1f} ms)")
    print(json.dumps({"slack_ack": rows}))


if __name__ == "__main__":
    main()
