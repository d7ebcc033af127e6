"""The routing table: command name → feature. A new feature is one module and one line here."""

from __future__ import annotations

from bot import feedback, goals, help, ideas, kudos, language
from bot.context import Feature

FEATURES: dict[str, Feature] = {
    "kudos": kudos.FEATURE,
    "idea": ideas.FEATURE,
    "feedback": feedback.FEATURE,
    "goal": goals.FEATURE,
    "language": language.FEATURE,
    "help": help.FEATURE,
}
