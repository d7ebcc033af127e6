"""The organisations of one deployment, each isolated by construction: its own database namespace
(`feedbot.namespaces`), its own `Deps` (settings overlaid with its `[organisations.SLUG]` tables, its own sealer
key) and its own platform instances. Resolves a Slack workspace or Teams tenant to its organisation, creates one on
an install when `tenancy.auto_create` allows it, and lists them all for the scheduler and the outbox.

With no `[organisations]` and no tenancy, none of this runs: the deployment is its one organisation, as before."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from pydantic import SecretStr

from adapters.platform import Platform, PlatformMessenger
from bot.kernel.clock import Clock, SystemClock
from bot.kernel.context import Deps
from bot.kernel.i18n import Catalogs
from bot.kernel.outbox import Messenger
from bot.kernel.sealing import Sealer
from bot.kernel.settings import Settings
from feedbot.app import build_deps
from feedbot.namespaces import namespace_of, open_namespace
from feedbot.organisation_settings import (
    DeploymentSettings,
    OrganisationConfig,
    OrganisationSlack,
    organisation_settings,
)
from feedbot.privacy_key import PrivacyKeyError, sample_seals
from storage import registry
from storage.db import Database, is_sqlite
from storage.models.organisations import SUSPENDED
from storage.models.organisations import Organisation as Registered

log = logging.getLogger(__name__)

PlatformsFor = Callable[[Settings], list[Platform]]
# How long a workspace no organisation serves is answered from memory before the registry is read again.
MISS_SECONDS = 30.0
SlackTokens = Callable[[str], Awaitable[str | None]]  # a workspace's bot token from an installation store
Started = Callable[["Organisation"], Awaitable[None]]


@dataclass
class Organisation:
    slug: str
    name: str
    slack_team: str
    teams_tenant: str
    db: Database
    deps: Deps
    platforms: list[Platform] = field(default_factory=list)

    def platform(self, name: str) -> Platform | None:
        return next((p for p in self.platforms if p.name == name), None)

    def serves(self, platform: str, workspace: str) -> bool:
        return bool(workspace) and workspace == workspace_on(platform, self.slack_team, self.teams_tenant)


def workspace_on(platform: str, slack_team: str, teams_tenant: str) -> str:
    """An organisation's id on `platform`: its Slack team, its Teams tenant ("" if it has none there)."""
    return {"slack": slack_team, "teams": teams_tenant}.get(platform, "")


def organisation_secret(secret: bytes, slug: str) -> bytes:
    """A key of the organisation's own: its seals, sign-in links and sessions mean nothing in another one."""
    return hmac.new(secret, b"feedbot organisation\x00" + slug.encode(), hashlib.sha256).digest()


def installed_slug(platform: str, workspace: str) -> str:
    return f"{platform}_{re.sub('[^a-z0-9]', '', workspace.lower())}"[:30]


