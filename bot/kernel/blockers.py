"""Blocker categories: what a check-in's blocker is filed under, shared by the check-in form, the digest's Pareto and
the 1:1 agenda's 5 Whys. The keys come from `checkin.blocker_categories`; the built-in ones are translated, others
are shown as configured. People type a category by its number in the list, its key or its name in any language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.kernel.i18n import N_, Catalogs, Translator
from bot.kernel.keywords import Keywords, normalized

BUILT_IN = {
    "waiting": N_("waiting on others"),
    "requirements": N_("unclear requirements"),
    "tools": N_("tools and environment"),
    "meetings": N_("too many meetings"),
    "skills": N_("skills or knowledge"),
    "other": N_("other"),
}
RECENT = 4  # a category that comes up in REPEATS of a person's last RECENT check-ins recurs
REPEATS = 2
MAX_WHYS = 5


def category_label(t: Translator, key: str) -> str:
    return t(BUILT_IN[key]) if key in BUILT_IN else as_written(key)


def as_written(key: str) -> str:
    """A configured category's name: its key with spaces."""
    return key.replace("-", " ").replace("_", " ")


def options(t: Translator, keys: Sequence[str]) -> list[tuple[str, str]]:
    """The categories as a form's choices: (key, name in the reader's language)."""
    return [(key, category_label(t, key)) for key in keys]


def read_category(catalogs: Catalogs, keys: Sequence[str], typed: str) -> str | None:
    """The category `typed` names: its number in the list (1 = the first), its key, or its name in any language."""
    text = normalized(typed)
    if text.isdecimal() and 1 <= int(text) <= len(keys):
        return keys[int(text) - 1]
    words = Keywords({key: (BUILT_IN[key],) if key in BUILT_IN else (as_written(key),) for key in keys})
    return words.read(catalogs, typed)


def recurring(categories: Sequence[str | None]) -> str | None:
    """The category named in at least REPEATS of the latest RECENT check-ins (`categories` latest first); of
    several, the most frequent, then the most recent."""
    latest = list(categories[:RECENT])
    counts = Counter(category for category in latest if category)
    found = [category for category, n in counts.items() if n >= REPEATS]
    if not found:
        return None
    return min(found, key=lambda category: (-counts[category], latest.index(category)))


class Step(Protocol):
    """A 5 Whys entry as stored (a 1:1 entry of kind why or cause)."""

    @property
    def kind(self) -> str: ...

    @property
    def category(self) -> str | None: ...

    @property
    def text(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...


@dataclass(frozen=True)
class Analysis:
    """An open 5 Whys about one category: the whys asked so far."""

    category: str
    whys: list[str]


def open_analysis(steps: Sequence[Step], checkins: Sequence[tuple[str | None, datetime]]) -> Analysis | None:
    """The pair's open 5 Whys: whys recorded since the last cause; else one for the report's recurring category
    (`checkins`: (category, submitted) latest first), unless its cause was found after it last came up."""
    since_cause: list[Step] = []
    for step in steps:  # oldest first
        since_cause = [] if step.kind == "cause" else [*since_cause, step]
    if since_cause and since_cause[0].category:
        return Analysis(since_cause[0].category, [step.text for step in since_cause])
    category = recurring([name for name, _ in checkins])
    if category is None:
        return None
    last_named = max(at for name, at in checkins[:RECENT] if name == category)
    if any(step.kind == "cause" and step.category == category and step.created_at >= last_named for step in steps):
        return None
    return Analysis(category, [])
