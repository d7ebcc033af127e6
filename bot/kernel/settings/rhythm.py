"""The rhythm: weekly slots, holidays, check-in questions, digests, one-on-ones and pulse surveys."""

from __future__ import annotations

import re
from datetime import date

from pydantic import Field, field_validator

from bot.kernel.settings.base import WEEKDAYS, LocalizedField, Section, weekday_number


class WeeklySlot(Section):
    """A weekday and a local hour, in each person's own time zone."""

    weekday: str = "friday"
    hour: int = Field(15, ge=0, le=23)

    @field_validator("weekday")
    @classmethod
    def _weekday(cls, value: str) -> str:
        number = weekday_number(value)
        if number >= 5:  # Tick.is_day_off: nothing is prompted or sent on a weekend
            raise ValueError(f"{WEEKDAYS[number]} is a weekend day, and nothing is sent on weekends, so it would never "
                             f"arrive: pick monday to friday")
        return WEEKDAYS[number]

    @property
    def weekday_number(self) -> int:
        return weekday_number(self.weekday)


class ScheduleSettings(Section):
    tick_seconds: int = Field(60, ge=5, le=3600)
    # Prompts missed while the bot was down are still sent if they are at most this late.
    grace_hours: int = Field(12, ge=0, le=168)
    # Days without prompts for everyone (YYYY-MM-DD), besides weekends.
    holidays: list[date] = []


class CheckinQuestion(Section):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: LocalizedField
    kind: str = Field("text", pattern="^(text|mood)$")
    optional: bool = False


class CheckinSettings(WeeklySlot):
    # One reminder this many hours after the prompt, to those who have not answered.
    reminder_after_hours: int = Field(24, ge=1, le=144)
    # Your own questions replace the defaults (what went well, what's next, blockers, mood); goal progress
    # for open goals is always asked. kind: text or mood (1–5). Key "blockers" is highlighted in digests.
    questions: list[CheckinQuestion] = []
    # Per team: {"Apps" = {weekday = "thursday", hour = 16}}.
    teams: dict[str, WeeklySlot] = {}
    # The kinds of blocker a check-in's blocker is filed under (the Pareto in the digest, 5 Whys in 1:1s). The
    # built-in keys are translated (bot/kernel/blockers.py); any other key is shown as written.
    blocker_categories: list[str] = Field(
        ["waiting", "requirements", "tools", "meetings", "skills", "other"], min_length=1, max_length=20)

    @field_validator("blocker_categories")
    @classmethod
    def _category_keys(cls, keys: list[str]) -> list[str]:
        for key in keys:
            if not re.fullmatch(r"[a-z][a-z0-9_-]{0,39}", key):
                raise ValueError(f"{key!r}: a key of lowercase letters, digits, - and _, up to 40 characters")
        if len(set(keys)) != len(keys):
            raise ValueError("each category once")
        return keys


class DigestSettings(WeeklySlot):
    weekday: str = "monday"
    hour: int = Field(9, ge=0, le=23)


CADENCES = {"weekly": 7, "biweekly": 14, "monthly": 28}  # a 1:1 cadence's name → days between meetings


class OneOnOneSettings(Section):
    cadence: str = Field("biweekly", pattern="^(weekly|biweekly|monthly)$")
    # Local hour, the day before the meeting, when both get the agenda.
    agenda_hour: int = Field(9, ge=0, le=23)
    # Every this many 1:1s the agenda has a growth topic with the report's development plan.
    growth_every: int = Field(4, ge=1, le=52)

    @property
    def cadence_days(self) -> int:
        return CADENCES[self.cadence]


class SurveyQuestionSettings(Section):
    kind: str = Field(pattern="^(scale|enps|choice|text)$")
    text: LocalizedField
    options: list[str] = []


class SurveySettings(Section):
    key: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str
    # everyone, team:NAME, or customers:NAME (the teams that depend on NAME, see org.dependencies).
    audience: str = "everyone"
    every_weeks: int = Field(2, ge=1, le=52)
    weekday: str = "monday"
    hour: int = Field(10, ge=0, le=23)
    open_days: int = Field(5, ge=1, le=28)
    questions: list[SurveyQuestionSettings] = Field(min_length=1)

    @field_validator("weekday")
    @classmethod
    def _weekday(cls, value: str) -> str:
        return WEEKDAYS[weekday_number(value)]

    @field_validator("audience")
    @classmethod
    def _audience(cls, value: str) -> str:
        kind, _, team = value.partition(":")
        if value != "everyone" and (kind not in ("team", "customers") or not team.strip()):
            raise ValueError("must be everyone, team:NAME or customers:NAME")
        return value


class PulseSettings(Section):
    # Results are shown only for groups with at least this many respondents (never below 3).
    anonymity_threshold: int = Field(5, ge=3, le=100)
    # Free-text comments need at least this many respondents.
    comment_threshold: int = Field(10, ge=3, le=100)
    surveys: list[SurveySettings] = []
