"""Proactive Slack messages: DMs through `conversations.open` (the channel id is kept on the account), channel
posts, chart images, all paced; Slack's refusals become DeliveryErrors the outbox understands."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.pacing import Pacer
from adapters.slack.blocks import MORE, SlackIds, chart_filename, pages, render_blocks
from adapters.slack.errors import api_error
from adapters.slack.people import PLATFORM
from bot.charts import render_png
from bot.deps import Deps
from bot.outbox import Address, DeliveryError, Recipient
from bot.views import MENTION, View

log = logging.getLogger(__name__)

# Errors that retrying cannot fix: the person left, the channel is gone, the bot may not post there.
PERMANENT = {"user_not_found", "account_inactive", "user_disabled", "cannot_dm_bot", "channel_not_found",
             "is_archived", "not_in_channel", "restricted_action", "invalid_blocks", "msg_too_long",
             "no_text", "team_access_not_granted", "missing_scope"}
ACCOUNT_GONE = {"user_not_found", "account_inactive", "user_disabled", "cannot_dm_bot"}
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")


class SlackMessenger:
    def __init__(self, client: AsyncWebClient, pacer: Pacer) -> None:
        self.client = client
        self.pacer = pacer
        self.deps: Deps | None = None
        self.workspace = ""  # the bot's own workspace (auth.test), for channel posts

    def bind(self, deps: Deps, workspace: str) -> None:
        self.deps, self.workspace = deps, workspace

    @staticmethod
    def owns_channel(channel: str) -> bool:
        """Slack channels are configured as #name or by id (C…, G…)."""
        return channel.startswith("#") or bool(CHANNEL_ID.match(channel))

    async def send(self, recipient: Recipient, view: View) -> None:
        if recipient.channel:
            await self.post(recipient.channel, view, self.workspace)
            return
        account = next((a for a in recipient.accounts if a.platform == PLATFORM and not a.unreachable), None)
        if account is None:
            raise DeliveryError("no reachable Slack account", permanent=True)
        channel = (account.data or {}).get("channel") or await self.open_dm(account.workspace, account.user_id)
        await self.post(channel, view, account.workspace, account=account)

    async def send_to_user(self, workspace: str, user_id: str, view: View) -> None:
        """A reply that has no response_url (a modal, the Home tab): by DM."""
        await self.post(await self.dm_channel(workspace, user_id), view, workspace)

    async def dm_channel(self, workspace: str, user_id: str) -> str:
        async with self._deps().uow() as uow:
            account = await uow.people.account(PLATFORM, workspace, user_id)
        cached = (account.address or {}).get("channel") if account is not None else None
        return cached or await self.open_dm(workspace, user_id)

    async def open_dm(self, workspace: str, user_id: str) -> str:
        """conversations.open, remembered on the account so the next message skips it."""
        address = Address(PLATFORM, workspace, user_id)
        response = await self.call(self.client.conversations_open, account=address, users=user_id)
        channel = response["channel"]["id"]
        deps = self._deps()
        async with deps.uow() as uow:
            await uow.people.set_address(PLATFORM, workspace, user_id, {"channel": channel}, deps.clock.now())
        return channel

    async def post(self, channel: str, view: View, workspace: str, *, account: Address | None = None,
                   ephemeral_user: str | None = None) -> None:
        """The view as one or more messages (Block Kit limits), then its charts as images."""
        ids = await self.slack_ids(view, workspace)
        more = self.translate(view, MORE)
        for page in pages(view, ids, more):
            await self.pacer.wait(channel)
            if ephemeral_user:
                await self.call(self.client.chat_postEphemeral, account=account, channel=channel,
                                user=ephemeral_user, **page.payload())
            else:
                await self.call(self.client.chat_postMessage, account=account, channel=channel,
                                unfurl_links=False, **page.payload())
        await self.upload_charts(channel, view, account)

    async def upload_charts(self, channel: str, view: View, account: Address | None = None) -> None:
        for chart in render_blocks(view, {}).charts:
            png = await asyncio.to_thread(render_png, chart)
            await self.pacer.wait(channel)
            await self.call(self.client.files_upload_v2, account=account, channel=channel, file=png,
                            filename=chart_filename(chart), title=chart.title)

    async def slack_ids(self, view: View, workspace: str) -> SlackIds:
        """Person uid → Slack user id in `workspace`, for the people the view mentions."""
        uids = {m.group(1) for m in MENTION.finditer(view.model_dump_json())}
        if not uids:
            return {}
        async with self._deps().uow() as uow:
            people = await uow.people.by_uids(list(uids))
            accounts = await uow.people.accounts_of_many([p.id for p in people])
        return {p.uid: a.user_id for p in people for a in accounts.get(p.id, [])
                if a.platform == PLATFORM and a.workspace == workspace}

    def translate(self, view: View, msgid: str) -> str:
        deps = self._deps()
        return deps.catalogs.translator(view.locale or deps.settings.org.default_locale)(msgid)

    async def call(self, method: Callable[..., Awaitable[AsyncSlackResponse]], *, account: Address | None = None,
                   **kwargs: Any) -> AsyncSlackResponse:
        """One Web API call (the client already retried 429s and connection errors in place)."""
        try:
            return await method(**kwargs)
        except SlackApiError as exc:
            error = str(api_error(exc) or f"HTTP {exc.response.status_code}")
            if exc.response.status_code == 429:
                retry_after = float(exc.response.headers.get("Retry-After") or 1)
                raise DeliveryError("rate limited by Slack", retry_after=retry_after) from None
            if error in ACCOUNT_GONE and account is not None:
                await self._unreachable(account)
            raise DeliveryError(error, permanent=error in PERMANENT) from None
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise DeliveryError(f"Slack unreachable: {type(exc).__name__}") from None

    async def _unreachable(self, account: Address) -> None:
        deps = self._deps()
        async with deps.uow() as uow:
            await uow.people.mark_unreachable(PLATFORM, account.workspace, account.user_id, deps.clock.now())

    def _deps(self) -> Deps:
        if self.deps is None:
            raise RuntimeError("SlackPlatform.start() binds the messenger before anything is sent")
        return self.deps
