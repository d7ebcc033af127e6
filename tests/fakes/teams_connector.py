"""A fake Bot Connector (the activity's serviceUrl) on a loopback port, and a harness that runs the real
`feedbot serve` app with Teams against it and the fake OpenID service.

The connector records replies, proactive sends, card updates, conversation creation and member lookups,
and can be told to refuse sends (429 with Retry-After, 403 for a person who blocked the bot).
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.platform import PlatformMessenger
from adapters.server import RunningServer, start_server
from adapters.teams import TeamsPlatform
from adapters.teams.messenger import RetryPolicy
from bot.kernel.clock import FixedClock
from bot.kernel.context import Deps
from bot.kernel.i18n import Catalogs
from bot.kernel.messages import Command
from bot.kernel.settings import Settings, TeamsSettings
from bot.kernel.views import View
from feedbot.app import build_deps
from storage.db import Database
from tests.fakes.openid import BOT_TOKEN, FakeOpenId, LoopbackServer

PAYLOADS = Path(__file__).parent.parent / "payloads" / "teams"
APP_ID = "00000000-0000-0000-0000-00000000b07a"
APP_PASSWORD = "test-app-password"
TENANT = "72f988bf-0000-0000-0000-00000000feed"
BOT = f"28:{APP_ID}"


@dataclass(frozen=True)
class TeamsUser:
    name: str
    email: str
    aad: str
    teams_id: str
    upn: str = ""  # when not the email (a guest's #EXT# name)

    def account(self) -> dict[str, Any]:
        return {"id": self.teams_id, "name": self.name, "aadObjectId": self.aad}


def user(name: str, email: str, n: int) -> TeamsUser:
    return TeamsUser(name, email, f"aad-{n:04d}-0000-0000-0000-000000000000", f"29:1teams-user-{n:04d}")


@dataclass
class Call:
    method: str
    path: str
    conversation: str
    body: dict[str, Any]
    auth: str
    answered_id: str = ""  # the id the connector gave a posted activity (a card to update later)
    at: float = field(default_factory=time.monotonic)  # when it arrived (busiest-second checks)
    wall: float = field(default_factory=time.time)  # the same on the wall clock (what Graph shows of it)
    port: int = 0  # the sender's TCP port: which process sent it (tests/replicas.py)


@dataclass
class FakeConnector(LoopbackServer):
    members: dict[str, TeamsUser] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    refusals: deque[tuple[int, str | None]] = field(default_factory=deque)
    blocked: set[str] = field(default_factory=set)  # Teams user ids who blocked the bot
    gone: set[str] = field(default_factory=set)  # activity ids already deleted (a delete answers 404)
    hold: float = 0.0  # seconds a taken send waits for its answer: a sender killed meanwhile never learns it went out
    held: list[Call] = field(default_factory=list)  # sends taken and not answered yet
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        """The serviceUrl activities carry (with its trailing slash, as Teams sends it)."""
        return f"http://127.0.0.1:{self.port}/"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._post)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._post)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._post)
        app.router.add_delete("/v3/conversations/{conversation}/activities/{activity}", self._delete)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)

    def add(self, *people: TeamsUser) -> None:
        for person in people:
            self.members[person.teams_id] = person

    def refuse(self, times: int, status: int = 429, retry_after: str | None = "0") -> None:
        """The next `times` calls (sends, member lookups) are refused with `status` (and Retry-After); a 502 or
        504 comes as the HTML page a gateway sends, not as JSON."""
        self.refusals.extend([(status, retry_after)] * times)

    async def _record(self, request: web.Request, method: str) -> Call:
        body = await request.json() if request.can_read_body else {}
        peer = request.transport.get_extra_info("peername") if request.transport else None
        call = Call(method, request.path, request.match_info.get("conversation", ""), body,
                    request.headers.get("Authorization", ""), port=peer[1] if peer else 0)
        self.calls.append(call)
        return call

    def _refused(self, conversation_or_user: str) -> web.Response | None:
        if conversation_or_user in self.blocked or any(
                conversation_or_user == f"a:{uid}" for uid in self.blocked):
            return web.json_response({"error": {"code": "Forbidden",
                                                "message": "MessageWritesBlocked: the user blocked the bot"}},
                                     status=403)
        if self.refusals:
            status, retry_after = self.refusals.popleft()
            headers = {"Retry-After": retry_after} if retry_after is not None else {}
            if status in (502, 504):
                return web.Response(status=status, headers=headers, content_type="text/html",
                                    text="<html><body><h1>Bad Gateway</h1></body></html>")
            return web.json_response({"error": {"code": "TooManyRequests" if status == 429 else str(status),
                                                "message": "refused by the fake"}}, status=status, headers=headers)
        return None

    async def _post(self, request: web.Request) -> web.Response:
        refused = self._refused(request.match_info["conversation"])
        method = {"PUT": "update"}.get(request.method) or ("reply" if "activity" in request.match_info else "send")
        if refused is not None:
            self.calls.append(Call("refused-" + method, request.path, request.match_info["conversation"], {}, ""))
            return refused
        call = await self._record(request, method)
        call.answered_id = request.match_info["activity"] if method == "update" else f"act-{next(self._ids)}"
        if self.hold and method != "update":
            self.held.append(call)
            try:
                await asyncio.sleep(self.hold)
            finally:
                self.held.remove(call)
        return web.json_response({"id": call.answered_id})

    async def _delete(self, request: web.Request) -> web.Response:
        """Deleting an activity the bot sent (a withdrawn message); `gone` ids answer 404."""
        refused = self._refused(request.match_info["conversation"])
        if refused is not None:
            self.calls.append(Call("refused-delete", request.path, request.match_info["conversation"], {}, ""))
            return refused
        call = await self._record(request, "delete")
        call.answered_id = request.match_info["activity"]
        if call.answered_id in self.gone:
            return web.json_response({"error": {"code": "NotFound", "message": "no such activity"}}, status=404)
        return web.Response(status=200)

    async def _create(self, request: web.Request) -> web.Response:
        """A 1:1 chat with `members`, or (isGroup, channelData.channel) a new post in a channel."""
        body = await request.json()
        if body.get("isGroup"):
            channel = body["channelData"]["channel"]["id"]
            refused = self._refused(channel)
            self.calls.append(Call("refused-post" if refused else "post", request.path, channel, body,
                                   request.headers.get("Authorization", "")))
            return refused or web.json_response({"id": f"{channel};messageid={next(self._ids)}",
                                                 "activityId": f"act-{next(self._ids)}"})
        member = body["members"][0]["id"]
        self.calls.append(Call("create", request.path, "", body, request.headers.get("Authorization", "")))
        return self._refused(member) or web.json_response({"id": f"a:{member}", "activityId": None})

    async def _member(self, request: web.Request) -> web.Response:
        await self._record(request, "member")
        refused = self._refused(request.match_info["member"])
        if refused is not None:
            return refused
        person = self.members.get(request.match_info["member"])
        if person is None:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation", "message": "?"}},
                                     status=404)
        given, _, surname = person.name.partition(" ")
        return web.json_response({"id": person.teams_id, "name": person.name, "givenName": given,
                                  "surname": surname, "email": person.email or None,
                                  "userPrincipalName": person.upn or person.email,
                                  "aadObjectId": person.aad, "tenantId": TENANT, "userRole": "user"})

    # What the bot sent, for assertions

    def sent(self, conversation: str | None = None) -> list[dict[str, Any]]:
        """Activities the bot posted (replies and proactive sends), optionally into one conversation."""
        return [c.body for c in self.calls if c.method in ("send", "reply")
                and (conversation is None or c.conversation == conversation)]

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]


def card(activity: dict[str, Any]) -> dict[str, Any]:
    return activity["attachments"][0]["content"]


def card_text(activity: dict[str, Any]) -> str:
    """Every text shown in the card: text blocks, facts, input labels and error lines, button titles."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "label", "value", "placeholder"):
                if isinstance(node.get(key), str):
                    parts.append(node[key])
            for key in ("body", "items", "actions", "facts", "choices", "columns"):
                walk(node.get(key))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card(activity))
    return "\n".join(parts)


