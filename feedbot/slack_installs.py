"""Slack's "Add to Slack" for a deployment of organisations: the install page and its callback mounted once, in front
of every organisation, and the installs kept in the main database beside the registry (tokens sealed with the
deployment's key). An install makes the workspace's organisation, or makes it active again, and its Slack app then
runs with that workspace's token; an uninstall revokes the install and suspends the organisation, its data kept
until an admin erases it."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import CALL_FAILED, api_error
from adapters.slack.installs import Installed, NotInstalled, Workspaces
from adapters.slack.oauth import Installer, InstallRefused
from adapters.slack.people import profile_of
from bot.kernel.context import Deps
from bot.kernel.settings import Settings
from feedbot.organisations import Organisations, SlackTokens

log = logging.getLogger(__name__)


class SlackInstalls:
    """A router of the deployment's server (`adapters.server.Router`), and the organisations' Slack hooks."""

    name = "slack-install"

    def __init__(self, settings: Settings, deps: Deps, organisations: Organisations) -> None:
        """`deps`: the main database's (the deployment's sealer), where the installs are kept."""
        self.deps, self.organisations = deps, organisations
        self.workspaces = Workspaces()
        self.client = AsyncWebClient(base_url=settings.slack.api_url)  # oauth.v2.access, the installer's users.info
        self.installer = Installer(settings, self.client, self.workspaces, on_installed=self._installed)
        self.installer.bind(deps)
        self.suspending: dict[str, asyncio.Task[None]] = {}  # by workspace

    def mount(self, app: web.Application) -> None:
        self.installer.mount(app, self.deps)

    async def token(self, team: str) -> str | None:
        """`Organisations.slack_tokens`: the workspace's bot token, None when it is not installed (or revoked)."""
        return await token_of(self.workspaces, team)

    async def revoked(self, team: str, why: str) -> None:
        """An organisation's Slack app heard app_uninstalled (or its bot token revoked), or Slack refused its token
        (an event this replica missed): the install is revoked at once, and the organisation is suspended in the
        background (stopping waits for its work in flight, and Slack wants its ack within 3 seconds)."""
        await self.workspaces.revoke(team, why)
        if team not in self.suspending:  # each refused send of a fan-out says it again
            self.suspending[team] = asyncio.create_task(self.organisations.suspend("slack", team))
            self.suspending[team].add_done_callback(lambda task: self._suspended(team, task))

    async def idle(self) -> None:
        """Wait until the organisations being suspended are (tests, shutdown)."""
        await asyncio.gather(*self.suspending.values(), return_exceptions=True)

    def _suspended(self, team: str, task: asyncio.Task[None]) -> None:
        self.suspending.pop(team, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("Slack: suspending an uninstalled workspace's organisation failed", exc_info=task.exception())

    async def _installed(self, install: Installed) -> None:
        email = await self._installer_email(install)
        try:
            await self.organisations.install("slack", install.team_id, install.team_name or install.team_id, email)
        except PermissionError as exc:  # tenancy.auto_create is off and no [organisations.*] has this workspace
            raise InstallRefused(str(exc)) from None

    async def _installer_email(self, install: Installed) -> str | None:
        """Whoever installed feedbot becomes an admin of the organisation: their email, read with the new token."""
        token = await token_of(self.workspaces, install.team_id)
        if token is None or not install.installer_user_id:
            return None
        try:
            answer = await self.client.users_info(user=install.installer_user_id, token=token)
        except CALL_FAILED as exc:  # the organisation is made anyway; its admins can be set in the config
            log.warning("Slack: the installer of workspace %s could not be read: %s", install.team_id, api_error(exc))
            return None
        return profile_of(answer.get("user") or {"id": install.installer_user_id}).email


def stored_tokens(deps: Deps) -> SlackTokens:
    """`Organisations.slack_tokens` without the install pages (`feedbot run-due`): the installs in `deps`'s database."""
    workspaces = Workspaces()
    workspaces.bind(deps)
    return lambda team: token_of(workspaces, team)


async def token_of(workspaces: Workspaces, team: str) -> str | None:
    try:
        return (await workspaces.credentials(team)).token
    except NotInstalled:
        return None
