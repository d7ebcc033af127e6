"""The platform registry: which chat platforms the settings switch on."""

from __future__ import annotations

from adapters.pacing import Limiter, Paced
from adapters.platform import Platform
from adapters.slack import SlackPlatform
from adapters.slack.oauth import OnRevoked
from adapters.teams import TeamsPlatform
from bot.kernel.settings import Settings


def enabled_platforms(settings: Settings, pacing: Limiter | None = None,
                      slack_revoked: OnRevoked | None = None) -> list[Platform]:
    """Slack with a bot token or OAuth installs, Teams with an app id (or explicitly unauthenticated, for local
    testing); their sends paced through `pacing` (`adapters.limiters.shared_limiter`)
    when replicas share the budgets. `slack_revoked`: what an uninstall does to a workspace of a bot token."""
    platforms: list[Platform] = []
    if settings.slack.enabled:
        platforms.append(SlackPlatform(settings, on_revoked=slack_revoked))
    if settings.teams.app_id or settings.teams.allow_unauthenticated:
        platforms.append(TeamsPlatform(settings))
    for platform in platforms:
        if isinstance(platform.messenger, Paced):
            platform.messenger.share_pacing(pacing)
    return platforms
