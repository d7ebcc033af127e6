"""Slack on `feedbot serve`: slack-bolt's AsyncApp behind POST /slack/events (or over Socket Mode), one
Web API client that retries 429s and connection errors, and the messenger for proactive sends.

Every request is acknowledged at once; the work runs after the ack, taken from a queue by a few workers
(after_ack.py; stop waits for it). Only a modal submission waits for the core, because its inline errors are the ack.
What the core leaves in the outbox is sent by one task of its own, so a long fan-out never holds up replies.

Events Slack delivers again are handled at most once: the event id is recorded before the work, so a retry
that arrives while the first delivery is still being worked on is not done twice. The price: a crash between
the ack and the end of the work loses that work (Slack does not resend what it got a 200 for anyway); the
person sees no answer and types again. A stopping server answers 503 without recording anything, so Slack
resends the event to a process that is still running; so does a server whose database cannot be reached when
the event id is to be recorded. Work already acknowledged waits for the database (adapters/outage.py).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.outage import Patience
from adapters.pacing import Pacer
from adapters.platform import OutboxSender, PlatformError
from adapters.slack.after_ack import AfterAck
from adapters.slack.blocks import BUTTON_ACTION
from adapters.slack.directory import link_accounts
from adapters.slack.errors import CALL_FAILED, api_error
from adapters.slack.inbound import Inbound
from adapters.slack.installs import Installed, OnRevoked, Workspaces
from adapters.slack.messenger import SlackMessenger
from adapters.slack.modals import CALLBACK_ID
from adapters.slack.oauth import REVOCATIONS, Installer, OnInstalled, nothing, revoked
from adapters.slack.people import PLATFORM, Profiles
from adapters.slack.retries import CountedRateLimitRetries
from adapters.slack.shapes import BadRequest, check, refusal
from bot.kernel.context import Deps
from bot.kernel.settings import Settings
from storage.db import unavailable

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


class SlackError(PlatformError):
    """Slack cannot be used as configured (a missing secret, a token Slack refuses)."""


class SlackPlatform:
    name = PLATFORM

    def __init__(self, settings: Settings, on_installed: OnInstalled = nothing,
                 on_revoked: OnRevoked | None = None) -> None:
        """`on_installed`: called after a workspace installed feedbot through OAuth (slack.client_id …).
        `on_revoked`: in token mode, told of an uninstall (the OAuth installs are revoked here)."""
        slack = settings.slack
        if slack.bot_token is None and not slack.oauth:
            raise SlackError("slack.bot_token is not set (env FEEDBOT_SLACK__BOT_TOKEN), nor slack.client_id, "
                             "client_secret and signing_secret for OAuth installs")
        if slack.socket_mode and slack.app_token is None:
            raise SlackError("slack.socket_mode needs slack.app_token (env FEEDBOT_SLACK__APP_TOKEN)")
        if not slack.socket_mode and slack.signing_secret is None:
            raise SlackError("slack.signing_secret is not set (env FEEDBOT_SLACK__SIGNING_SECRET)")
        self.settings, self.on_revoked = settings, on_revoked
        self.retry_handlers: list[AsyncRetryHandler] = [
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            CountedRateLimitRetries(max_retry_count=slack.rate_limit_retries)]
        self.client = AsyncWebClient(token=slack.bot_token.get_secret_value() if slack.bot_token else None,
                                     base_url=slack.api_url, retry_handlers=self.retry_handlers)
        self.workspaces = Workspaces() if slack.oauth else None  # None: the one workspace of the bot token
        self.messenger = SlackMessenger(self.client, Pacer(slack.messages_per_second_per_conversation,
                                                           slack.messages_per_second), self.workspaces)
        self.messenger.on_revoked = on_revoked
        self.profiles = Profiles(self.client, slack.profile_cache_seconds, auth=self.messenger.auth)
        self.installer = (Installer(settings, self.client, self.workspaces, on_installed, self._installed)
                          if self.workspaces is not None else None)
        # Token checked in start() (auth.test), so building the app never touches the network.
        self.verifier = SignatureVerifier(slack.signing_secret.get_secret_value()) if slack.signing_secret else None
        self.app = AsyncApp(client=self.client, process_before_response=True,
                            signing_secret=slack.signing_secret.get_secret_value() if slack.signing_secret else None,
                            request_verification_enabled=not slack.socket_mode,
                            **self.installer.bolt_options() if self.installer is not None else {})
        self.bot_user = ""
        self.inbound: Inbound | None = None
        # Whatever a request left in the outbox for others goes out after it, even if its reply failed.
        self.after_ack = AfterAck(slack.workers, lambda: self.outbox.kick() if self.outbox is not None else None)
        self.stopping = False
        self.outbox: OutboxSender | None = None  # with the deps, in _bind
        self._linking: asyncio.Task[None] | None = None
        self._socket: Any = None
        _quiet_sdk_logs()
        self._listen()

    # ---- Platform ----

    def mount(self, app: web.Application, deps: Deps) -> None:
        self._bind(deps)
        if not self.settings.slack.socket_mode:
            app.router.add_post(EVENTS_PATH, self.handle)
        if self.installer is not None:
            self.installer.mount(app, deps)

    async def start(self, deps: Deps) -> None:
        self._bind(deps)
        if self.client.session is None:  # one connection pool for every call (created on the running loop)
            self.client.session = aiohttp.ClientSession()
        if self.installer is not None:
            self.installer.bind(deps)
            log.info("Slack: installed through OAuth in %d workspaces", await self.installer.count())
            return
        try:
            auth = await self.client.auth_test()
        except CALL_FAILED as exc:
            await self.stop()  # nothing runs yet but the connection pool
            problem = ("refused the bot token" if isinstance(exc, SlackApiError)
                       else f"cannot be reached at {self.settings.slack.api_url}")
            raise SlackError(f"Slack {problem}: {api_error(exc)}") from None
        self.bot_user = auth.get("user_id") or ""
        self.messenger.bind(deps, auth.get("team_id") or "")
        self._linking = asyncio.create_task(self._link_accounts(deps, auth.get("team_id") or ""))
        if self.settings.slack.socket_mode:
            from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

            app_token = self.settings.slack.app_token
            assert app_token is not None
            self._socket = AsyncSocketModeHandler(self.app, app_token.get_secret_value(), web_client=self.client)
            await self._socket.connect_async()
        log.info("Slack: connected to workspace %s as %s%s", auth.get("team_id"), self.bot_user,
                 " over Socket Mode" if self._socket else "")

    async def stop(self) -> None:
        """Take no new requests, finish the work already acknowledged, then close. Messages not yet begun
        stay in the outbox for the next process (or this one's restart)."""
        self.stopping = self.messenger.stopping = True
        if self.outbox is not None:
            self.outbox.stopping = True
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        await self.idle()
        await self.after_ack.close()
        if self.client.session is not None:
            await self.client.session.close()
            self.client.session = None

    def owns_channel(self, channel: str) -> bool:
        return self.messenger.owns_channel(channel)

    async def idle(self) -> None:
        """Wait until the work of earlier requests, and the outbox sends it started, are done (shutdown, tests)."""
        while True:
            await self.after_ack.join()
            if self.outbox is not None:
                await self.outbox.idle()
            if self._linking is None or self._linking.done():
                return
            await self._linking

    # ---- wiring ----

    def _bind(self, deps: Deps) -> None:
        if self.inbound is None or self.inbound.deps is not deps:
            self.inbound = Inbound(deps, self.profiles, self.messenger, self.retry_handlers,
                                   Patience(deps.settings.database.url, lambda: self.stopping))
            self.outbox = OutboxSender(deps)
            if self.messenger.deps is None:
                self.messenger.bind(deps, "")

    async def handle(self, request: web.Request) -> web.Response:
        """One request posted to EVENTS_PATH."""
        if self.stopping:  # before the signature and the event id are looked at: Slack resends it elsewhere
            return web.Response(status=503, text="shutting down")
        refused = await self._refuse(request)
        if refused is not None:
            return refused
        return await to_aiohttp_response(await self.app.async_dispatch(await to_bolt_request(request)))

    async def _refuse(self, request: web.Request) -> web.Response | None:
        """What bolt cannot parse, or our handlers cannot read, answered before them."""
        refused = refusal(self.verifier, await request.read(), dict(request.headers), request.content_type)
        if refused is None:
            return None
        status, reason = refused
        if status == 400:
            log.warning("Slack: refused a signed request: %s", reason)
        return web.json_response({"error": "invalid request" if status == 401 else "unexpected payload"},
                                 status=status)

    async def _installed(self, install: Installed) -> None:
        """A workspace installed feedbot: its people are linked in the background (the success page waits not)."""
        self._linking = asyncio.create_task(self._link_accounts(self.messenger._deps(), install.team_id))

    async def _link_accounts(self, deps: Deps, workspace: str) -> None:
        try:
            await link_accounts(deps, self.client, workspace, await self.messenger.auth(workspace))
        except Exception:  # a convenience: people are linked on first contact anyway
            log.exception("Slack: linking the org directory failed")

    def _listen(self) -> None:
        app = self.app

        @app.middleware
        async def once(body: dict[str, Any], next: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse:
            """Slack retries an event it thinks was lost (X-Slack-Retry-Num); handle each event_id once,
            across restarts and processes (a unique row per id). Socket Mode payloads are checked here (HTTP
            ones before bolt, in _refuse)."""
            try:
                check(body)
            except BadRequest as exc:
                log.warning("Slack: refused a request: %s", exc)
                return BoltResponse(status=400, body="")
            event_id = body.get("event_id")
            if event_id and self.inbound is not None:
                deps = self.inbound.deps
                try:
                    async with deps.uow() as uow:
                        first = await uow.inbound.first_time(PLATFORM, str(event_id), deps.clock.now())
                except Exception as exc:
                    reason = unavailable(exc, deps.settings.database.url)
                    if reason is None:
                        raise
                    # Nothing recorded, nothing acknowledged: Slack sends the event again (the database back by then).
                    log.warning("Slack: event %s answered 503, Slack will send it again: %s", event_id, reason)
                    return BoltResponse(status=503, body="")
                if not first:
                    return BoltResponse(status=200, body="")
            return await next()

        @app.command(re.compile(r"^/"))
        async def command(ack: Callable[[], Awaitable[None]], body: dict[str, Any]) -> None:
            await ack()
            self.after_ack.spawn(_who(body), self._inbound().command(body))

        @app.action(re.compile("^" + re.escape(BUTTON_ACTION)))
        async def button(ack: Callable[[], Awaitable[None]], body: dict[str, Any]) -> None:
            await ack()
            self.after_ack.spawn(_who(body), self._inbound().action(body))

        @app.view_submission(CALLBACK_ID)
        async def submission(ack: Callable[..., Awaitable[None]], body: dict[str, Any]) -> None:
            response, views, where = await self._inbound().submission(body)
            await ack(**response)
            # Then the outbox (the manager's copy).
            self.after_ack.spawn(_who(body), self._inbound().reply(views, where))

        @app.event("app_home_opened")
        async def home(body: dict[str, Any]) -> None:
            self.after_ack.spawn(_who(body), self._inbound().home_opened(body["event"], body.get("team_id", "")))

        @app.event("message")
        @app.event("app_mention")
        async def message(body: dict[str, Any], context: dict[str, Any]) -> None:
            bot_user = context.get("bot_user_id") or self.bot_user  # per workspace with OAuth installs
            self.after_ack.spawn(_who(body), self._inbound().message(body["event"], body.get("team_id", ""), bot_user))

        @app.event(re.compile(".*"))
        async def other(body: dict[str, Any]) -> None:
            """Anything else subscribed (app_uninstalled, tokens_revoked): acknowledged, so Slack does not retry."""
            kind = body.get("event", {}).get("type")
            if kind in REVOCATIONS:
                await revoked(body, self.installer, self.on_revoked)
            else:
                log.info("Slack event %s acknowledged", kind)

    def _inbound(self) -> Inbound:
        if self.inbound is None:
            raise SlackError("SlackPlatform.mount() or start() must run before requests arrive")
        return self.inbound


def _who(body: dict[str, Any]) -> str:
    """The Slack user a request comes from (commands: user_id; interactions: user.id; events: event.user)."""
    user = body.get("user_id") or body.get("user") or (body.get("event") or {}).get("user") or ""
    return str(user.get("id", "") if isinstance(user, dict) else user)


def _quiet_sdk_logs() -> None:
    """At DEBUG, slack_sdk and slack_bolt log whole payloads (survey answers, private feedback): keep them at
    INFO or above whatever the configured level."""
    for name in ("slack_sdk", "slack_bolt"):
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.INFO:
            logger.setLevel(logging.INFO)
