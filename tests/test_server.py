"""`feedbot serve`'s HTTP app on a loopback port, and how proactive sends find their platform."""

from __future__ import annotations

import dataclasses
import socket
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from adapters.platform import PlatformMessenger
from adapters.server import start_server
from bot.kernel.context import Deps
from bot.kernel.outbox import Address, DeliveryError, Recipient
from bot.kernel.settings import Settings
from bot.kernel.views import View
from feedbot.platforms import enabled_platforms
from storage.db import Database
from storage.migrate import downgrade, head_revision, upgrade
from storage.uow import unit_of_work


class FakePlatform:
    """A platform that records what it was asked to send and serves one route."""

    def __init__(self, name: str, channel_prefix: str | None = None) -> None:
        self.name = name
        self.channel_prefix = channel_prefix
        self.sent: list[tuple[Recipient, str]] = []
        self.messenger = self
        self.events: list[str] = []

    async def send(self, recipient: Recipient, view: View) -> None:
        self.sent.append((recipient, view.title))

    def owns_channel(self, channel: str) -> bool:
        return self.channel_prefix is not None and channel.startswith(self.channel_prefix)

    def mount(self, app: web.Application, deps: Deps) -> None:
        async def hello(_request: web.Request) -> web.Response:
            return web.Response(text=self.name)

        app.router.add_get(f"/{self.name}/hello", hello)

    async def start(self, deps: Deps) -> None:
        self.events.append("start")

    async def stop(self) -> None:
        self.events.append("stop")


async def test_the_server_answers_health_and_platform_routes_on_a_real_port(deps):
    platform = FakePlatform("slack")
    server = await start_server(deps, [platform])
    assert platform.events == ["start"] and server.port > 0
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{server.url}/healthz") as response:
                assert response.status == 200
                assert await response.json() == {"status": "ok", "platforms": ["slack"]}
            async with session.get(f"{server.url}/readyz") as response:
                assert (response.status, await response.json()) == (200, {"status": "ready"})
            async with session.get(f"{server.url}/slack/hello") as response:
                assert await response.text() == "slack"
            async with session.get(f"{server.url}/nope") as missing:
                assert missing.status == 404
    finally:
        await server.close()
    assert platform.events == ["start", "stop"]


async def test_a_person_is_reached_on_the_platform_of_their_first_reachable_account():
    slack, teams = FakePlatform("slack", "#"), FakePlatform("teams")
    messenger = PlatformMessenger([slack, teams])
    ana = Recipient(email="ana@example.com", accounts=[
        Address("slack", "T1", "U1", unreachable=True), Address("teams", "t1", "29:ana")])
    await messenger.send(ana, View(title="prompt"))
    await messenger.send(Recipient(channel="#kudos"), View(title="kudos"))
    assert [title for _, title in teams.sent] == ["prompt"]
    assert [title for _, title in slack.sent] == ["kudos"]


async def test_nobody_to_send_to_is_a_permanent_refusal():
    messenger = PlatformMessenger([FakePlatform("teams")])
    with pytest.raises(DeliveryError) as no_account:
        await messenger.send(Recipient(email="bo@example.com", accounts=[Address("slack", "T1", "U2")]), View())
    with pytest.raises(DeliveryError) as no_channel_owner:
        await messenger.send(Recipient(channel="#kudos"), View())
    assert no_account.value.permanent and no_channel_owner.value.permanent


def test_no_platform_is_switched_on_without_credentials():
    assert enabled_platforms(Settings()) == []


async def readyz(deps: Deps) -> tuple[int, dict[str, str]]:
    server = await start_server(deps)
    try:
        async with aiohttp.ClientSession() as session, session.get(f"{server.url}/readyz") as response:
            return response.status, await response.json()
    finally:
        await server.close()


def on(deps: Deps, url: str) -> tuple[Deps, Database]:
    db = Database(url)
    settings = deps.settings.model_copy(update={"database": deps.settings.database.model_copy(update={"url": url})})
    return dataclasses.replace(deps, settings=settings, uow=lambda: unit_of_work(db)), db


async def test_readyz_is_503_while_the_database_is_down_or_behind_and_says_why(deps, tmp_path: Path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down, db = on(deps, f"postgresql://feedbot:hunter2@127.0.0.1:{port}/feedbot")
    status, body = await readyz(down)
    await db.dispose()
    assert (status, body["status"]) == (503, "unavailable")
    assert body["reason"] == (f"cannot reach PostgreSQL at 127.0.0.1:{port}/feedbot (connection refused): is it "
                              f"running, and is database.url (env FEEDBOT_DATABASE__URL) right?")

    empty, db = on(deps, f"sqlite:///{tmp_path / 'empty.db'}")
    unmigrated = f"the SQLite database {tmp_path / 'empty.db'} has no feedbot schema yet: run `feedbot db upgrade`"
    assert await readyz(empty) == (503, {"status": "unavailable", "reason": unmigrated})
    await upgrade(db.engine)
    assert await readyz(empty) == (200, {"status": "ready"})
    await downgrade(db.engine, "0004")
    status, body = await readyz(empty)
    assert (status, body["reason"]) == (503, f"the SQLite database {tmp_path / 'empty.db'} is at schema revision "
                                             f"0004, not the latest ({head_revision()}): run `feedbot db upgrade`")
    await db.dispose()
