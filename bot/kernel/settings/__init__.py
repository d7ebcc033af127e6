"""Settings: a TOML file, overridden by FEEDBOT_SECTION__KEY environment variables — one pydantic model whose
sections live in `service`, `organisation`, `rhythm` and `platforms`, read by `loading`. The names the rest of the
code uses are importable from here."""

from bot.kernel.settings.base import WEEKDAYS, LocalizedText, Section, pick_text, weekday_number
from bot.kernel.settings.loading import ConfigError, load_settings
from bot.kernel.settings.model import Settings
from bot.kernel.settings.organisation import (
    ExpectationKind,
    ExpectationSettings,
    ExpectationsSettings,
    IdeasSettings,
    KudosSettings,
    OrgSettings,
)
from bot.kernel.settings.platforms import DashboardSettings, SlackSettings, TeamsSettings
from bot.kernel.settings.rhythm import (
    CADENCES,
    CheckinQuestion,
    CheckinSettings,
    DigestSettings,
    OneOnOneSettings,
    PulseSettings,
    ScheduleSettings,
    SurveyQuestionSettings,
    SurveySettings,
    WeeklySlot,
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

__all__ = [
    "CADENCES", "WEEKDAYS", "CheckinQuestion", "CheckinSettings", "ConfigError", "DashboardSettings",
    "DatabaseSettings", "DigestSettings", "ExpectationKind", "ExpectationSettings", "ExpectationsSettings",
    "IdeasSettings", "KudosSettings", "LimitSettings", "LocalizedText",
    "LoggingSettings", "MetricsSettings", "OneOnOneSettings", "OrgSettings", "PacingSettings", "PrivacySettings",
    "PulseSettings", "ScheduleSettings", "Section", "ServerSettings", "Settings", "SlackSettings",
    "SurveyQuestionSettings", "SurveySettings", "TeamsSettings", "WeeklySlot", "load_settings", "pick_text",
    "weekday_number",
]
