"""The routing table: command name → feature. A new feature is one module and one line here."""

from __future__ import annotations

from bot import help, kudos, language
from bot.context import Feature

FEATURES: dict[str, Feature] = {
    "kudos": kudos.FEATURE,
    "language": language.FEATURE,
    "help": help.FEATURE,
}

COMMANDS = {name: feature.handle for name, feature in FEATURES.items()}
