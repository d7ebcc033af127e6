"""A fake Slack Web API on a loopback port: answers what feedbot calls, records every call, and can be
told to refuse (429 with Retry-After, or ok:false). response_url posts and file uploads come here too."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.kernel.settings import Settings
from bot.orgdir import import_people
from tests.fakes.slack_history import History

TEAM = "T0FEED"
BOT_USER = "UBOT"


@dataclass
class Call:
    method: str  # "chat.postMessage", "response", "upload"
    args: dict[str, Any]
    token: str = ""
    refused: bool = False  # answered 429 or ok:false
    at: float = field(default_factory=time.monotonic)  # when it arrived


@dataclass
class FakeSlack:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    refusals: dict[str, deque[tuple[int, dict[str, Any], dict[str, str]]]] = field(
        default_factory=lambda: defaultdict(deque))
    passes: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # answered before refusals start
    delays: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    runner: web.AppRunner | None = None
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    grants: dict[str, dict[str, Any]] = field(default_factory=dict)  # OAuth code → what oauth.v2.access answers
    teams: dict[str, dict[str, str]] = field(default_factory=dict)  # bot token → its workspace, for auth.test
    dead: set[str] = field(default_factory=set)  # tokens Slack refuses (token_revoked)
    port: int = 0
    history: History = field(default_factory=History)  # what was posted, for conversations.history
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str = "1") -> str:
        return f"{self.url}/response/{name}"

    # ---- set-up ----

    def add_user(self, user_id: str, email: str | None, name: str, *, tz: str = "Europe/Stockholm",
                 locale: str = "en-US", team: str = TEAM) -> None:
        profile = {"real_name": name, "display_name": name.split()[0]}
        if email:
            profile["email"] = email
        self.users[user_id] = {"id": user_id, "team_id": team, "name": name.lower(), "real_name": name,
                               "tz": tz, "tz_label": tz, "tz_offset": 3600, "locale": locale,
                               "is_bot": False, "profile": profile}

    def workspace(self, token: str, team: str, name: str = "Acme", bot_user: str = BOT_USER) -> None:
        """The bot token `token` belongs to workspace `team` (several workspaces; a token sees its own only)."""
        self.teams[token] = {"team_id": team, "team": name, "user_id": bot_user}

    def grant(self, code: str, team: str, name: str, token: str, *, installer: str = "U0ANA",
              bot_user: str = BOT_USER) -> None:
        """Slack's answer to `code` (once): the app installed in `team` with the bot token `token`."""
        self.workspace(token, team, name, bot_user)
        self.grants[code] = {"ok": True, "app_id": "A0FEEDBOT", "authed_user": {"id": installer},
                             "scope": "commands,chat:write,im:write", "token_type": "bot", "access_token": token,
                             "bot_user_id": bot_user, "team": {"id": team, "name": name}, "enterprise": None,
                             "is_enterprise_install": False}

    def tokens(self, method: str) -> list[str]:
        """The bot token each answered call of `method` came with."""
        return [call.token for call in self.calls if call.method == method and not call.refused]

    def rate_limit(self, method: str, times: int, retry_after: int = 1, *, after: int = 0) -> None:
        """Answer the next `after` calls of `method`, then refuse `times` with 429."""
        self.passes[method] = after
        for _ in range(times):
            self.refusals[method].append((429, {"ok": False, "error": "ratelimited"},
                                          {"Retry-After": str(retry_after)}))

    def slow(self, method: str, seconds: float) -> None:
        """Answer the next call of `method` only after `seconds`."""
        self.delays[method].append(seconds)

    def fail(self, method: str, error: str, times: int = 1, status: int = 200) -> None:
        """Refuse the next `times` calls of `method` with ok:false (a response_url: status 404 and the error)."""
        for _ in range(times):
            self.refusals[method].append((status, {"ok": False, "error": error}, {}))

    # ---- what was called ----

    def called(self, method: str, *, refused: bool = False) -> list[dict[str, Any]]:
        """The arguments of each call of `method` that was answered (or, with refused=True, refused)."""
        return [call.args for call in self.calls if call.method == method and call.refused == refused]

    def texts(self, method: str = "chat.postMessage") -> list[str]:
        return [call.get("text", "") for call in self.called(method)]

    def clear(self) -> None:
        self.calls.clear()

    # ---- server ----

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)  # users.info comes as a GET
        app.router.add_post("/response/{name}", self._response)
        app.router.add_post("/upload/{file}", self._upload)
        app.router.add_get("/_count/{method}", self._count)  # for a benchmark running this fake in a process
        app.router.add_get("/socket", self._socket)  # Socket Mode: apps.connections.open points here
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]
        return self

    async def close(self) -> None:
        for socket in self.sockets:
            await socket.close()
        if self.runner is not None:
            await self.runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.delays[method]:
            await asyncio.sleep(self.delays[method].popleft())
        if token in self.dead:
            self.calls.append(Call(method, args, token, refused=True))
            return web.json_response({"ok": False, "error": "token_revoked"})
        if method == "conversations.history" and self.history.too_many():
            self.calls.append(Call(method, args, token, refused=True))
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"})
        return self._refuse(method, args, token) or web.json_response(self._answer(method, args, token))

    def _refuse(self, method: str, args: dict[str, Any], token: str = "") -> web.Response | None:
        """Record the call; the refusal it was told to give, if it is this call's turn."""
        if self.passes[method]:
            self.passes[method] -= 1
        elif self.refusals[method]:
            status, body, headers = self.refusals[method].popleft()
            self.calls.append(Call(method, args, token, refused=True))
            return web.json_response(body, status=status, headers=headers)
        self.calls.append(Call(method, args, token))
        return None

    def _answer(self, method: str, args: dict[str, Any], token: str = "") -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        team = self.teams.get(token, {"team_id": TEAM, "team": "Acme", "user_id": BOT_USER})
        if method == "auth.test":
            return ok | {"url": "https://acme.slack.com/", "user": "feedbot", "bot_id": "BBOT"} | team
        if method == "auth.revoke":  # the token is dead from now on
            self.dead.add(token)
            return ok | {"revoked": True}
        if method == "oauth.v2.access":
            return self.grants.pop(args.get("code", ""), {"ok": False, "error": "invalid_code"})
        if method == "users.info":
            user = self.users.get(args.get("user", ""))
            if user and user["team_id"] == team["team_id"]:  # a token sees its own workspace only
                return ok | {"user": user}
            return {"ok": False, "error": "user_not_found"}
        if method == "users.list":
            return ok | {"members": [u for u in self.users.values() if u["team_id"] == team["team_id"]],
                         "response_metadata": {"next_cursor": ""}}
        if method == "conversations.open":
            return ok | {"channel": {"id": "D" + str(args.get("users", "")).lstrip("UW")}}
        if method == "chat.postMessage":
            return ok | {"channel": args.get("channel"), "ts": self.history.post(str(args.get("channel")), args)}
        if method == "chat.postEphemeral":
            return ok | {"message_ts": f"1700000000.{next(self._ids):06d}"}
        if method == "conversations.history":
            return self.history.read(args)
        if method in ("views.open", "views.publish", "views.update"):
            return ok | {"view": {"id": f"V{next(self._ids)}", **args.get("view", {})}}
        if method == "apps.connections.open":
            return ok | {"url": f"ws://127.0.0.1:{self.port}/socket"}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ids)}"
            return ok | {"upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            return ok | {"files": [{"id": f["id"], "title": f.get("title")} for f in args.get("files", [])]}
        return ok

    async def _response(self, request: web.Request) -> web.Response:
        args = json.loads(await request.text()) | {"url": request.path}
        return self._refuse("response", args) or web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Slack's side of a Socket Mode connection: hello, then envelopes pushed by tests; acks recorded."""
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"}})
        async for message in socket:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.calls.append(Call("socket.ack", json.loads(message.data)))
        return socket

    async def push(self, envelope: dict[str, Any], timeout: float = 5) -> dict[str, Any]:
        """Send an envelope over the open Socket Mode connection; returns the app's ack for it."""
        deadline = time.monotonic() + timeout
        while not self.sockets and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await self.sockets[-1].send_json(envelope)
        while time.monotonic() < deadline:
            for ack in self.called("socket.ack"):
                if ack.get("envelope_id") == envelope["envelope_id"]:
                    return ack
            await asyncio.sleep(0.01)
        raise TimeoutError(f"no ack for envelope {envelope['envelope_id']}")

    async def _count(self, request: web.Request) -> web.Response:
        return web.json_response(len(self.called(request.match_info["method"])))

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        self.calls.append(Call("upload", {"file": request.match_info["file"], "size": len(data),
                                          "png": data[:8] == b"\x89PNG\r\n\x1a\n"}))
        return web.Response(text="OK")


async def _arguments(request: web.Request) -> dict[str, Any]:
    """The Web API takes JSON (chat.postMessage from the SDK), form fields or query parameters; nested values
    (blocks, a view, files) arrive as JSON strings in a form and are recorded decoded either way."""
    body = await request.text()
    query = dict(request.query)  # the SDK sends some methods' arguments as query parameters
    if request.content_type == "application/json":
        args = query | json.loads(body or "{}")
    else:
        args = query | dict(parse_qsl(body, keep_blank_values=True))
    return {key: json.loads(value) if key in NESTED and isinstance(value, str) else value
            for key, value in args.items()}


NESTED = {"blocks", "view", "files", "metadata"}


# ---- Slack's other side: signed requests to feedbot, built from recorded payload shapes ----

PAYLOADS = Path(__file__).resolve().parent.parent / "payloads" / "slack"
SIGNING_SECRET = "test-signing-secret"
ACK_DEADLINE = aiohttp.ClientTimeout(total=3)  # Slack gives up on a request not answered within 3 seconds


def payload(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def signed_headers(body: str, content_type: str, *, secret: str = SIGNING_SECRET,
                   timestamp: int | None = None) -> dict[str, str]:
    """HMAC-SHA256 over "v0:{timestamp}:{body}" (PLATFORM §1.1)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class SlackEnv:
    """The real `feedbot serve` app with Slack mounted, the fake Web API it talks to, and ways to send it
    what Slack sends. Every send waits until the work started after the ack is done."""

    fake: FakeSlack
    platform: Any  # SlackPlatform
    deps: Any  # Deps
    server: Any  # RunningServer
    session: aiohttp.ClientSession
    events: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def events_url(self) -> str:
        return f"{self.server.url}/slack/events"

    @property
    def browser(self) -> tuple[aiohttp.ClientSession, str]:
        """What tests/slack_install_pages.py opens the install pages with."""
        return self.session, self.server.url

    async def post(self, body: str, content_type: str, headers: dict[str, str] | None = None,
                   **signing: Any) -> tuple[int, str]:
        all_headers = signed_headers(body, content_type, **signing) | (headers or {})
        async with self.session.post(self.events_url, data=body.encode(), headers=all_headers,
                                     timeout=ACK_DEADLINE) as response:
            text = await response.text()
        await self.platform.idle()
        return response.status, text

    async def command(self, command: str, text: str = "", user: str = "U0ANA", **fields: str) -> tuple[int, str]:
        form = payload("slash_command") | {"command": command, "text": text, "user_id": user,
                                            "response_url": self.fake.response_url(f"{user}-{command[1:]}")} | fields
        return await self.post(urlencode(form), "application/x-www-form-urlencoded")

    async def interactive(self, body: dict[str, Any]) -> tuple[int, str]:
        return await self.post(urlencode({"payload": json.dumps(body)}), "application/x-www-form-urlencoded")

    async def press(self, value: str, user: str = "U0ANA", *, home: bool = False) -> tuple[int, str]:
        """A button whose value is `value` (the command it stands for)."""
        body = payload("block_actions_home" if home else "block_actions")
        body["user"]["id"] = user
        body["actions"][0]["value"] = value
        if not home:
            body["response_url"] = self.fake.response_url(f"{user}-action")
        return await self.interactive(body)

    async def submit(self, modal: dict[str, Any], answers: dict[str, str], user: str = "U0ANA") -> tuple[int, str]:
        """Submit a modal feedbot opened (as views.open received it) with `answers` by input block id."""
        body = payload("view_submission")
        body["user"]["id"] = user
        body["view"] |= {"callback_id": modal["callback_id"], "private_metadata": modal.get("private_metadata", ""),
                         "blocks": modal["blocks"], "title": modal["title"]}
        values: dict[str, Any] = {}
        for block in modal["blocks"]:  # like Slack: every input is in the state, unanswered ones as null
            if block["type"] != "input":
                continue
            element, answer = block["element"], answers.get(block["block_id"])
            if element["type"] in ("radio_buttons", "static_select"):
                chosen = next((o for o in element["options"] if o["value"] == answer), None)
                values[block["block_id"]] = {"value": {"type": element["type"], "selected_option": chosen}}
            else:
                values[block["block_id"]] = {"value": {"type": "plain_text_input", "value": answer or None}}
        body["view"]["state"] = {"values": values}
        return await self.interactive(body)

    async def event(self, event: dict[str, Any], *, event_id: str | None = None,
                    retry: int | None = None) -> tuple[int, str]:
        envelope = payload("event_callback") | {"event": event,
                                                "event_id": event_id or f"Ev{next(self.events):010d}"}
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        return await self.post(json.dumps(envelope), "application/json", headers)

    async def count(self, model: type) -> int:
        """How many rows of `model` are stored."""
        async with self.deps.uow() as uow:
            return await uow.session.scalar(select(func.count()).select_from(model))

    def last_modal(self) -> dict[str, Any]:
        return self.fake.called("views.open")[-1]["view"]


def slack_settings(fake: FakeSlack, extra: dict[str, Any] | None = None, **slack: Any) -> Settings:
    return Settings.model_validate({
        "org": {"admins": ["admin@example.com"]},
        "privacy": {"secret_key": "test-secret"},
        "kudos": {"channel": "#kudos"},
        "slack": {"bot_token": "xoxb-test-token", "signing_secret": SIGNING_SECRET, "api_url": fake.api_url,
                  "messages_per_second_per_conversation": 1000, "messages_per_second": 1000} | slack,
    } | (extra or {}))


@asynccontextmanager
async def running_slack(database: Any, clock: Any, catalogs: Any, extra: dict[str, Any] | None = None,
                        setup: Callable[[FakeSlack], None] | None = None, hooks: dict[str, Any] | None = None,
                        **slack: Any) -> AsyncIterator[SlackEnv]:
    """Fake Slack up (`setup` fills it), then the real server with the Slack platform on it (the same
    start_server as serve)."""
    from adapters.platform import PlatformMessenger
    from adapters.server import start_server
    from adapters.slack import SlackPlatform
    from feedbot.app import build_deps

    fake = await FakeSlack().start()
    if setup is not None:
        setup(fake)
    try:
        settings = slack_settings(fake, extra, **slack)
        platform = SlackPlatform(settings, **(hooks or {}))
        deps = build_deps(settings, database, PlatformMessenger([platform]), clock=clock, catalogs=catalogs)
        server = await start_server(deps, [platform])
        try:
            async with aiohttp.ClientSession() as session:
                yield SlackEnv(fake, platform, deps, server, session)
        finally:
            await server.close()
    finally:
        await fake.close()


def add_people(fake: FakeSlack) -> None:
    fake.add_user("U0ANA", "ana@example.com", "Ana Andersson")
    fake.add_user("U0BO", "bo@example.com", "Bo Berg")
    fake.add_user("U0ADMIN", "admin@example.com", "Ada Admin")


CROWD = """email,name,manager_email,team,timezone,locale
ana@example.com,Ana Andersson,,Apps,UTC,en
bo@example.com,Bo Berg,ana@example.com,Apps,UTC,en
admin@example.com,Ada Admin,,People,UTC,en
cy@example.com,Cy Lund,ana@example.com,Apps,UTC,en
di@example.com,Di Holm,ana@example.com,Apps,UTC,en
"""


async def add_crowd(env: SlackEnv, directory: Path) -> None:
    """Five people in the org directory: enough for an "everyone" survey to reach the anonymity threshold."""
    (directory / "crowd.csv").write_text(CROWD, encoding="utf-8")
    await import_people(env.deps, directory / "crowd.csv")


@pytest.fixture
async def slack(database: Any, clock: Any, catalogs: Any) -> AsyncIterator[SlackEnv]:
    async with running_slack(database, clock, catalogs) as env:
        add_people(env.fake)
        yield env
