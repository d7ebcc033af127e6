"""Microsoft Teams through the Bot Framework. Every botbuilder/botframework import stays in this package, so the
transport can move to the Microsoft 365 Agents SDK without touching anything else."""

from adapters.teams.platform import TeamsPlatform

__all__ = ["TeamsPlatform"]
