"""What a chat platform plugs into `feedbot serve`: routes on the shared server, start/stop, and a
messenger for proactive sends; what every platform shares (the outbox sender, the failure reply)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.core import deliver
from bot.kernel.i18n import N_
from bot.kernel.outbox import Amender, DeliveryError, Messenger, OnceSender, Receipt, Recipient
from bot.kernel.views import View, error_view
from storage.db import unavailable

if TYPE_CHECKING:
    from aiohttp import web

    from bot.kernel.context import Deps

log = logging.getLogger(__name__)

# A platform's answer when the core failed on a request: its transaction was rolled back.
FAILED = N_("Something went wrong on my side, and nothing was saved. Please try again in a minute.")


async def failure_view(deps: Deps, platform: str, workspace: str, user_id: str, client_locale: str | None) -> View:
    """FAILED in the language the person chose (`/language`, the org file), else their client's, else the org's:
    the same language as every other reply they get."""
    locale = None
    try:
        async with deps.uow() as uow:
            person = await uow.people.by_account(platform, workspace, user_id)
            locale = person.locale if person is not None else None
    except Exception as exc:  # the database may be why the request failed: the client's language then
        log.warning("no stored language for the failure reply: %s", type(exc).__name__)
    t = deps.catalogs.translator(locale or client_locale or deps.settings.org.default_locale)
    return error_view(t(FAILED))


class PlatformError(Exception):
    """A platform cannot run as configured (a missing secret, credentials the platform refuses): the
    operator's to fix, so `feedbot serve` prints it without a traceback."""


class Platform(Protocol):
    name: str  # matches Actor.platform and Address.platform: "slack", "teams"
    messenger: Messenger

    def mount(self, app: web.Application, deps: Deps) -> None: ...

    async def start(self, deps: Deps) -> None: ...

    async def stop(self) -> None: ...


@runtime_checkable
class ChannelOwner(Protocol):
    def owns_channel(self, channel: str) -> bool: ...


class OutboxSender:
    """Sends the outbox after replies, one task per platform: a request only marks the outbox due again, so a
    burst of requests (or a long fan-out) never runs several dispatchers side by side or delays replies."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.stopping = False  # shutting down: no further batch is claimed
        self._due = False
        self.down = False  # the last try found the database out of reach
        self._task: asyncio.Task[None] | None = None

    def kick(self) -> None:
        self._due = True
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._send_while_due())

    async def idle(self) -> None:
        """Wait until the sends started so far are done (shutdown, tests)."""
        while self._task is not None and not self._task.done():
            await self._task

    async def _send_while_due(self) -> None:
        while self._due and not self.stopping:
            self._due = False
            try:
                await deliver(self.deps, stop=lambda: self.stopping)
            except Exception as exc:  # the rows stay in the outbox; the next kick or tick tries again
                reason = unavailable(exc, self.deps.settings.database.url)
                if reason is None:
                    log.exception("sending the outbox failed")
                elif not self.down:  # one line an outage, not one a request
                    log.warning("sending the outbox waits for the database: %s", reason)
                self.down = reason is not None
            else:
                self.down = False


class PlatformMessenger:
    """Sends through the platform of the recipient's first reachable account (a channel: the platform that
    owns it). A person with no account on a running platform cannot be reached yet: that is permanent for
    this message, since retrying will not give them an account."""

    def __init__(self, platforms: Sequence[Platform]) -> None:
        self.platforms = {platform.name: platform for platform in platforms}

    async def send(self, recipient: Recipient, view: View) -> Receipt | None:
        return await self._platform_for(recipient).messenger.send(recipient, view)

    async def send_once(self, recipient: Recipient, view: View, mark: str) -> Receipt | None:
        messenger = self._platform_for(recipient).messenger
        if isinstance(messenger, OnceSender):
            return await messenger.send_once(recipient, view, mark)
        return await messenger.send(recipient, view)

    async def sent_before(self, recipient: Recipient, mark: str, since: datetime) -> Receipt | None:
        """What the platform found of the message; None when it has nothing, or no way to look (Teams without Graph)."""
        try:
            messenger = self._platform_for(recipient).messenger
        except DeliveryError:
            return None  # sent by no platform running now: the send will say why
        if isinstance(messenger, OnceSender):
            return await messenger.sent_before(recipient, mark, since)
        return None

    async def amend(self, receipt: Receipt, view: View | None) -> bool:
        """Change a message in place through the platform that sent it, if it can."""
        platform = self.platforms.get(str(receipt.get("platform")))
        if platform is None or not isinstance(platform.messenger, Amender):
            return False
        return await platform.messenger.amend(receipt, view)

    def _platform_for(self, recipient: Recipient) -> Platform:
        if recipient.channel:
            owner = next((p for p in self.platforms.values()
                          if isinstance(p, ChannelOwner) and p.owns_channel(recipient.channel)), None)
            if owner is None:
                raise DeliveryError(f"no running platform posts to channel {recipient.channel}", permanent=True)
            return owner
        for account in recipient.accounts:
            if not account.unreachable and account.platform in self.platforms:
                return self.platforms[account.platform]
        raise DeliveryError("the recipient has no reachable account on a running platform", permanent=True)
