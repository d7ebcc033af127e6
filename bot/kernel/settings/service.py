"""Running the service: the database, the HTTP server, limits, privacy, logs, pacing and metrics."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from bot.kernel.settings.base import Section


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


class LimitSettings(Section):
    max_text_length: int = Field(2000, ge=50, le=10000)
    delivery_attempts: int = Field(8, ge=1, le=50)
    retry_base_seconds: float = Field(30, gt=0, le=3600)
    claim_timeout_seconds: int = Field(600, ge=30)
    # Messages of a claimed batch in flight at once, each still paced; never two to one conversation.
    send_concurrency: int = Field(8, ge=1, le=32)


class PrivacySettings(Section):
    # Seals the link to anonymous idea authors so the bot can notify them: at least 32 bytes, secret, stable, the
    # same on every replica, backed up apart from the database. Required on PostgreSQL.
    secret_key: SecretStr | None = None
    # Where the key is kept when secret_key is unset; empty: $XDG_CONFIG_HOME/feedbot/feedbot.key (else
    # ~/.config/feedbot/feedbot.key), outside the data directory, made once on SQLite.
    key_file: str = ""


class LoggingSettings(Section):
    level: str = Field("INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$")
    # "json": one JSON object a line (time, level, logger, message, request/event id), for a log collector.
    format: str = Field("text", pattern="^(text|json)$")


class PacingSettings(Section):
    """Where replicas share the platforms' send budgets (docs/deploying.md): Redis when redis_url is set, else
    PostgreSQL; on SQLite (one process) the budget is kept in the process."""

    redis_url: SecretStr | None = None  # redis://host:6379/0 (it may carry a password)
    key_prefix: str = Field("feedbot", pattern=r"^[A-Za-z0-9_.:-]{1,64}$")  # several deployments on one Redis


class MetricsSettings(Section):
    """GET /metrics on `feedbot serve`, in Prometheus' text format."""

    enabled: bool = True
    token: SecretStr | None = None  # when set, a scrape must send "Authorization: Bearer <token>"
