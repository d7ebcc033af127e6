"""Settings: a TOML file, overridden by FEEDBOT_SECTION__KEY environment variables."""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, EnvSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from bot.kernel.i18n import SUPPORTED_LOCALES, normalize_locale
from bot.kernel.people import is_email


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseSettings(Section):
    url: str = "sqlite+aiosqlite:///feedbot.db"
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _known_backend(cls, url: str) -> str:
        if not url.startswith(("sqlite", "postgresql", "postgres")):
            raise ValueError("must be an SQLite (sqlite:///file.db) or PostgreSQL (postgresql://…) URL")
        return url


class ServerSettings(Section):
    host: str = "127.0.0.1"
    port: int = Field(3000, ge=1, le=65535)


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
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as Europe/Stockholm") from None
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


def pick_text(value: LocalizedText, locale: str) -> str:
    """The text for a reader of `locale`: theirs, else the first of the table (the org default locale's, see
    Settings._default_locale_first)."""
    if isinstance(value, str):
        return value
    return value.get(locale) or next(iter(value.values()))


class CheckinQuestion(Section):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: LocalizedText
    kind: str = Field("text", pattern="^(text|mood)$")
    optional: bool = False

    @field_validator("text")
    @classmethod
    def _localized(cls, value: LocalizedText) -> LocalizedText:
        return localized_table(value)


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
    text: LocalizedText
    options: list[str] = []

    @field_validator("text")
    @classmethod
    def _localized(cls, value: LocalizedText) -> LocalizedText:
        return localized_table(value)


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


class LimitSettings(Section):
    max_text_length: int = Field(2000, ge=50, le=10000)
    delivery_attempts: int = Field(8, ge=1, le=50)
    retry_base_seconds: float = Field(30, gt=0, le=3600)
    claim_timeout_seconds: int = Field(600, ge=30)


class PrivacySettings(Section):
    # Seals the link to anonymous idea authors so the bot can notify them: at least 32 bytes, secret, stable, the
    # same on every replica, backed up apart from the database. Required on PostgreSQL.
    secret_key: SecretStr | None = None
    # Where the key is kept when secret_key is unset; empty: $XDG_CONFIG_HOME/feedbot/feedbot.key (else
    # ~/.config/feedbot/feedbot.key), outside the data directory, made once on SQLite.
    key_file: str = ""


class SlackSettings(Section):
    bot_token: SecretStr | None = None
    signing_secret: SecretStr | None = None
    app_token: SecretStr | None = None
    socket_mode: bool = False
    api_url: str = "https://slack.com/api/"
    # Pace of proactive messages: Slack allows about one per second per conversation, plus a workspace budget.
    messages_per_second_per_conversation: float = Field(1.0, gt=0, le=1000)
    messages_per_second: float = Field(10.0, gt=0, le=1000)
    # A call refused with 429 is retried in place this many times (after Retry-After) before the outbox
    # takes over with its own backoff.
    rate_limit_retries: int = Field(3, ge=0, le=10)
    # How long a Slack profile (email, name, time zone, locale) is reused before users.info is asked again.
    profile_cache_seconds: int = Field(3600, ge=0, le=86400)
    # Commands are acknowledged at once and then worked off by this many concurrent workers (one person's in order).
    workers: int = Field(4, ge=1, le=64)


class TeamsSettings(Section):
    app_id: str = ""
    app_password: SecretStr | None = None
    app_type: str = Field("SingleTenant", pattern="^(SingleTenant|MultiTenant)$")
    tenant_id: str = ""
    allow_unauthenticated: bool = False
    # Sovereign clouds use other endpoints; tests point them at loopback.
    openid_metadata_url: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    token_issuer: str = "https://api.botframework.com"
    token_url: str = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
    # Bot Connector for channel posts until an activity has shown this tenant's own (regional) one.
    service_url: str = "https://smba.trafficmanager.net/teams/"
    # Proactive sends: Teams allows 7 per second per conversation and about 30 per second per tenant.
    sends_per_second_per_conversation: float = Field(1.0, gt=0, le=7)
    sends_per_second: float = Field(25.0, gt=0, le=50)

    @model_validator(mode="after")
    def _single_tenant_has_its_tenant(self) -> TeamsSettings:
        if self.app_id and self.app_type == "SingleTenant" and not self.tenant_id:
            raise ValueError("teams.tenant_id is needed for a SingleTenant app (the App Tenant ID in Azure)")
        return self


class DashboardSettings(Section):
    """The web dashboard at /dashboard/ on `feedbot serve` (docs/dashboard.md)."""

    enabled: bool = True
    # Where people open it, as the sign-in links say: https://feedbot.example.com; empty: http://server.host:port.
    base_url: str = Field("", pattern=r"^(https?://[^\s/]+(/[^\s]*)?)?$")
    # How long a one-time sign-in link from /dashboard or `feedbot dashboard-link` is valid.
    link_minutes: int = Field(15, ge=1, le=60)
    # How long a signed-in session lasts (at most a day: a sign-out is remembered for two).
    session_hours: int = Field(8, ge=1, le=24)


