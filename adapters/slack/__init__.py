"""Slack: slash commands, Block Kit, modals, App Home and DMs, through slack-bolt (see PLATFORM.md part 1)."""

from adapters.slack.platform import SlackPlatform

__all__ = ["SlackPlatform"]
