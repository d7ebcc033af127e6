"""A due date at the end of a title, after a due word in any language: `Ship it by 2027-03-31`, `by 2027-Q1`,
`senast 2026-12-31`, `截止 2026-12-31`, `2026-12-31之前`. Only a date- or quarter-shaped word next to a due word
counts, so "Be trusted by customers" keeps its title."""

from __future__ import annotations

import re

from bot.kernel.i18n import N_, Catalogs
from bot.kernel.keywords import Keywords

DUE_WORDS = Keywords({"by": (N_("by"), N_("due"))})
WHEN = r"(\d{4}-\d{1,2}-\d{1,2}|\d{4}-[Qq][1-4])"
DATE_LAST = re.compile(WHEN + r"\s*$")
DATE_THEN_WORD = re.compile(WHEN + r"\s*(\S+)\s*$")


def due_at_end(catalogs: Catalogs, text: str) -> tuple[str, str] | None:
    """(the title, the due date or quarter as typed) when `text` ends with a due word and one, in either order."""
    match = DATE_LAST.search(text)
    if match:
        word, title = DUE_WORDS.trailing(catalogs, text[:match.start()])
        return (title, match.group(1)) if word else None
    match = DATE_THEN_WORD.search(text)
    if match and DUE_WORDS.read(catalogs, match.group(2)):
        return text[:match.start()].rstrip(), match.group(1)
    return None
