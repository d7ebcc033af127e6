"""Words and numbers as people type them: one reading of `12` and `#12` for every feature."""

from __future__ import annotations

import re

MAX_ID = 2**31 - 1  # larger ids cannot exist, and PostgreSQL refuses to compare an integer column with them
# \d is any script's decimal digit, all of which int() reads; str.isdigit() would also pass "²", which int() refuses.
# At most 18 digits: enough for any id, and int() never meets a string too long to convert.
DIGITS = re.compile(r"\d{1,18}")


def whole_number(text: str) -> int | None:
    """Digits only, as a number; else None."""
    return int(text) if DIGITS.fullmatch(text) else None


def id_number(text: str) -> int | None:
    """`12` or `#12` (replies print ids as #12) as a number; else None. It may still exceed MAX_ID."""
    return whole_number(text.removeprefix("#"))


def first_word(text: str) -> tuple[str, str]:
    """The first word and the rest, both stripped: `vote 12` → ("vote", "12")."""
    parts = text.strip().split(None, 1)
    return (parts[0] if parts else ""), (parts[1].strip() if len(parts) > 1 else "")