class LoggingSettings(Section):
    level: str = Field("INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FEEDBOT_", env_nested_delimiter="__", extra="forbid")

    database: DatabaseSettings = DatabaseSettings()
    server: ServerSettings = ServerSettings()
    org: OrgSettings = OrgSettings()
    kudos: KudosSettings = KudosSettings()
    ideas: IdeasSettings = IdeasSettings()
    limits: LimitSettings = LimitSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    checkin: CheckinSettings = CheckinSettings()
    digest: DigestSettings = DigestSettings()
    oneonone: OneOnOneSettings = OneOnOneSettings()
    pulse: PulseSettings = PulseSettings()
    privacy: PrivacySettings = PrivacySettings()
    slack: SlackSettings = SlackSettings()
    teams: TeamsSettings = TeamsSettings()
    dashboard: DashboardSettings = DashboardSettings()
    logging: LoggingSettings = LoggingSettings()

    @model_validator(mode="after")
    def _recognition_is_a_value(self) -> Settings:
        value = self.ideas.recognition_value
        if value and value not in self.kudos.values:
            raise ValueError(f"ideas.recognition_value must be one of kudos.values ({', '.join(self.kudos.values)})")
        return self

    @property
    def recognition_value(self) -> str:
        """The value an adopted idea's contributors are thanked with."""
        return self.ideas.recognition_value or self.kudos.values[0]

    @model_validator(mode="after")
    def _default_locale_first(self) -> Settings:
        """Every question table has the org default locale's text, first: it is what the others fall back to."""
        default = self.org.default_locale
        questions = [(f"checkin.questions.{n}", q) for n, q in enumerate(self.checkin.questions)] + [
            (f"pulse.surveys.{s}.questions.{n}", q) for s, survey in enumerate(self.pulse.surveys)
            for n, q in enumerate(survey.questions)]
        for where, question in questions:
            if isinstance(question.text, dict):
                if default not in question.text:
                    raise ValueError(f"{where}.text has no {default} text, the org default locale that other "
                                     f"languages fall back to")
                question.text = {default: question.text[default]} | question.text
        return self


class ConfigError(Exception):
    """A setting is wrong; the message names the key and what is allowed."""


def find_config_file(explicit: str | None) -> Path | None:
    """--config PATH, else $FEEDBOT_CONFIG, else ./feedbot.toml if present."""
    chosen = explicit or os.environ.get("FEEDBOT_CONFIG")
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise ConfigError(f"config file {path} {'is a directory' if path.is_dir() else 'does not exist'}")
        return path
    default = Path("feedbot.toml")
    return default if default.is_file() else None


class PlainListEnv(EnvSettingsSource):
    """Environment variables: a list may be written plainly (`FEEDBOT_ORG__ADMINS=a@x.com,b@x.com`) as well as in
    JSON; a value that is not JSON is left for validation to name, never a traceback."""

    def decode_complex_value(self, field_name: str, field: FieldInfo, value: Any) -> Any:
        try:
            return super().decode_complex_value(field_name, field, value)
        except (ValueError, RecursionError):
            if isinstance(value, str) and field is not None and get_origin(field.annotation) is list \
                    and not value.lstrip().startswith("["):
                return [item.strip() for item in value.split(",") if item.strip()]
            return value


def read_config_file(path: Path) -> None:
    """Refuse, in one line, what tomllib would answer with a traceback: bytes that are not UTF-8, absurd nesting."""
    data = path.read_bytes()
    try:
        tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}): save it "
                          f"as UTF-8") from None
    except RecursionError:
        raise ConfigError(f"{path}: arrays or tables nested too deeply to read: flatten them") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def load_settings(config_path: str | None = None, **overrides: object) -> Settings:
    path = find_config_file(config_path)
    if path is not None:
        read_config_file(path)

    class FileAndEnvSettings(Settings):
        @classmethod
        def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,  # noqa: ANN001
                                       file_secret_settings):  # noqa: ANN001
            sources = [init_settings, PlainListEnv(settings_cls)]
            if path is not None:
                sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
            return tuple(sources)

    try:
        loaded = FileAndEnvSettings(**overrides)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, path)) from None
    return loaded


def describe_validation_error(exc: ValidationError, path: Path | None) -> str:
    where = f" in {path}" if path else ""
    lines = [f"invalid configuration{where}:"]
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        env = "FEEDBOT_" + "__".join(str(p).upper() for p in error["loc"][:2])
        message = "unknown setting" if error["type"] == "extra_forbidden" else error["msg"]
        message = message.removeprefix("Value error, ")
        lines.append(f"  {key} (env {env}): {message}")
    return "\n".join(lines)
