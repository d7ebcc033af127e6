"""The platform registry: which chat platforms the settings switch on."""

from __future__ import annotations

from adapters.platform import Platform
from adapters.slack import SlackPlatform
from adapters.teams import TeamsPlatform
from bot.kernel.settings import Settings


def enabled_platforms(settings: Settings) -> list[Platform]:
    """Slack with a bot token, Teams with an app id (or explicitly unauthenticated, for local testing)."""
    platforms: list[Platform] = []
    if settings.slack.bot_token is not None:
        platforms.append(SlackPlatform(settings))
    if settings.teams.app_id or settings.teams.allow_unauthenticated:
        platforms.append(TeamsPlatform(settings))
    return platforms
