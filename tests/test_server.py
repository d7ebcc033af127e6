"""`feedbot serve`'s HTTP app on a loopback port, and how proactive sends find their platform."""

from __future__ import annotations

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
