"""What a chat platform plugs into `feedbot serve`: routes on the shared server, start/stop, and a
messenger for proactive sends. The core never imports an adapter; this module is where they meet."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.outbox import DeliveryError, Messenger, Recipient
from bot.views import View

if TYPE_CHECKING:
    from aiohttp import web

    from bot.deps import Deps
    from bot.settings import Settings


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


class PlatformMessenger:
    """Sends through the platform of the recipient's first reachable account (a channel: the platform that
    owns it). A person with no account on a running platform cannot be reached yet: that is permanent for
    this message, since retrying will not give them an account."""

    def __init__(self, platforms: Sequence[Platform]) -> None:
        self.platforms = {platform.name: platform for platform in platforms}

    async def send(self, recipient: Recipient, view: View) -> None:
        await self._platform_for(recipient).messenger.send(recipient, view)

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


def enabled_platforms(settings: Settings) -> list[Platform]:
    """The platforms the settings switch on: Slack with a bot token, Teams with an app id (or explicitly
    unauthenticated, for local testing)."""
    platforms: list[Platform] = []
    if settings.slack.bot_token is not None:
        from adapters.slack import SlackPlatform

        platforms.append(SlackPlatform(settings))
    if settings.teams.app_id or settings.teams.allow_unauthenticated:
        from adapters.teams import TeamsPlatform

        platforms.append(TeamsPlatform(settings))
    return platforms
