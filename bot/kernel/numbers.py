"""Numbers as people type them (`6.5`, Swedish `6,5`) and as each reader writes them."""

from __future__ import annotations

import re

from babel.numbers import format_decimal

from bot.kernel.i18n import Translator

# A sign, up to 12 digits, and a decimal point or comma with up to 6 decimals: "11", "-3", "6.5", "6,5".
NUMBER = re.compile(r"([+\-−]?)(\d{1,12})(?:[.,](\d{1,6}))?")


def parse_number(text: str) -> float | None:
    """A number as typed, with a decimal point or comma; None when it is not one."""
    match = NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    sign, whole, decimals = match.groups()
    value = float(f"{whole}.{decimals or 0}")
    return -value if sign in ("-", "−") else value


def number(t: Translator, value: float) -> str:
    """A number in the reader's notation, at most two decimals: 6.5, 6,5."""
    return format_decimal(value, format="#,##0.##", locale=t.locale)
