"""Calendar words every feature shares: local instants, ISO weeks, weekday names."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.kernel.i18n import N_, Catalogs
from bot.kernel.keywords import Keywords
from bot.kernel.settings import WEEKDAYS


def at_local(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


WEEKDAY_NAMES = [N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
                 N_("Sunday")]
WEEKDAY_SHORT = [N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun")]
# `fredag`, `fre`, `星期五`, `周五`, `friday`, `fri`: whatever a reader is shown, typed back.
WEEKDAY_WORDS = Keywords({day: (name, short) for day, name, short in zip(WEEKDAYS, WEEKDAY_NAMES, WEEKDAY_SHORT,
                                                                        strict=True)})


def read_weekday(catalogs: Catalogs, typed: str) -> int | None:
    """A weekday's number (Monday is 0) from its name or short name in any supported language; None if none."""
    day = WEEKDAY_WORDS.read(catalogs, typed)
    return WEEKDAYS.index(day) if day is not None else None
