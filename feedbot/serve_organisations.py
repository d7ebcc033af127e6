"""`feedbot serve` for several organisations: one route per platform, routed to the organisation of the request's
workspace or tenant; each organisation with its own platforms (started with its Deps, sending its own outbox) and
its own scheduler tick, whose exactly-once keys stay in its own database."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from json import JSONDecodeError

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from adapters.console.chat import ConsoleMessenger
from adapters.pacing import Limiter
from adapters.platform import PlatformError
from adapters.routing import Handles, RoutedPlatform
from adapters.server import Router, RunningServer, start_server
from bot.kernel.clock import Clock
from bot.kernel.context import Deps
from bot.kernel.i18n import Catalogs
from bot.kernel.sealing import Sealer
from feedbot.app import build_deps
from feedbot.organisation_settings import DeploymentSettings
from feedbot.organisations import Organisation, Organisations, SlackTokens
from feedbot.platforms import enabled_platforms
from storage.db import Database

SLACK_EVENTS = "/slack/events"
TEAMS_MESSAGES = "/api/messages"


async def slack_workspace(request: web.Request) -> str:
    from adapters.slack.shapes import workspace_of

    return workspace_of(await request.read(), request.content_type)


async def teams_tenant(request: web.Request) -> str:
    from adapters.teams.inbound import tenant_of

    try:
        body = await request.json()
    except (JSONDecodeError, UnicodeDecodeError):
        return ""
    return tenant_of(body) if isinstance(body, dict) else ""


@dataclass
class Deployment:
    """The running server in front of every organisation, and each organisation's scheduler."""

    organisations: Organisations
    server: RunningServer | None = None
    schedulers: dict[str, AsyncIOScheduler] = field(default_factory=dict)

    async def close(self) -> None:
        for scheduler in self.schedulers.values():
            scheduler.shutdown(wait=False)
        self.schedulers.clear()
        if self.server is not None:
            await self.server.close()
        await self.organisations.close()


async def start_deployment(settings: DeploymentSettings, main: Database, secret: bytes, *, host: str, port: int,
                           pacing: Limiter | None = None, schedule: bool = True, clock: Clock | None = None,
                           catalogs: Catalogs | None = None, migrate: bool | None = None,
                           slack_tokens: SlackTokens | None = None) -> Deployment:
    """Open every organisation, start its platforms (and scheduler), and listen in front of them all; installs add
    organisations while it runs (`deployment.organisations.install`)."""
    from bot.rhythm.scheduler import start_scheduler

    deployment: Deployment

    async def started(org: Organisation) -> None:
        for platform in org.platforms:
            await platform.start(org.deps)
            workspace = getattr(platform.messenger, "workspace", None)  # Slack: the team its token belongs to
            if platform.name == "slack" and workspace != org.slack_team:
                raise PlatformError(f"organisation {org.slug}: its Slack token belongs to workspace {workspace}, "
                                    f"not to its slack_team {org.slack_team}")
        if schedule:
            deployment.schedulers[org.slug] = start_scheduler(org.deps)

    async def stopped(org: Organisation) -> None:
        scheduler = deployment.schedulers.pop(org.slug, None)
        if scheduler is not None:
            scheduler.shutdown(wait=False)

    organisations = Organisations(settings, main, secret, clock=clock, catalogs=catalogs, started=started,
                                  platforms_for=lambda org_settings: enabled_platforms(org_settings, pacing),
                                  slack_tokens=slack_tokens, stopped=stopped)
    deployment = Deployment(organisations)
    try:
        await organisations.open(migrate=migrate)
        deployment.server = await start_server(server_deps(settings, main, organisations), (), host, port,
                                               routers(settings, organisations),
                                               lambda: [(org.slug, org.deps) for org in organisations.all()])
    except BaseException:
        await deployment.close()
        raise
    return deployment


def server_deps(settings: DeploymentSettings, main: Database, organisations: Organisations) -> Deps:
    """/readyz and /metrics look at the main database (the registry); it has no dashboard of its own."""
    plain = settings.model_copy(update={"dashboard": settings.dashboard.model_copy(update={"enabled": False})})
    return build_deps(plain, main, ConsoleMessenger(sys.stderr), clock=organisations.clock,
                      catalogs=organisations.catalogs, sealer=Sealer(organisations.secret))


def routers(settings: DeploymentSettings, organisations: Organisations) -> list[Router]:
    from adapters.web.routed import RoutedDashboard

    async def resolve(name: str, workspace: str) -> Handles | None:
        org = await organisations.resolve(name, workspace)
        platform = org.platform(name) if org is not None else None
        return platform if isinstance(platform, Handles) else None

    def unnamed(name: str) -> Callable[[], Handles | None]:
        return lambda: next((p for org in organisations.all() if isinstance(p := org.platform(name), Handles)), None)

    found: list[Router] = []
    slack = settings.slack
    if slack.bot_token or slack.signing_secret or any(c.slack.bot_token for c in settings.organisations.values()):
        found.append(RoutedPlatform("slack", SLACK_EVENTS, slack_workspace, resolve, unnamed("slack")))
    if settings.teams.app_id or settings.teams.allow_unauthenticated:
        found.append(RoutedPlatform("teams", TEAMS_MESSAGES, teams_tenant, resolve, unnamed("teams")))
    if settings.dashboard.enabled:
        found.append(RoutedDashboard(lambda: [org.deps for org in organisations.all()]))
    return found