def actions(activity: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for element in card(activity)["body"]:
        if element.get("type") == "ActionSet":
            found.extend(element["actions"])
    return found


def inputs(activity: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in card(activity)["body"] if str(e.get("type", "")).startswith("Input.")]


def payload(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))


def shaped(name: str, sender: TeamsUser, connector: FakeConnector, activity_id: str, **fields: Any) -> dict[str, Any]:
    """The recorded activity `name` from `sender`, answered through `connector` (which learns the sender)."""
    activity = copy.deepcopy(payload(name))
    activity.update(id=activity_id, serviceUrl=connector.url, **fields)
    activity["from"] = sender.account()
    activity["recipient"] = {"id": BOT, "name": "feedbot"}
    activity["channelData"]["tenant"]["id"] = TENANT
    activity["conversation"]["tenantId"] = TENANT
    if activity["conversation"]["conversationType"] == "personal":
        activity["conversation"]["id"] = f"a:{sender.teams_id}"
    connector.add(sender)
    return activity


@dataclass
class TeamsHarness:
    """The real serve app with Teams, the fake connector and identity service, and ways to talk to it."""

    deps: Deps
    platform: TeamsPlatform
    server: RunningServer
    connector: FakeConnector
    identity: FakeOpenId
    http: aiohttp.ClientSession
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1_763_888_400_000))

    @classmethod
    async def start(cls, database: Database, clock: FixedClock, catalogs: Catalogs,
                    settings: Settings | None = None, policy: RetryPolicy | None = None,
                    **teams: Any) -> TeamsHarness:
        identity = await FakeOpenId().start()
        connector = await FakeConnector().start()
        base = settings or Settings.model_validate({"org": {"admins": ["admin@example.com"]},
                                                    "privacy": {"secret_key": "test-secret"}})
        settings = base.model_copy(update={"teams": TeamsSettings.model_validate({
            "app_id": APP_ID, "app_password": APP_PASSWORD, "app_type": "SingleTenant", "tenant_id": TENANT,
            "openid_metadata_url": identity.metadata_url, "token_url": identity.token_url,
            "sends_per_second_per_conversation": 7.0, "sends_per_second": 50.0, **teams})})
        platform = TeamsPlatform(settings, policy or RetryPolicy(retries=3, base_seconds=0.01, cap_seconds=0.05))
        deps = build_deps(settings, database, PlatformMessenger([platform]), clock=clock, catalogs=catalogs)
        server = await start_server(deps, [platform])
        return cls(deps, platform, server, connector, identity, aiohttp.ClientSession())

    async def close(self) -> None:
        await self.http.close()
        await self.server.close()
        await self.connector.close()
        await self.identity.close()

    # Activities in the recorded shapes of tests/payloads/teams

    def activity(self, name: str, sender: TeamsUser, **fields: Any) -> dict[str, Any]:
        return shaped(name, sender, self.connector, str(next(self._ids)), **fields)

    def message(self, sender: TeamsUser, text: str, *, mention: Sequence[TeamsUser] = (), locale: str = "en-US",
                channel: bool = False) -> dict[str, Any]:
        """`text` with @Name for each person in `mention` (and the bot's @feedbot in a channel)."""
        activity = self.activity("channel_mention" if channel else "personal_message", sender, locale=locale)
        entities = [e for e in activity["entities"] if e["type"] != "mention"]
        if channel:
            text = "<at>feedbot</at> " + text
            entities.append({"type": "mention", "text": "<at>feedbot</at>",
                             "mentioned": {"id": BOT, "name": "feedbot"}})
        for person in mention:
            text = text.replace(f"@{person.name}", f"<at>{person.name}</at>")
            entities.append({"type": "mention", "text": f"<at>{person.name}</at>",
                             "mentioned": {"id": person.teams_id, "name": person.name}})
            self.connector.add(person)
        activity["text"] = text
        activity["entities"] = entities
        return activity

    def submit(self, sender: TeamsUser, action: dict[str, Any], answers: dict[str, str] | None = None,
               reply_to: str | None = "act-card") -> dict[str, Any]:
        """Pressing a card's Action.Submit (a message whose value is the action's data and the inputs)."""
        return self.activity("action_submit", sender, value={**action["data"], **(answers or {})},
                             replyToId=reply_to)

    async def post(self, activity: dict[str, Any], *, token: str | None = None,
                   headers: dict[str, str] | None = None) -> aiohttp.ClientResponse:
        """POST /api/messages with a valid token (or `token`), then wait for the deliveries it started."""
        token = token if token is not None else self.identity.sign(APP_ID, activity["serviceUrl"])
        sent = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.http.post(f"{self.server.url}/api/messages", json=activity,
                                  headers={**sent, **(headers or {})}) as response:
            await response.read()
        await self.platform.idle()
        return response

    async def say(self, sender: TeamsUser, text: str, **kwargs: Any) -> list[dict[str, Any]]:
        """Type a message; returns what the bot posted in answer (replies and sends) during the turn."""
        start = len(self.connector.calls)
        response = await self.post(self.message(sender, text, **kwargs))
        assert response.status in (200, 201), response.status
        return [c.body for c in self.connector.calls[start:] if c.method in ("send", "reply", "update")]

    async def press(self, sender: TeamsUser, shown: Call, title: str, answers: dict[str, str] | None = None,
                    ) -> list[Call]:
        """Press the button (or submit the form) titled `title` on a card the bot posted; returns the calls the
        bot made in answer (updates of that card, replies, sends)."""
        action = next(a for a in actions(shown.body) if a["title"] == title)
        start = len(self.connector.calls)
        response = await self.post(self.submit(sender, action, answers, reply_to=shown.answered_id))
        assert response.status in (200, 201), response.status
        return [c for c in self.connector.calls[start:] if c.method in ("send", "reply", "update")]

    def last_card(self, conversation: str) -> Call:
        return [c for c in self.connector.calls if c.method in ("send", "reply") and c.conversation == conversation][-1]


BOT_AUTH = f"Bearer {BOT_TOKEN}"


def fail_once(monkeypatch: pytest.MonkeyPatch, entry: str) -> list[Command]:
    """The core's `entry` (handle_message, handle_interaction) fails the first time, as when the database is
    briefly down; returns the commands that failed."""
    from adapters.teams import turns

    real, failed = getattr(turns.core, entry), []

    async def fails_once(deps: Deps, command: Command) -> list[View]:
        if not failed:
            failed.append(command)
            raise ConnectionError("the database went away")
        return await real(deps, command)

    monkeypatch.setattr(turns.core, entry, fails_once)
    return failed
