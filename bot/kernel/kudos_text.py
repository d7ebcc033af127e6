"""How a kudos reads wherever it is listed (/kudos, digests, 1:1 agendas, expectations, the dashboard): who gave it
and what it says. Most kudos are a person's own words, shown as written. A recognition — the thank-you when an idea
is adopted — is given by feedbot itself (no giver, so it is nobody's "given") and stores only its facts: the idea's
number, its gist with the value tag, and the measured effect. It is worded here, when read, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.kernel.effect import Measured, describe
from bot.kernel.i18n import Translator
from bot.kernel.people import Named, who

FEEDBOT = "feedbot"  # the giver of recognitions: the product's name, the same in every language


def giver_name(t: Translator, giver_id: int | None, people: Mapping[int, Named]) -> str:
    if giver_id is None:
        return FEEDBOT
    return who(people[giver_id]) if giver_id in people else t("a former colleague")


def kudos_text(t: Translator, message: str, idea_id: int | None, effect: Mapping[str, Any] | None) -> str:
    """A person's kudos as written; a recognition as "Thank you for idea #12, adopted — its gist #value — effect"."""
    if idea_id is None:
        return message
    measured = [describe(t, Measured(**effect))] if effect else []
    return " — ".join([t("Thank you for idea #{id}, adopted", id=idea_id), message, *measured])

