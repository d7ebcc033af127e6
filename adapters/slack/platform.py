"""Slack on `feedbot serve`: slack-bolt's AsyncApp behind POST /slack/events (or over Socket Mode), one
Web API client that retries 429s and connection errors, and the messenger for proactive sends.

Every request is acknowledged at once; the work runs after the ack, taken from a queue by a few workers
(stop waits for it). Only a modal submission waits for the core, because its inline errors are the ack.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.pacing import Pacer
from adapters.platform import PlatformError
from adapters.slack.blocks import BUTTON_ACTION
from adapters.slack.directory import link_accounts
from adapters.slack.errors import api_error
from adapters.slack.inbound import Inbound
from adapters.slack.messenger import SlackMessenger
from adapters.slack.modals import CALLBACK_ID
from adapters.slack.people import PLATFORM, Profiles
from bot.deps import Deps
from bot.settings import Settings

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


class SlackError(PlatformError):
    """Slack cannot be used as configured (a missing secret, a token Slack refuses)."""


class SlackPlatform:
    name = PLATFORM

    def __init__(self, settings: Settings) -> None:
        slack = settings.slack
        if slack.bot_token is None:
            raise SlackError("slack.bot_token is not set (env FEEDBOT_SLACK__BOT_TOKEN)")
        if slack.socket_mode and slack.app_token is None:
            raise SlackError("slack.socket_mode needs slack.app_token (env FEEDBOT_SLACK__APP_TOKEN)")
        if not slack.socket_mode and slack.signing_secret is None:
            raise SlackError("slack.signing_secret is not set (env FEEDBOT_SLACK__SIGNING_SECRET)")
        self.settings = settings
        self.retry_handlers: list[AsyncRetryHandler] = [
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=slack.rate_limit_retries)]
        self.client = AsyncWebClient(token=slack.bot_token.get_secret_value(), base_url=slack.api_url,
                                     retry_handlers=self.retry_handlers)
        self.profiles = Profiles(self.client, slack.profile_cache_seconds)
        self.messenger = SlackMessenger(self.client, Pacer(slack.messages_per_second_per_conversation,
                                                           slack.messages_per_second))
        # Token checked in start() (auth.test), so building the app never touches the network.
        self.app = AsyncApp(client=self.client, process_before_response=True,
                            signing_secret=slack.signing_secret.get_secret_value() if slack.signing_secret else None,
                            request_verification_enabled=not slack.socket_mode)
        self.bot_user = ""
        self.inbound: Inbound | None = None
        # Work after the ack waits here for one of a few workers: a burst of commands is acked at once and
        # then worked off at the database's pace, instead of a thousand tasks crowding out the next acks.
        self.work: asyncio.Queue[Coroutine[Any, Any, None]] = asyncio.Queue()
        self.workers: list[asyncio.Task[None]] = []
        self._socket: Any = None
        self._listen()

    # ---- Platform ----

    def mount(self, app: web.Application, deps: Deps) -> None:
        self._bind(deps)
        if not self.settings.slack.socket_mode:
            app.router.add_post(EVENTS_PATH, self._http)

    async def start(self, deps: Deps) -> None:
        self._bind(deps)
        if self.client.session is None:  # one connection pool for every call (created on the running loop)
            self.client.session = aiohttp.ClientSession()
        try:
            auth = await self.client.auth_test()
        except SlackApiError as exc:
            raise SlackError(f"Slack refused the bot token: {api_error(exc)}") from None
        self.bot_user = auth.get("user_id") or ""
        self.messenger.bind(deps, auth.get("team_id") or "")
        self._spawn(link_accounts(deps, self.client, auth.get("team_id") or ""))
        if self.settings.slack.socket_mode:
            from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

            app_token = self.settings.slack.app_token
            assert app_token is not None
            self._socket = AsyncSocketModeHandler(self.app, app_token.get_secret_value(), web_client=self.client)
            await self._socket.connect_async()
        log.info("Slack: connected to workspace %s as %s%s", auth.get("team_id"), self.bot_user,
                 " over Socket Mode" if self._socket else "")

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        await self.idle()
        for worker in self.workers:
            worker.cancel()
        await asyncio.gather(*self.workers, return_exceptions=True)
        self.workers.clear()
        if self.client.session is not None:
            await self.client.session.close()
            self.client.session = None

    def owns_channel(self, channel: str) -> bool:
        return self.messenger.owns_channel(channel)

    async def idle(self) -> None:
        """Wait until the work of earlier requests is done (shutdown, tests)."""
        await self.work.join()

    # ---- wiring ----

    def _bind(self, deps: Deps) -> None:
        if self.inbound is None or self.inbound.deps is not deps:
            self.inbound = Inbound(deps, self.profiles, self.messenger, self.retry_handlers)
            if self.messenger.deps is None:
                self.messenger.bind(deps, "")

    async def _http(self, request: web.Request) -> web.Response:
        return await to_aiohttp_response(await self.app.async_dispatch(await to_bolt_request(request)))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Queue work to run after the ack (workers are started with the first piece of work)."""
        if not self.workers:
            self.workers = [asyncio.create_task(self._worker()) for _ in range(self.settings.slack.workers)]
        self.work.put_nowait(work)

    async def _worker(self) -> None:
        while True:
            work = await self.work.get()
            try:
                await work
            except Exception:  # a failing request must not stop the worker; its traceback is in the log
                log.exception("Slack: handling a request failed")
            finally:
                self.work.task_done()

    def _listen(self) -> None:
        app = self.app

        @app.middleware
        async def once(body: dict[str, Any], next: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse:
            """Slack retries an event it thinks was lost (X-Slack-Retry-Num); handle each event_id once,
            across restarts and processes (a unique row per id)."""
            event_id = body.get("event_id")
            if event_id and self.inbound is not None:
                deps = self.inbound.deps
                async with deps.uow() as uow:
                    first = await uow.inbound.first_time(PLATFORM, str(event_id), deps.clock.now())
                if not first:
                    return BoltResponse(status=200, body="")
            return await next()

        @app.command(re.compile(r"^/"))
        async def command(ack: Callable[[], Awaitable[None]], body: dict[str, Any]) -> None:
            await ack()
            self._spawn(self._inbound().command(body))

        @app.action(re.compile("^" + re.escape(BUTTON_ACTION)))
        async def button(ack: Callable[[], Awaitable[None]], body: dict[str, Any]) -> None:
            await ack()
            self._spawn(self._inbound().action(body))

        @app.view_submission(CALLBACK_ID)
        async def submission(ack: Callable[..., Awaitable[None]], body: dict[str, Any]) -> None:
            response, views, where = await self._inbound().submission(body)
            await ack(**response)
            if views:
                self._spawn(self._inbound().after_submission(views, where))

        @app.event("app_home_opened")
        async def home(body: dict[str, Any]) -> None:
            self._spawn(self._inbound().home_opened(body["event"], body.get("team_id", "")))

        @app.event("message")
        @app.event("app_mention")
        async def message(body: dict[str, Any]) -> None:
            self._spawn(self._inbound().message(body["event"], body.get("team_id", ""), self.bot_user))

        @app.event(re.compile(".*"))
        async def other(body: dict[str, Any]) -> None:
            """Anything else subscribed (app_uninstalled, tokens_revoked): acknowledged, so Slack does not retry."""
            log.info("Slack event %s acknowledged", body.get("event", {}).get("type"))

    def _inbound(self) -> Inbound:
        if self.inbound is None:
            raise SlackError("SlackPlatform.mount() or start() must run before requests arrive")
        return self.inbound
