"""The settings of a deployment serving several organisations: `[organisations.SLUG]` tables and `[tenancy]`.

The core never sees these sections: each organisation gets an ordinary `Settings`, the deployment's overlaid with
that organisation's own tables, validated by the same model."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator

from bot.kernel.settings import Section, Settings

SLUG = r"^[a-z][a-z0-9_]{0,29}$"
# What an organisation may set for itself; everything else (database, server, platforms' apps) is the deployment's.
OVERLAID = ("org", "kudos", "ideas", "checkin", "digest", "oneonone", "pulse")


class OrganisationSlack(Section):
    bot_token: SecretStr | None = None  # this workspace's own bot token (an OAuth install stores its own)


class OrganisationConfig(Section):
    name: str = ""
    slack_team: str = Field("", pattern=r"^(T[A-Z0-9]{1,20})?$")
    teams_tenant: str = Field("", pattern=r"^[0-9A-Za-z-]{0,64}$")
    slack: OrganisationSlack = OrganisationSlack()
    org: dict[str, Any] = Field(default_factory=dict)
    kudos: dict[str, Any] = Field(default_factory=dict)
    ideas: dict[str, Any] = Field(default_factory=dict)
    checkin: dict[str, Any] = Field(default_factory=dict)
    digest: dict[str, Any] = Field(default_factory=dict)
    oneonone: dict[str, Any] = Field(default_factory=dict)
    pulse: dict[str, Any] = Field(default_factory=dict)

    def overrides(self) -> dict[str, dict[str, Any]]:
        return {section: getattr(self, section) for section in OVERLAID if getattr(self, section)}


ORG_HELP = "the organisation to act on, when the deployment serves several ([organisations.SLUG])"


class TenancySettings(Section):
    # Create an organisation (and its database namespace) on an OAuth install, or on the first message of a Teams
    # tenant in teams.allowed_tenants; otherwise only `[organisations.*]` and earlier installs are served.
    auto_create: bool = False


class DeploymentSettings(Settings):
    organisations: dict[str, OrganisationConfig] = Field(default_factory=dict)
    tenancy: TenancySettings = TenancySettings()

    def lists_its_workspaces(self) -> bool:
        return not (self.organisations or self.tenancy.auto_create)

    @field_validator("organisations")
    @classmethod
    def _slugs(cls, value: dict[str, OrganisationConfig]) -> dict[str, OrganisationConfig]:
        for slug in value:
            if not re.match(SLUG, slug):
                raise ValueError(f"{slug!r}: an organisation's name in [organisations.NAME] is lowercase letters, "
                                 f"digits and _ (at most 30), starting with a letter")
        for field in ("slack_team", "teams_tenant"):
            ids = [getattr(config, field) for config in value.values() if getattr(config, field)]
            if len(ids) != len(set(ids)):
                raise ValueError(f"two organisations have the same {field}: each workspace or tenant is one's")
        return value

    @model_validator(mode="after")
    def _overlays_are_valid(self) -> DeploymentSettings:
        if self.organisations and self.slack.socket_mode:
            raise ValueError("slack.socket_mode serves one workspace: several organisations need the HTTP endpoint")
        tenants = [config.teams_tenant for config in self.organisations.values() if config.teams_tenant]
        if self.teams.app_type == "SingleTenant" and len(tenants) > 1:
            raise ValueError("several organisations' Teams tenants need teams.app_type = \"MultiTenant\"")
        for slug, config in self.organisations.items():
            try:
                organisation_settings(self, config)
            except ValueError as exc:
                raise ValueError(f"organisations.{slug}: {exc}") from None
        return self


class OrganisationSettings(Settings):
    """One organisation's settings among several: its workspace is the one tenancy routes to it."""

    def lists_its_workspaces(self) -> bool:
        return False


def organisation_settings(settings: Settings, config: OrganisationConfig, *,
                          admins: list[str] | None = None) -> Settings:
    """An organisation's settings: the deployment's, its own sections laid over them (table by table), its Teams
    tenant as the only one its Teams app answers. Raises ValueError naming what is wrong."""
    data = settings.model_dump(exclude={"organisations", "tenancy"})  # secrets stay SecretStr, as validated
    for section, values in config.overrides().items():
        data[section] = data[section] | values
    # Signing in through an identity provider names no organisation: with several, people sign in with a link from
    # their own organisation's chat (/dashboard), whose key says which one it is.
    data["dashboard"]["oidc"] = {}
    if admins is not None:
        data["org"]["admins"] = admins
    # The deployment runs Slack's OAuth install (feedbot.slack_installs); an organisation's Slack app always runs with
    # its own workspace's bot token, and without one it has no Slack at all.
    data["slack"] |= {"client_id": "", "client_secret": None}
    if config.slack.bot_token is not None:
        data["slack"]["bot_token"] = config.slack.bot_token.get_secret_value()
    if config.teams_tenant:
        data["teams"] |= {"tenant_id": config.teams_tenant, "allowed_tenants": [config.teams_tenant]}
    try:
        return OrganisationSettings.model_validate(data)
    except ValidationError as exc:
        raise ValueError("; ".join(".".join(str(part) for part in error["loc"]) + ": "
                                   + error["msg"].removeprefix("Value error, ") for error in exc.errors())) from None


def is_multi(settings: Settings) -> bool:
    """Whether this deployment serves organisations (else it is one organisation, with no registry at all)."""
    return isinstance(settings, DeploymentSettings) and bool(settings.organisations or settings.tenancy.auto_create)
