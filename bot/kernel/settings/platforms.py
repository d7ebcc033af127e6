"""Where people meet feedbot: Slack, Microsoft Teams and the web dashboard."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr, model_validator

from bot.kernel.settings.base import Section

# What the app manifest asks (adapters/slack/manifest.py says why each): an OAuth install asks the same.
BOT_SCOPES = ("commands", "chat:write", "im:write", "im:history", "app_mentions:read", "users:read",
              "users:read.email", "files:write")
PATH = r"^/[A-Za-z0-9_\-/]*$"


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
    # OAuth install in many workspaces (docs/slack.md): client id and secret set, and no bot_token.
    client_id: str = ""
    client_secret: SecretStr | None = None
    scopes: list[str] = Field(default_factory=lambda: list(BOT_SCOPES), min_length=1)
    install_path: str = Field("/slack/install", pattern=PATH)
    redirect_uri_path: str = Field("/slack/oauth_redirect", pattern=PATH)
    # Slack's authorize page; tests point it elsewhere.
    authorize_url: str = "https://slack.com/oauth/v2/authorize"
    # How long an install page's state is good for: from "Add to Slack" to Slack's redirect back.
    state_minutes: int = Field(10, ge=1, le=60)
    # The organisation's workspaces (T…) or Enterprise Grid orgs (E…) that may install through OAuth: anyone
    # can open a distributed app's install page, and a stranger's workspace must not reach the org's people
    # (needed with OAuth for one organisation; see Settings._oauth_names_the_workspaces).
    workspaces: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _oauth_over_http(self) -> SlackSettings:
        self.workspaces = [w.strip() for w in self.workspaces if w.strip()]
        if self.oauth and self.socket_mode:
            raise ValueError("OAuth installs (slack.client_id) need HTTP: turn slack.socket_mode off")
        return self

    def allows(self, team_id: str | None, enterprise_id: str | None) -> bool:
        """May this workspace be served? With one bot token (no list) there is just the one."""
        return not self.workspaces or bool({team_id, enterprise_id} & set(self.workspaces))

    @property
    def oauth(self) -> bool:
        """Many workspaces, each installed through OAuth, instead of one bot token."""
        return bool(self.client_id and self.client_secret and self.signing_secret) and self.bot_token is None

    @property
    def enabled(self) -> bool:
        return self.bot_token is not None or self.oauth


class TeamsGraphSettings(Section):
    """Microsoft Graph, read to find a message a replica died sending before it is sent again (docs/deploying.md,
    "Replicas"): off unless the app was granted what that needs. Other clouds (and tests) change the addresses."""

    enabled: bool = False
    # The token endpoint is <login_url><tenant>/oauth2/v2.0/token; the scope is Graph's own address + /.default.
    login_url: str = Field("https://login.microsoftonline.com/", pattern=r"^https?://[^\s]+/$")
    url: str = Field("https://graph.microsoft.com/v1.0/", pattern=r"^https?://[^\s]+/$")


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
    graph: TeamsGraphSettings = Field(default_factory=TeamsGraphSettings)

    @model_validator(mode="after")
    def _single_tenant_has_its_tenant(self) -> TeamsSettings:
        if self.app_id and self.app_type == "SingleTenant" and not self.tenant_id:
            raise ValueError("teams.tenant_id is needed for a SingleTenant app (the App Tenant ID in Azure)")
        if self.graph.enabled and not self.app_id:
            raise ValueError("teams.graph.enabled needs teams.app_id: Graph is read with the bot's own app")
        return self


class OidcClient(Section):
    """An OpenID Connect client registered with the provider; off while client_id is empty."""

    label: ClassVar[str] = ""  # on its button: "Sign in with <label>" (a brand name, not translated)
    client_id: str = ""
    client_secret: SecretStr | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.client_id)

    @model_validator(mode="after")
    def _secret_with_id(self) -> OidcClient:
        if self.client_id and not (self.client_secret and self.client_secret.get_secret_value()):
            raise ValueError("client_secret is needed with client_id")
        return self


class SlackOidcSettings(OidcClient):
    """Sign in with Slack: Slack's fixed endpoints (tests point them at loopback)."""

    label: ClassVar[str] = "Slack"

    # Optional: only this workspace's members (the id_token's https://slack.com/team_id, e.g. T0123ABCD).
    team_id: str = ""
    issuer: str = "https://slack.com"
    authorize_url: str = "https://slack.com/openid/connect/authorize"
    token_url: str = "https://slack.com/api/openid.connect.token"
    jwks_url: str = "https://slack.com/openid/connect/keys"


class EntraOidcSettings(OidcClient):
    """Microsoft Entra ID: one tenant, whose endpoints and issuer come from its discovery document."""

    label: ClassVar[str] = "Microsoft"

    tenant: str = ""  # the Directory (tenant) ID, or a verified domain such as contoso.onmicrosoft.com
    authority: str = "https://login.microsoftonline.com"  # sovereign clouds have their own; tests use loopback

    @model_validator(mode="after")
    def _one_tenant(self) -> EntraOidcSettings:
        if self.client_id and self.tenant.strip().lower() in ("", "common", "organizations", "consumers"):
            raise ValueError("tenant must be your Directory (tenant) ID: people are matched to one organisation")
        return self

    @property
    def discovery_url(self) -> str:
        return f"{self.authority.rstrip('/')}/{self.tenant}/v2.0/.well-known/openid-configuration"


class OidcSettings(Section):
    """The identity providers, by the name in their URLs (/dashboard/oidc/slack), in the order of their buttons."""

    slack: SlackOidcSettings = Field(default_factory=SlackOidcSettings)
    entra: EntraOidcSettings = Field(default_factory=EntraOidcSettings)

    def enabled(self) -> list[tuple[str, OidcClient]]:
        return [(name, client) for name in type(self).model_fields if (client := getattr(self, name)).enabled]


class DashboardSettings(Section):
    """The web dashboard at /dashboard/ on `feedbot serve` (docs/dashboard.md)."""

    enabled: bool = True
    # Where people open it, as the sign-in links say: https://feedbot.example.com; empty: http://server.host:port.
    base_url: str = Field("", pattern=r"^(https?://[^\s/]+(/[^\s]*)?)?$")
    # How long a one-time sign-in link from /dashboard or `feedbot dashboard-link` is valid.
    link_minutes: int = Field(15, ge=1, le=60)
    # How long a signed-in session lasts (at most a day: a sign-out is remembered for two).
    session_hours: int = Field(8, ge=1, le=24)
    # Sign in with an identity provider as well as with a link (docs/dashboard.md): [dashboard.oidc.slack], ….
    oidc: OidcSettings = Field(default_factory=OidcSettings)
