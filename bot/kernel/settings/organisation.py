"""The organisation: its admins, zone and language, its values (kudos), how ideas are recognised, and what each role
is expected to deliver."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from bot.kernel.i18n import SUPPORTED_LOCALES, normalize_locale
from bot.kernel.people import is_email, valid_timezone
from bot.kernel.settings.base import LocalizedText, Section, localized_table


class OrgSettings(Section):
    admins: list[str] = []
    default_locale: str = "en"
    default_timezone: str = "UTC"
    # Internal customers: team → the teams it depends on, e.g. {"Apps" = ["Platform"]}.
    dependencies: dict[str, list[str]] = {}

    @field_validator("admins")
    @classmethod
    def _lower_emails(cls, emails: list[str]) -> list[str]:
        emails = [e.strip().lower() for e in emails]
        for email in emails:
            if not is_email(email):
                raise ValueError(f"{email!r} is not an email address: admins are listed by email, e.g. hr@example.com")
        return emails

    @field_validator("default_locale")
    @classmethod
    def _supported_locale(cls, value: str) -> str:
        locale = normalize_locale(value)
        if locale is None:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return locale

    @field_validator("default_timezone")
    @classmethod
    def _iana_zone(cls, value: str) -> str:
        if valid_timezone(value) is None:
            raise ValueError("must be an IANA time zone such as Europe/Stockholm")
        return value


class KudosSettings(Section):
    values: list[str] = ["teamwork", "customer", "quality", "ownership", "learning"]
    channel: str = "#kudos"

    @field_validator("values")
    @classmethod
    def _plain_tags(cls, values: list[str]) -> list[str]:
        tags = [v.strip().lstrip("#").lower() for v in values]
        if not tags or any(not t or " " in t for t in tags):
            raise ValueError("must be a non-empty list of single words, e.g. ['teamwork', 'quality']")
        return tags


class IdeasSettings(Section):
    # The company value an adopted idea's contributors are thanked with; empty: the first of kudos.values.
    recognition_value: str = ""

    @field_validator("recognition_value")
    @classmethod
    def _plain_tag(cls, value: str) -> str:
        tag = value.strip().lstrip("#").lower()
        if " " in tag:
            raise ValueError("must be one word, one of kudos.values")
        return tag


ExpectationKind = Literal["result", "action", "behaviour"]


class ExpectationSettings(Section):
    """One `[[expectations.catalogue]]` table: what people of a role (at a level, if given) are expected to deliver —
    a result (what is produced), an action (how the work is done) or a behaviour (a value shown, optionally a kudos
    value)."""

    role: str
    level: str = ""  # empty: every level of the role
    kind: ExpectationKind
    text: LocalizedText
    value: str = ""  # a behaviour's company value: one of kudos.values; its kudos count as evidence

    @field_validator("role", "level")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        return value.strip()

    @field_validator("role")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value:
            raise ValueError("name the role, as in the org directory's role column")
        return value

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, value: LocalizedText) -> LocalizedText:
        if isinstance(value, str) and not value.strip():
            raise ValueError("the text is empty")
        return localized_table(value.strip() if isinstance(value, str) else value)

    @field_validator("value")
    @classmethod
    def _tag(cls, value: str) -> str:
        return value.strip().lstrip("#").lower()

    @model_validator(mode="after")
    def _value_for_behaviours(self) -> ExpectationSettings:
        if self.value and self.kind != "behaviour":
            raise ValueError(f"only a behaviour names a value; this {self.kind} of role {self.role} names "
                             f"#{self.value}")
        return self


class ExpectationsSettings(Section):
    """`[expectations]`: the catalogue of what each role is expected to deliver, and how long kudos count."""

    evidence_days: int = Field(default=90, ge=1, le=730)  # kudos this recent are evidence of a behaviour
    catalogue: list[ExpectationSettings] = []  # `[[expectations.catalogue]]` tables
