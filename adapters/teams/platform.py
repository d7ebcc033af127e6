"""Teams on `feedbot serve`: POST /api/messages, authenticated, and a messenger for proactive sends."""

from __future__ import annotations

import logging
from json import JSONDecodeError

import aiohttp
from aiohttp import web
from botbuilder.schema import Activity
from msrest.exceptions import DeserializationError

from adapters.platform import OutboxSender
from adapters.teams.auth import (
    BotToken,
    Forbidden,
    InboundAuth,
    KeysUnavailable,
    SigningKeys,
    TokenError,
    Unauthorized,
)
from adapters.teams.connector import TeamsAdapter, invoke_body
from adapters.teams.graph import Graph
from adapters.teams.messenger import RetryPolicy, TeamsMessenger
from adapters.teams.once import OnceMessenger
from adapters.teams.people import PLATFORM, Directory
from adapters.teams.shapes import BadActivity, checked
from adapters.teams.turns import TeamsTurns
from bot.kernel.context import Deps
from bot.kernel.settings import Settings
from storage.db import unavailable

log = logging.getLogger(__name__)

ROUTE = "/api/messages"


class TeamsPlatform:
    name = PLATFORM

    def __init__(self, settings: Settings, policy: RetryPolicy | None = None) -> None:
        self.settings = settings.teams
        self.policy = policy or RetryPolicy()
        self.session: aiohttp.ClientSession | None = None
        self.token: BotToken | None = None
        self.auth: InboundAuth | None = None
        self.adapter = TeamsAdapter(self.settings.app_id, self._bot_token)
        # With Graph to read chats back, every outbox message is marked and looked for after a replica died.
        messenger = OnceMessenger if self.settings.graph.enabled else TeamsMessenger
        self.messenger: TeamsMessenger = messenger(self.adapter, self.settings, self.policy)
        self.directory = Directory()
        self.outbox: OutboxSender | None = None  # with the deps, in start
        self.turns: TeamsTurns | None = None  # with the deps, in start or mount

    async def start(self, deps: Deps) -> None:
        self.session = aiohttp.ClientSession()
        self.token = BotToken(self.settings, self.session)
        self.auth = InboundAuth(self.settings, SigningKeys(self.settings.openid_metadata_url, self.session))
        self.messenger.deps = deps
        if isinstance(self.messenger, OnceMessenger):
            self.messenger.graph = Graph(self.settings, self.session)
        self.outbox = OutboxSender(deps)
        self._bind(deps)
        if self.auth.disabled:
            log.warning("TEAMS INBOUND AUTHENTICATION IS OFF: teams.app_id is empty and "
                        "teams.allow_unauthenticated is true. Anyone who can reach %s can act as anyone. "
                        "Local testing only — never in production.", ROUTE)

    def owns_channel(self, channel: str) -> bool:
        return self.messenger.owns_channel(channel)

    async def _bot_token(self) -> str:
        if self.token is None:
            raise RuntimeError("the Teams platform has not started")
        return await self.token.get()

    async def stop(self) -> None:
        await self.idle()
        if self.session is not None:
            await self.session.close()
            self.session = None

    async def idle(self) -> None:
        """Wait for the deliveries started after replies (tests, shutdown)."""
        if self.outbox is not None:
            await self.outbox.idle()

    def mount(self, app: web.Application, deps: Deps) -> None:
        self._bind(deps)
        app.router.add_post(ROUTE, self.handle)

    def _bind(self, deps: Deps) -> None:
        if self.turns is None or self.turns.deps is not deps:
            self.turns = TeamsTurns(deps, self.directory, self.messenger, self.policy)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """One activity posted to ROUTE."""
        turns = self.turns
        if self.auth is None or turns is None:
            raise web.HTTPServiceUnavailable(text="not started")
        if request.content_type != "application/json":
            raise web.HTTPUnsupportedMediaType(text="expected application/json")
        try:
            body = await request.json()
        except (JSONDecodeError, UnicodeDecodeError):
            raise web.HTTPBadRequest(text="not JSON") from None
        if not isinstance(body, dict) or not body.get("type"):
            raise web.HTTPBadRequest(text="not an activity")
        try:
            claims = await self.auth.verify(request.headers.get("Authorization", ""), body)
        except Unauthorized as exc:
            log.warning("rejected a Teams request: %s", exc)
            raise web.HTTPUnauthorized() from None
        except Forbidden as exc:
            log.warning("rejected a Teams request: %s", exc)
            raise web.HTTPForbidden() from None
        except KeysUnavailable:
            raise web.HTTPServiceUnavailable() from None
        try:
            body = checked(body)
            activity = Activity().deserialize(body)
        except BadActivity as exc:
            log.warning("refused a Teams activity: %s", exc)
            raise web.HTTPBadRequest(text="unexpected activity") from None
        except (DeserializationError, TypeError, ValueError, AttributeError) as exc:  # what msrest cannot read
            log.warning("refused a Teams activity: %s", type(exc).__name__)
            raise web.HTTPBadRequest(text="not an activity") from None
        try:
            response = await self.adapter.run(claims, activity, lambda tc: turns.on_turn(tc, body))
        except TokenError as exc:  # nothing ran yet: the Bot Connector may redeliver
            log.error("no token for the bot (check teams.app_id, teams.app_password): %s", exc)
            raise web.HTTPServiceUnavailable() from None
        except Exception as exc:
            reason = unavailable(exc, turns.deps.settings.database.url)
            if reason is None:
                raise
            log.warning("Teams: an activity was answered 503, nothing was saved: %s", reason)
            raise web.HTTPServiceUnavailable() from None
        if self.outbox is not None:  # messages the turn left for others go out after the reply
            self.outbox.kick()
        if response is None:
            return web.Response(status=201)
        return web.json_response(invoke_body(response), status=int(response.status))

