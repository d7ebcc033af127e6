"""Proactive Teams messages: prompts, reminders, digests and notifications, sent into each person's 1:1 chat.

The stored address (`Address.data`) is what the last activity from the person told us:
`{"service_url", "tenant", "user": "29:…", "bot": "28:…", "conversation": "a:…" | None}`. With a personal
conversation we continue it; without one (the person was only seen in a channel) we create it first and
store it. A refused send is retried in place a few times (429/412/502/504, honouring Retry-After); a person
who blocked or removed the bot (403) is marked unreachable and not retried.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from botbuilder.core import TurnContext
from botbuilder.schema import (
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
    ConversationReference,
)
from msrest.exceptions import HttpOperationError

from adapters.metrics import RATE_LIMITED
from adapters.pacing import Limiter, Pacer
from adapters.teams.auth import TokenError
from adapters.teams.cards import render_card
from adapters.teams.connector import CONNECTOR_ERRORS, RETRIED_STATUSES, TeamsAdapter, to_activity, transient
from adapters.teams.marks import marked
from adapters.teams.people import PLATFORM
from bot.kernel.outbox import Address, DeliveryError, Receipt, Recipient
from bot.kernel.settings import TeamsSettings
from bot.kernel.views import MENTION, View

if TYPE_CHECKING:
    from bot.kernel.context import Deps

log = logging.getLogger(__name__)

T = TypeVar("T")
TEAMS_CHANNEL = re.compile(r"^19:[^@\s]+@thread\.(tacv2|skype)$")
UNREACHABLE_STATUSES = {403}


@dataclass(frozen=True)
class RetryPolicy:
    """Microsoft's advice for the Bot Connector: a few retries, exponential backoff, ±20 % jitter."""

    retries: int = 3
    base_seconds: float = 2.0
    cap_seconds: float = 20.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep  # tests watch the waits here

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:  # never sooner than Teams asked; a little later, so retries do not bunch up
            return retry_after * random.uniform(1.0, 1.2)
        return min(self.base_seconds * 2 ** attempt, self.cap_seconds) * random.uniform(0.8, 1.2)


