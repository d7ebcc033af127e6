"""The routing table: command name → feature. A new feature is one module and one line here."""

from __future__ import annotations

from bot import away, checkins, digest, feedback, goals, help, ideas, kudos, language, oneonones, pulse
from bot.context import Feature

FEATURES: dict[str, Feature] = {
    "kudos": kudos.FEATURE,
    "idea": ideas.FEATURE,
    "feedback": feedback.FEATURE,
    "goal": goals.FEATURE,
    "checkin": checkins.FEATURE,
    "away": away.FEATURE,
    "pulse": pulse.FEATURE,
    "1on1": oneonones.FEATURE,
    "digest": digest.FEATURE,
    "language": language.FEATURE,
    "help": help.FEATURE,
}

# The rhythm's table: each feature says what it owes whom at a tick (bot/rhythm.py).
DUE_FINDERS = [checkins.due, oneonones.due, pulse.due, digest.due]
