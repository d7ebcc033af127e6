"""The whole settings model: every section, and the checks that span sections."""

from __future__ import annotations

from typing import Any

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.kernel.settings.organisation import ExpectationsSettings, IdeasSettings, KudosSettings, OrgSettings
from bot.kernel.settings.platforms import DashboardSettings, SlackSettings, TeamsSettings
from bot.kernel.settings.rhythm import (
    CheckinSettings,
    DigestSettings,
    OneOnOneSettings,
    PulseSettings,
    ScheduleSettings,
)
from bot.kernel.settings.service import (
    DatabaseSettings,
    LimitSettings,
    LoggingSettings,
    MetricsSettings,
    PacingSettings,
    PrivacySettings,
    ServerSettings,
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FEEDBOT_", env_nested_delimiter="__", extra="forbid")

    database: DatabaseSettings = DatabaseSettings()
    server: ServerSettings = ServerSettings()
    org: OrgSettings = OrgSettings()
    kudos: KudosSettings = KudosSettings()
    ideas: IdeasSettings = IdeasSettings()
    expectations: ExpectationsSettings = ExpectationsSettings()
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
    pacing: PacingSettings = PacingSettings()
    metrics: MetricsSettings = MetricsSettings()

    @model_validator(mode="before")
    @classmethod
    def _log_is_logging(cls, data: Any) -> Any:
        """`[log]` is read as `[logging]` (the shorter name people reach for). Both come together when the file says
        `[log]` and the environment FEEDBOT_LOGGING__…: one section, the environment's keys winning (both in the
        file is refused as it is read: loading.py)."""
        if isinstance(data, dict) and "log" in data:
            data = dict(data)
            log, logging = data.pop("log"), data.get("logging")
            both = isinstance(log, dict) and isinstance(logging, dict)
            data["logging"] = {**log, **logging} if both else log if logging is None else logging
        return data

    @model_validator(mode="after")
    def _recognition_is_a_value(self) -> Settings:
        value = self.ideas.recognition_value
        if value and value not in self.kudos.values:
            raise ValueError(f"ideas.recognition_value must be one of kudos.values ({', '.join(self.kudos.values)})")
        return self

    @model_validator(mode="after")
    def _expectation_values_known(self) -> Settings:
        for number, expectation in enumerate(self.expectations.catalogue):
            if expectation.value and expectation.value not in self.kudos.values:
                raise ValueError(f"expectations.catalogue.{number} (role {expectation.role}): #{expectation.value} is "
                                 f"not one of kudos.values ({', '.join(self.kudos.values)})")
        return self

    def lists_its_workspaces(self) -> bool:
        """Whether OAuth installs need slack.workspaces: one organisation does. Several are each one workspace,
        created or refused by tenancy (feedbot.organisation_settings overrides this)."""
        return True

    @model_validator(mode="after")
    def _oauth_names_the_workspaces(self) -> Settings:
        if self.slack.oauth and not self.slack.workspaces and self.lists_its_workspaces():
            raise ValueError("OAuth installs need slack.workspaces: the ids of the organisation's workspaces (T…) "
                             "or Enterprise Grid orgs (E…) that may install feedbot")
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
        questions += [(f"expectations.catalogue.{n}", e) for n, e in enumerate(self.expectations.catalogue)]
        for where, question in questions:
            if isinstance(question.text, dict):
                if default not in question.text:
                    raise ValueError(f"{where}.text has no {default} text, the org default locale that other "
                                     f"languages fall back to")
                question.text = {default: question.text[default]} | question.text
        return self