class Organisations:
    def __init__(self, settings: DeploymentSettings, main: Database, secret: bytes, *, clock: Clock | None = None,
                 catalogs: Catalogs | None = None, platforms_for: PlatformsFor = lambda _settings: [],
                 started: Started | None = None, messenger: Messenger | None = None,
                 slack_tokens: SlackTokens | None = None, stopped: Started | None = None) -> None:
        self.settings, self.main, self.secret = settings, main, secret
        self.clock, self.catalogs = clock or SystemClock(), catalogs or Catalogs()
        self.platforms_for, self.started, self.messenger = platforms_for, started, messenger
        self.slack_tokens, self.stopped = slack_tokens, stopped
        self.opened: dict[str, Organisation] = {}
        self._installing = asyncio.Lock()
        self._misses: dict[tuple[str, str], float] = {}  # (platform, workspace) → until when it is not looked up

    async def open(self, *, migrate: bool | None = None, only: str | None = None, suspended: bool = False) -> None:
        """Register the configured organisations, then open every active one (or `only` that one), migrated on
        SQLite or when asked. `suspended`: `only` even if it is suspended (an admin exporting or erasing its data)."""
        await self._register_configured()
        for row in await registry.registered(self.main):
            named = only == row.slug
            if (named or only is None) and row.slug not in self.opened and (row.status != SUSPENDED
                                                                               or (named and suspended)):
                await self._open(row, migrate)

    async def slugs(self, *, suspended: bool = False) -> list[str]:
        """Every active organisation's slug, configured or installed (and the suspended ones', if asked)."""
        await self._register_configured()
        return [row.slug for row in await registry.registered(self.main) if suspended or row.status != SUSPENDED]

    async def _register_configured(self) -> None:
        now = self.clock.now()
        for slug, config in self.settings.organisations.items():
            await registry.record(self.main, slug=slug, name=config.name or slug, now=now,
                                  namespace=namespace_of(self.settings.database.url, slug),
                                  slack_team=config.slack_team, teams_tenant=config.teams_tenant)

    def all(self) -> list[Organisation]:
        return list(self.opened.values())

    def find(self, platform: str, workspace: str) -> Organisation | None:
        return next((org for org in self.opened.values() if org.serves(platform, workspace)), None)

    async def resolve(self, platform: str, workspace: str) -> Organisation | None:
        """The organisation `workspace` belongs to; a Teams tenant in teams.allowed_tenants gets one of its own on
        its first message when tenancy.auto_create is on; anyone else None (refused)."""
        found = self.find(platform, workspace) or await self._installed_elsewhere(platform, workspace)
        if found is None and platform == "teams" and self.settings.tenancy.auto_create \
                and workspace in self.settings.teams.allowed_tenants:
            return await self.install(platform, workspace, workspace, None)
        return found

    async def _installed_elsewhere(self, platform: str, workspace: str) -> Organisation | None:
        """An organisation another replica installed or reactivated since this one opened the registry, opened here
        too. A miss is remembered for MISS_SECONDS, so a stranger's requests do not each read the registry."""
        now = time.monotonic()
        if self._misses.get((platform, workspace), 0.0) > now:
            return None
        for row in await registry.registered(self.main):
            if row.status != SUSPENDED and workspace == workspace_on(platform, row.slack_team or "",
                                                                     row.teams_tenant or ""):
                async with self._installing:
                    return self.opened.get(row.slug) or await self._open(row, None)
        self._misses[(platform, workspace)] = now + MISS_SECONDS
        return None

    async def install(self, platform: str, workspace_id: str, name: str, installer_email: str | None) -> Organisation:
        """The hook of an install (Slack OAuth, a Teams tenant): the organisation of `workspace_id`, created with its
        namespace when new, made active again when suspended; the installer becomes one of its admins."""
        async with self._installing:
            found = self.find(platform, workspace_id)
            if found is not None and installer_email is None:
                return found
            configured_slug = next((slug for slug, config in self.settings.organisations.items()
                                    if workspace_id == workspace_on(platform, config.slack_team, config.teams_tenant)),
                                   None)
            slug = found.slug if found is not None else configured_slug or installed_slug(platform, workspace_id)
            configured = self.settings.organisations.get(slug)
            if configured is None and found is None and not self.settings.tenancy.auto_create:
                raise PermissionError(f"{platform} {workspace_id} is not an organisation here and "
                                      f"tenancy.auto_create is off")
            ids = {"slack_team": workspace_id} if platform == "slack" else {"teams_tenant": workspace_id}
            row = await registry.record(self.main, slug=slug, name=name, now=self.clock.now(),
                                        namespace=namespace_of(self.settings.database.url, slug),
                                        installer_email=installer_email.strip().lower() if installer_email else None,
                                        **(ids if configured is None else {"slack_team": configured.slack_team,
                                                                          "teams_tenant": configured.teams_tenant}))
            if found is not None:
                await self._close(found)
            log.info("organisation %s installed for %s %s", slug, platform, workspace_id)
            return await self._open(row, migrate=True)

    async def suspend(self, platform: str, workspace: str) -> None:
        """Uninstalled: nothing more is sent or received for it; its data stays until an admin erases it."""
        found = self.find(platform, workspace)
        if found is not None:
            await registry.set_status(self.main, found.slug, SUSPENDED)
            await self._close(found)

    async def close(self) -> None:
        for org in list(self.opened.values()):
            await self._close(org)

    async def _close(self, org: Organisation) -> None:
        self.opened.pop(org.slug, None)
        if self.stopped is not None:  # its scheduler first: no tick for an organisation being closed
            await self.stopped(org)
        for platform in org.platforms:
            await platform.stop()
        await org.db.dispose()

    async def _open(self, row: Registered, migrate: bool | None) -> Organisation:
        config = self.settings.organisations.get(row.slug) or OrganisationConfig(
            slack_team=row.slack_team or "", teams_tenant=row.teams_tenant or "")
        admins = list(dict.fromkeys([*config.org.get("admins", []), row.installer_email])) \
            if row.installer_email else None
        if config.slack_team and config.slack.bot_token is None and self.slack_tokens is not None:
            token = await self.slack_tokens(config.slack_team)  # an OAuth install's, kept by the install store
            if token:
                config = config.model_copy(update={"slack": OrganisationSlack(bot_token=SecretStr(token))})
        settings = organisation_settings(self.settings, config, admins=admins)
        db = await open_namespace(settings, row.namespace,
                                  migrate=is_sqlite(self.main.url) if migrate is None else migrate)
        try:
            sealer = await self._sealer(row.slug, db)
            # A platform only where the organisation has a workspace or tenant on it: never another's token.
            platforms = [p for p in self.platforms_for(settings)
                         if p.name not in ("slack", "teams") or workspace_on(p.name, config.slack_team,
                                                                              config.teams_tenant)]
            # No platform yet (an install whose token is not stored yet): nobody can be reached, which the outbox says.
            messenger = self.messenger if self.messenger is not None and not platforms else PlatformMessenger(platforms)
            deps = build_deps(settings, db, messenger, clock=self.clock, catalogs=self.catalogs, sealer=sealer)
        except BaseException:
            await db.dispose()
            raise
        org = Organisation(row.slug, row.name, config.slack_team, config.teams_tenant, db, deps, platforms)
        self.opened[row.slug] = org
        if self.started is not None:
            await self.started(org)
        return org

    async def _sealer(self, slug: str, db: Database) -> Sealer:
        sealer = Sealer(organisation_secret(self.secret, slug))
        seals = await sample_seals(db)
        if seals and not sealer.opens_any(seals):
            raise PrivacyKeyError(f"the privacy key does not open organisation {slug}'s seals: it is not the key its "
                                  f"namespace was used with — put the deployment's key back")
        return sealer
