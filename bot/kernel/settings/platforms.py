"""Where people meet feedbot: Slack, Microsoft Teams and the web dashboard."""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator

from bot.kernel.settings.base import Section


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
    # A MultiTenant app answers only these tenants, when any are listed (docs/deploying.md); others get 403.
    allowed_tenants: list[str] = []
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
