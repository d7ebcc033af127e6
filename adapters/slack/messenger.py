"""Proactive Slack messages: DMs through `conversations.open` (the channel id is kept on the account), channel
posts, chart images, all paced; Slack's refusals become DeliveryErrors the outbox understands.

Nothing twice: a view too long for one message goes out as several, and only a refusal of the first can
make the outbox try the view again; the later parts are retried here, so a retry never repeats a part
already out. chat.postMessage has no idempotency key, so each outbox message carries its row's mark in its
metadata, and a row whose sender died while sending it is looked for in the DM before it is sent again
(adapters/slack/history.py). One case stays open: a message Slack took whose answer was lost on the way back
(the connection dropped) is sent again — feedbot prefers that to losing it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.metrics import RATE_LIMITED
from adapters.pacing import Limiter, Pacer
from adapters.slack.blocks import MORE, SlackIds, chart_filename, pages, render_blocks
from adapters.slack.errors import UNREACHABLE, api_error
from adapters.slack.history import find_marked, marked, searchable
from adapters.slack.installs import NotInstalled, OnRevoked, Workspaces
from adapters.slack.people import PLATFORM
from bot.kernel.charts import render_png
from bot.kernel.context import Deps
from bot.kernel.outbox import Address, DeliveryError, Receipt, Recipient
from bot.kernel.views import MENTION, View

log = logging.getLogger(__name__)

# Errors that retrying cannot fix: the person left, the channel is gone, the bot may not post there.
PERMANENT = {"user_not_found", "account_inactive", "user_disabled", "cannot_dm_bot", "channel_not_found",
             "is_archived", "not_in_channel", "restricted_action", "invalid_blocks", "msg_too_long",
             "no_text", "team_access_not_granted", "missing_scope", "message_not_found", "cant_delete_message",
             "cant_update_message", "edit_window_closed"}
ACCOUNT_GONE = {"user_not_found", "account_inactive", "user_disabled", "cannot_dm_bot"}
PART_ATTEMPTS = 3  # a later part of a long message, after the client's own retries
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
# With OAuth installs: the workspace's token is dead (uninstalled, revoked), whatever event may have been missed.
TOKEN_GONE = {"token_revoked", "invalid_auth", "account_inactive", "not_authed", "team_disabled"}


class SlackMessenger:
    """One client (one connection pool) for every workspace: with OAuth installs (`workspaces`) each call carries
    its workspace's token, and each workspace has its own pacing budget."""

    def __init__(self, client: AsyncWebClient, pacer: Pacer, workspaces: Workspaces | None = None) -> None:
        self.client = client
        self.pacer = pacer
        self.workspaces = workspaces
        self.on_revoked: OnRevoked | None = None  # token mode: told when Slack refuses the token (an uninstall missed)
        self.pacers: dict[str, Pacer] = {}
        self.deps: Deps | None = None
        self.workspace = ""  # the bot's own workspace (auth.test), for channel posts
        self.stopping = False  # shutting down: messages not yet begun stay in the outbox

    def share_pacing(self, shared: Limiter | None) -> None:
        """Pace with every replica (None: this process alone)."""
        self.pacer.share(shared, PLATFORM)
        for workspace, pacer in self.pacers.items():
            pacer.share(shared, f"{PLATFORM}:{workspace}")

    def bind(self, deps: Deps, workspace: str) -> None:
        self.deps, self.workspace = deps, workspace

    async def auth(self, workspace: str) -> dict[str, str]:
        """The `token=` of a call in `workspace` with OAuth installs; nothing with one bot token (the client's)."""
        if self.workspaces is None:
            return {}
        try:
            return {"token": (await self.workspaces.credentials(workspace)).token}
        except NotInstalled:
            raise not_installed(workspace, "removed, or its token revoked") from None

    def paced(self, workspace: str) -> Pacer:
        """The pacer of `workspace`'s budget (one bot token: the one budget)."""
        if self.workspaces is None:
            return self.pacer
        if workspace not in self.pacers:
            self.pacers[workspace] = self.pacer.sibling(f"{PLATFORM}:{workspace}")
        return self.pacers[workspace]

    @staticmethod
    def owns_channel(channel: str) -> bool:
        """Slack channels are configured as #name or by id (C…, G…)."""
        return channel.startswith("#") or bool(CHANNEL_ID.match(channel))

    async def send(self, recipient: Recipient, view: View) -> Receipt:
        return await self.send_once(recipient, view, None)

    async def send_once(self, recipient: Recipient, view: View, mark: str | None) -> Receipt:
        """The view sent, its messages carrying `mark` (see `sent_before`); the receipt names them (channel and ts),
        to update or delete them later."""
        if self.stopping:
            raise DeliveryError("shutting down", retry_after=0)
        if recipient.channel:
            workspace, channel, account = await self.channel_workspace(), recipient.channel, None
        else:
            account = recipient.reachable(PLATFORM)
            if account is None:
                raise DeliveryError("no reachable Slack account", permanent=True)
            workspace = account.workspace
            channel = (account.data or {}).get("channel") or await self.open_dm(account.workspace, account.user_id)
        posted = await self.post(channel, view, workspace, account=account, mark=mark)
        return {"platform": PLATFORM, "workspace": workspace, "channel": posted[0][0] if posted else channel,
                "ts": [ts for _, ts in posted]}

    async def channel_workspace(self) -> str:
        """Where a configured channel is: the bot's workspace; with OAuth installs, the one installed workspace."""
        if self.workspaces is None or self.workspace:
            return self.workspace
        sole = await self.workspaces.sole()
        if sole is None:
            raise DeliveryError("a channel post with OAuth installs needs exactly one installed workspace: not sent",
                                permanent=True)
        return sole

    async def sent_before(self, recipient: Recipient, mark: str, since: datetime) -> Receipt | None:
        """The receipt of the messages carrying `mark` posted since `since` in the recipient's DM; None when there
        are none, or they cannot be looked for (a channel, a DM never opened, Slack refusing the lookup): then the
        message is sent, since a message twice is better than none."""
        account = recipient.reachable(PLATFORM)
        channel = recipient.channel or ((account.data or {}).get("channel") if account is not None else None)
        if not channel or not searchable(channel):
            return None
        workspace = account.workspace if account is not None else self.workspace
        await self.paced(workspace).wait("conversations.history")  # Tier 3 (about 50 a minute), like conversations.open
        try:
            found = await find_marked(partial(self.call, self.client.conversations_history, workspace=workspace),
                                      channel, mark, since)
        except DeliveryError as exc:
            log.warning("Slack: could not look for a message that may have been sent (%s): sending it", exc)
            return None
        if not found:
            return None
        return {"platform": PLATFORM, "workspace": workspace, "channel": channel, "ts": found}

    async def amend(self, receipt: Receipt, view: View | None) -> bool:
        """chat.delete every message of an earlier send (None), or chat.update it when the new view fits the
        one message it was; False when it cannot be changed in place (a notice goes instead)."""
        if receipt.get("platform") != PLATFORM or not receipt.get("ts"):
            return False
        channel, stamps = str(receipt["channel"]), [str(ts) for ts in receipt["ts"]]
        workspace = str(receipt.get("workspace", ""))
        if view is None:
            for ts in stamps:
                await self.paced(workspace).wait(channel)
                try:
                    await self.call(self.client.chat_delete, workspace=workspace, channel=channel, ts=ts)
                except DeliveryError as exc:
                    if str(exc) != "message_not_found":  # already gone is withdrawn all the same
                        raise
            return True
        new = pages(view, await self.slack_ids(view, workspace), self.translate(view, MORE))
        if len(new) != 1 or len(stamps) != 1:
            return False
        await self.paced(workspace).wait(channel)
        await self.call(self.client.chat_update, workspace=workspace, channel=channel, ts=stamps[0],
                        **new[0].payload())
        return True

    async def send_to_user(self, workspace: str, user_id: str, view: View, skip: int = 0) -> None:
        """A reply that has no response_url (a modal, the Home tab), or whose response_url took only the
        first `skip` parts: by DM."""
        await self.post(await self.dm_channel(workspace, user_id), view, workspace, skip=skip)

    async def dm_channel(self, workspace: str, user_id: str) -> str:
        async with self._deps().uow() as uow:
            account = await uow.people.account(PLATFORM, workspace, user_id)
        cached = (account.address or {}).get("channel") if account is not None else None
        return cached or await self.open_dm(workspace, user_id)

    async def open_dm(self, workspace: str, user_id: str) -> str:
        """conversations.open, remembered on the account so the next message skips it."""
        address = Address(PLATFORM, workspace, user_id)
        await self.paced(workspace).wait("conversations.open")  # Tier 3 (about 50 a minute): like one conversation
        response = await self.call(self.client.conversations_open, workspace=workspace, account=address,
                                   users=user_id)
        channel = response["channel"]["id"]
        deps = self._deps()
        async with deps.uow() as uow:
            await uow.people.set_address(PLATFORM, workspace, user_id, {"channel": channel}, deps.clock.now())
        return channel

    async def post(self, channel: str, view: View, workspace: str, *, account: Address | None = None,
                   ephemeral_user: str | None = None, skip: int = 0, mark: str | None = None) -> list[tuple[str, str]]:
        """The view as one or more messages (Block Kit limits), from part `skip` on, then its charts as
        images. Only a refusal of the first message is raised; the rest belongs to a message already begun
        (see the module's note). `mark` names the outbox row in each message's metadata. Returns (channel id,
        ts) of each message posted."""
        metadata = {"metadata": marked(mark)} if mark else {}
        ids = await self.slack_ids(view, workspace)
        posted: list[tuple[str, str]] = []
        for number, page in enumerate(pages(view, ids, self.translate(view, MORE))[skip:]):
            if ephemeral_user:
                send = partial(self.call, self.client.chat_postEphemeral, workspace=workspace, account=account,
                               channel=channel, user=ephemeral_user, **page.payload())
            else:
                send = partial(self.call, self.client.chat_postMessage, workspace=workspace, account=account,
                               channel=channel, unfurl_links=False, **metadata, **page.payload())
            await self.paced(workspace).wait(channel)
            response = await (send() if number == 0 else self._go_on(send))
            if response is not None and not ephemeral_user and response.get("ts"):
                posted.append((str(response.get("channel") or channel), str(response["ts"])))
        await self.upload_charts(channel, view, workspace, account)
        return posted

    async def upload_charts(self, channel: str, view: View, workspace: str, account: Address | None = None) -> None:
        """A view's charts as images after its text (never raises: the text is out already)."""
        for chart in render_blocks(view, {}).charts:
            png = await asyncio.to_thread(render_png, chart)
            await self.paced(workspace).wait(channel)
            await self._go_on(partial(self.call, self.client.files_upload_v2, workspace=workspace, account=account,
                                      channel=channel, file=png, filename=chart_filename(chart), title=chart.title))

    async def _go_on(self, send: Callable[[], Awaitable[Any]]) -> Any:
        """A later part of a message already begun: tried again here a few times, then given up with a log
        line, never raised (the outbox would send the parts already out a second time)."""
        for attempt in range(1, PART_ATTEMPTS + 1):
            try:
                return await send()
            except DeliveryError as exc:
                if exc.permanent or attempt == PART_ATTEMPTS:
                    log.warning("Slack: part of a message was not sent: %s", exc)
                    return None
                await asyncio.sleep(attempt if exc.retry_after is None else exc.retry_after)
        return None

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

    async def call(self, method: Callable[..., Awaitable[AsyncSlackResponse]], *, workspace: str,
                   account: Address | None = None, **kwargs: Any) -> AsyncSlackResponse:
        """One Web API call in `workspace` (the client already retried 429s and connection errors in place)."""
        token = await self.auth(workspace)
        try:
            return await method(**kwargs, **token)
        except SlackApiError as exc:
            error = api_error(exc)
            if exc.response.status_code == 429:
                RATE_LIMITED.labels(PLATFORM).inc()
                retry_after = float(exc.response.headers.get("Retry-After") or 1)
                raise DeliveryError("rate limited by Slack", retry_after=retry_after) from None
            revoke = self.workspaces.revoke if self.workspaces is not None else self.on_revoked
            if error in TOKEN_GONE and revoke is not None:
                await revoke(workspace, f"Slack refused the token ({error})")
                raise not_installed(workspace, error) from None
            if error in ACCOUNT_GONE and account is not None:
                await self._unreachable(account)
            raise DeliveryError(error, permanent=error in PERMANENT) from None
        except UNREACHABLE as exc:
            raise DeliveryError(f"Slack unreachable: {api_error(exc)}") from None

    async def _unreachable(self, account: Address) -> None:
        deps = self._deps()
        async with deps.uow() as uow:
            await uow.people.mark_unreachable(PLATFORM, account.workspace, account.user_id, deps.clock.now())

    def _deps(self) -> Deps:
        if self.deps is None:
            raise RuntimeError("SlackPlatform.start() binds the messenger before anything is sent")
        return self.deps


def not_installed(workspace: str, why: str) -> DeliveryError:
    """What a delivery to a workspace without a usable install ends with (given up, not retried)."""
    return DeliveryError(f"feedbot is not installed in Slack workspace {workspace or '?'} ({why}): not sent",
                         permanent=True)
