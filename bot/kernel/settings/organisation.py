"""The organisation: its admins, zone and language, its values (kudos) and how ideas are recognised."""

from __future__ import annotations

from pydantic import field_validator

from bot.kernel.i18n import SUPPORTED_LOCALES, normalize_locale
from bot.kernel.people import is_email, valid_timezone
from bot.kernel.settings.base import Section


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