class Refused(Exception):
    """The Bot Connector refused a call; `status` is None when there was no usable answer."""

    def __init__(self, reason: str, status: int | None, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.retry_after = retry_after


async def with_retries(call: Callable[[], Awaitable[T]], policy: RetryPolicy) -> T:
    """Run one connector call, retrying what Teams says is worth retrying (the SDK's own retries are off)."""
    attempt = 0
    while True:
        try:
            return await call()
        except CONNECTOR_ERRORS as exc:  # an HTTP refusal, a non-JSON error page, a broken connection
            response = exc.response if isinstance(exc, HttpOperationError) else None
            refused = Refused(f"{type(exc).__name__}: {exc}", None if response is None else response.status_code,
                              None if response is None else _retry_after(response.headers))
            if refused.status == 429:
                RATE_LIMITED.labels(PLATFORM).inc()
            if not transient(exc) or attempt >= policy.retries or (refused.retry_after or 0) > policy.cap_seconds:
                raise refused from None  # a long Retry-After is the outbox's to wait, not a sender held in place
        await policy.sleep(policy.delay(attempt, refused.retry_after))
        attempt += 1


def _delivery_error(exc: Refused) -> DeliveryError:
    """Rate limits and gateway errors come back later; a refusal (400, 403, 404, 413) will not change."""
    permanent = exc.status is not None and exc.status not in RETRIED_STATUSES and exc.status != 401
    return DeliveryError(f"Teams refused ({exc.status or 'no answer'}): {exc}", permanent=permanent,
                         retry_after=exc.retry_after)


def receipt(service_url: str, conversation: str, activities: list[str]) -> Receipt:
    return {"platform": PLATFORM, "service_url": service_url, "conversation": conversation,
            "activities": [a for a in activities if a]}


def _id(response: Any) -> str:
    """The id Teams gave a sent activity (a ResourceResponse), if any."""
    return str(getattr(response, "id", "") or "")


def _retry_after(headers: Any) -> float | None:
    """Retry-After in seconds, as the Bot Connector sends it."""
    try:
        return max(float(headers.get("Retry-After")), 0.0)
    except (AttributeError, TypeError, ValueError):
        return None


class TeamsMessenger:
    def __init__(self, adapter: TeamsAdapter, settings: TeamsSettings, policy: RetryPolicy | None = None) -> None:
        self.adapter = adapter
        self.settings = settings
        self.policy = policy or RetryPolicy()
        self.pacers: dict[str, Pacer] = {}
        self.shared_pacing: Limiter | None = None
        self.last_seen = (settings.tenant_id, settings.service_url)  # tenant and Bot Connector of the last activity
        self.deps: Deps | None = None  # set when the platform starts

    @staticmethod
    def owns_channel(channel: str) -> bool:
        """Teams channels are configured by id, as in the channel's link: 19:…@thread.tacv2."""
        return bool(TEAMS_CHANNEL.match(channel))

    def share_pacing(self, shared: Limiter | None) -> None:
        """Pace with every replica (None: this process alone)."""
        self.shared_pacing = shared
        for tenant, pacer in self.pacers.items():
            pacer.share(shared, f"{PLATFORM}:{tenant}")

    def saw(self, tenant: str, service_url: str) -> None:
        if tenant and service_url and (not self.settings.tenant_id or tenant == self.settings.tenant_id):
            self.last_seen = (tenant, service_url)

    async def send(self, recipient: Recipient, view: View, mark: str | None = None) -> Receipt:
        """The view sent; the receipt names the activity, to update or delete it later. `mark` (an outbox row's)
        goes into a personal message's card, where Graph can find it (adapters/teams/once.py)."""
        if recipient.channel:
            return await self.post_to_channel(recipient.channel, view)
        account = recipient.reachable(PLATFORM)
        if account is None:
            raise DeliveryError("no reachable Teams account", permanent=True)
        return await self.send_to(account, [view], mark)

    async def send_to(self, account: Address, views: list[View], mark: str | None = None) -> Receipt:
        """Views into the person's 1:1 chat, paced; creates that chat when none is known yet."""
        address = account.data or {}
        if not address.get("service_url") or not address.get("user"):
            raise DeliveryError("this person has never talked to the bot on Teams", permanent=True)
        pacer = self._pacer(account.workspace)
        sent: list[str] = []
        try:
            for view in views:
                await pacer.wait(address.get("conversation") or address["user"])
                card = marked(render_card(view), mark)
                if address.get("conversation"):
                    sent.append(await self._continue(address, card))
                else:
                    address, activity = await self._create(account, address, card)
                    sent.append(activity)
        except TokenError as exc:
            raise DeliveryError(f"no bot token: {exc}") from None
        except Refused as exc:
            if exc.status in UNREACHABLE_STATUSES:
                await self._mark_unreachable(account)
                raise DeliveryError(f"Teams refused ({exc.status}): the person blocked or removed the bot",
                                    permanent=True) from None
            raise _delivery_error(exc) from None
        return receipt(address["service_url"], address.get("conversation") or "", sent)

    async def amend(self, earlier: Receipt, view: View | None) -> bool:
        """Delete the activities of an earlier send (None), or update the one activity it was with `view`."""
        activities = [str(a) for a in earlier.get("activities") or [] if a]
        if earlier.get("platform") != PLATFORM or not earlier.get("conversation") or not activities:
            return False
        if view is not None and len(activities) != 1:
            return False
        conversation = str(earlier["conversation"])
        try:
            client = await self.adapter.connectors.create(str(earlier["service_url"]))
            for activity_id in activities:
                await self._pacer(str(earlier.get("tenant", ""))).wait(conversation)
                if view is None:
                    await self._delete(client, conversation, activity_id)
                else:
                    update = to_activity(render_card(view))
                    update.id, update.conversation = activity_id, ConversationAccount(id=conversation)
                    await with_retries(lambda u=update: client.conversations.update_activity(
                        conversation, u.id, u), self.policy)
        except TokenError as exc:
            raise DeliveryError(f"no bot token: {exc}") from None
        except Refused as exc:
            raise _delivery_error(exc) from None
        return True

    async def _delete(self, client: Any, conversation: str, activity_id: str) -> None:
        try:
            await with_retries(lambda: client.conversations.delete_activity(conversation, activity_id), self.policy)
        except Refused as exc:
            if exc.status != 404:  # already gone is withdrawn all the same
                raise

    async def post_to_channel(self, channel: str, view: View) -> Receipt:
        """A new post in a team's channel (the bot must be installed in that team)."""
        tenant, service_url = self.last_seen
        parameters = ConversationParameters(
            is_group=True, bot=ChannelAccount(id=f"28:{self.settings.app_id}"), tenant_id=tenant,
            channel_data={"channel": {"id": channel}, "tenant": {"id": tenant}},
            activity=to_activity(render_card(view, people=await self.teams_ids(view, tenant))))

        thread: dict[str, str] = {}

        async def posted(tc: TurnContext) -> None:
            """The new thread and its first activity, to change them later."""
            thread.update(conversation=tc.activity.conversation.id, activity=tc.activity.id)

        await self._pacer(tenant).wait(channel)
        try:
            await with_retries(lambda: self.adapter.create_conversation(
                self.settings.app_id, posted, parameters, "msteams", service_url), self.policy)
        except TokenError as exc:
            raise DeliveryError(f"no bot token: {exc}") from None
        except Refused as exc:
            raise _delivery_error(exc) from None
        return receipt(service_url, thread.get("conversation", ""), [thread.get("activity", "")]) | {"tenant": tenant}

    async def teams_ids(self, view: View, tenant: str) -> dict[str, str]:
        """Person uid → Teams user id in `tenant`, for the people the view mentions who have used the bot there:
        in a channel post they are @mentioned for real, so Teams notifies them."""
        uids = {match.group(1) for match in MENTION.finditer(view.model_dump_json())}
        if not uids or self.deps is None:
            return {}
        async with self.deps.uow() as uow:
            people = await uow.people.by_uids(list(uids))
            accounts = await uow.people.accounts_of_many([p.id for p in people])
        return {p.uid: a.address["user"] for p in people for a in accounts.get(p.id, [])
                if a.platform == PLATFORM and a.workspace == tenant and (a.address or {}).get("user")}

    def _pacer(self, tenant: str) -> Pacer:
        if tenant not in self.pacers:
            self.pacers[tenant] = Pacer(self.settings.sends_per_second_per_conversation,
                                        self.settings.sends_per_second, budget=f"{PLATFORM}:{tenant}",
                                        shared=self.shared_pacing)
        return self.pacers[tenant]

    async def _continue(self, address: dict[str, Any], card: dict[str, Any]) -> str:
        reference = ConversationReference(
            channel_id="msteams", service_url=address["service_url"], bot=ChannelAccount(id=address.get("bot")),
            user=ChannelAccount(id=address["user"]),
            conversation=ConversationAccount(id=address["conversation"], conversation_type="personal",
                                             tenant_id=address.get("tenant")))

        sent: list[str] = []

        async def post(tc: TurnContext) -> None:
            sent.append(_id(await with_retries(lambda: tc.send_activity(to_activity(card)), self.policy)))

        await self.adapter.continue_conversation(reference, post, self.settings.app_id)
        return sent[0] if sent else ""

    async def _create(self, account: Address, address: dict[str, Any], card: dict[str, Any],
                      ) -> tuple[dict[str, Any], str]:
        tenant = address.get("tenant")
        parameters = ConversationParameters(
            is_group=False, bot=ChannelAccount(id=address.get("bot")), members=[ChannelAccount(id=address["user"])],
            tenant_id=tenant, channel_data={"tenant": {"id": tenant}})
        created: dict[str, Any] = {}
        sent: list[str] = []

        async def post(tc: TurnContext) -> None:
            created.update(address, conversation=tc.activity.conversation.id)
            await self._store(account, created)
            sent.append(_id(await with_retries(lambda: tc.send_activity(to_activity(card)), self.policy)))

        await with_retries(lambda: self.adapter.create_conversation(
            self.settings.app_id, post, parameters, "msteams", address["service_url"]), self.policy)
        return created, sent[0] if sent else ""

    async def _store(self, account: Address, address: dict[str, Any]) -> None:
        if self.deps is None:
            return
        async with self.deps.uow() as uow:
            await uow.people.set_address(PLATFORM, account.workspace, account.user_id, address, self.deps.clock.now())

    async def _mark_unreachable(self, account: Address) -> None:
        if self.deps is None:
            return
        async with self.deps.uow() as uow:
            await uow.people.mark_unreachable(PLATFORM, account.workspace, account.user_id, self.deps.clock.now())

