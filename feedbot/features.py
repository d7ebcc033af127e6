"""The product's tables: what people can type, and what each feature owes whom at a tick.

A new feature is one module or package in bot/ plus its line here.
"""

from __future__ import annotations

from bot import away, expectations, feedback, goals, growth, help, kudos, language, signin
from bot.checkins import commands as checkins
from bot.digest import weekly
from bot.ideas import commands as ideas
from bot.kernel.context import DueFinder, Feature
from bot.oneonones import agenda
from bot.oneonones import commands as oneonones
from bot.pulse import commands as pulse
from bot.pulse import rounds

COMMANDS: dict[str, Feature] = {
    "kudos": kudos.FEATURE,
    "idea": ideas.FEATURE,
    "feedback": feedback.FEATURE,
    "goal": goals.FEATURE,
    "grow": growth.FEATURE,
    "expectations": expectations.FEATURE,
    "checkin": checkins.FEATURE,
    "away": away.FEATURE,
    "pulse": pulse.FEATURE,
    "1on1": oneonones.FEATURE,
    "digest": weekly.FEATURE,
    "dashboard": signin.FEATURE,
    "language": language.FEATURE,
    "help": help.FEATURE,
}

DUE_FINDERS: list[DueFinder] = [checkins.due, agenda.due, rounds.due, goals.due, weekly.due]
