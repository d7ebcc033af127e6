"""What every settings section shares: the strict base, weekdays, and texts given in several languages."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from bot.kernel.i18n import SUPPORTED_LOCALES, normalize_locale


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def weekday_number(value: str | int) -> int:
    """"friday" or 4 → 4 (Monday is 0)."""
    if isinstance(value, int) and 0 <= value <= 6:
        return value
    name = str(value).strip().lower()
    for number, day in enumerate(WEEKDAYS):
        if name in (day, day[:3]):
            return number
    raise ValueError(f"must be a weekday name ({', '.join(WEEKDAYS)})")


# A question's text: one string for everyone, or a table of locale → text, e.g. {en = "Blockers?", sv = "Hinder?"}.
# Each person gets their language's text, else the org default locale's (which the table must have).
LocalizedText = str | dict[str, str]


def localized_table(value: LocalizedText) -> LocalizedText:
    """A table's locales normalised (zh-TW → zh_Hant) and its texts stripped; a plain string as it is."""
    if isinstance(value, str):
        return value
    table: dict[str, str] = {}
    for name, text in value.items():
        locale = normalize_locale(name)
        if locale is None:
            raise ValueError(f"unknown locale {name} (use {', '.join(SUPPORTED_LOCALES)})")
        if not text.strip():
            raise ValueError(f"the {name} text is empty")
        table[locale] = text.strip()
    if not table:
        raise ValueError("give the text, or a table of locale = text")
    return table


# A question's text as a setting: checked and normalised by `localized_table` wherever a section takes one.
LocalizedField = Annotated[LocalizedText, AfterValidator(localized_table)]


def pick_text(value: LocalizedText, locale: str) -> str:
    """The text for a reader of `locale`: theirs, else the first of the table (the org default locale's, see
    Settings._default_locale_first)."""
    if isinstance(value, str):
        return value
    return value.get(locale) or next(iter(value.values()))
