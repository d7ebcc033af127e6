"""Slack workspaces installed through OAuth, kept in feedbot's own database: slack_sdk's installation store and
OAuth state store on the unit of work, the token of each workspace for the calls made in it, and bolt's
authorize for inbound requests.

Bot tokens are sealed with the deployment's privacy key (`Sealer.seal_untimed`) before they are stored, so a
database dump or backup holds no usable token; they are never logged. A token is kept in memory for a short
while (`TOKEN_SECONDS`), so a busy fan-out does not read the database before each call; the replica that sees
an uninstall forgets it at once, the others within that while (and at once if Slack refuses it).
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from logging import Logger
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.error import BoltError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from adapters.slack.people import PLATFORM
from bot.kernel.context import Deps
from storage.models import AppInstall

log = logging.getLogger(__name__)

TOKEN_SECONDS = 30.0


OnRevoked = Callable[[str, str], Awaitable[None]]  # (workspace, why): feedbot may no longer reach it


class NotInstalled(Exception):
    """feedbot is not installed in this workspace (never, or removed, or its token revoked)."""


class NotListed(Exception):
    """An install from a workspace that is not one of the organisation's (`slack.workspaces`): nothing stored. It
    carries the token Slack has just granted, to be given back (`auth.revoke`); the token is not in its message."""

    def __init__(self, team_id: str, token: str) -> None:
        super().__init__(team_id)
        self.team_id, self.token = team_id, token


@dataclass(frozen=True)
class Installed:
    """A workspace that has just installed feedbot, as the `on_installed` hook gets it (no token)."""

    team_id: str
    team_name: str | None
    enterprise_id: str | None
    installer_user_id: str | None
    bot_user_id: str | None
    installed_at: datetime


@dataclass(frozen=True)
class Credentials:
    token: str
    bot_id: str
    bot_user_id: str
    scopes: list[str]
    enterprise_id: str | None


class Workspaces(AsyncInstallationStore):
    """Installs per workspace (team id), for bolt's OAuth flow and for every call feedbot makes in a workspace."""

    def __init__(self, ttl_seconds: float = TOKEN_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.deps: Deps | None = None
        self.ttl = ttl_seconds
        self.clock = clock
        self._cache: dict[str, tuple[float, Credentials | None]] = {}

    @property
    def logger(self) -> Logger:
        return log

    def bind(self, deps: Deps) -> None:
        self.deps = deps

    # ---- what feedbot asks ----

    async def credentials(self, team_id: str) -> Credentials:
        """The workspace's bot token and ids; NotInstalled when there is no usable install."""
        cached = self._cache.get(team_id)
        if cached is None or self.clock() - cached[0] >= self.ttl:
            cached = (self.clock(), await self._load(team_id))
            self._cache[team_id] = cached
        if cached[1] is None:
            raise NotInstalled(team_id)
        return cached[1]

    async def revoke(self, team_id: str, why: str) -> bool:
        """Mark the workspace's install revoked (its row and every person's data stay): nothing more is sent
        there until it is installed again. One log line when it was installed."""
        deps = self._deps()
        async with deps.uow() as uow:
            revoked = await uow.installs.revoke(PLATFORM, team_id, deps.clock.now())
        self._cache[team_id] = (self.clock(), None)
        if revoked:
            log.warning("Slack: %s in workspace %s: nothing more is sent there until feedbot is installed again",
                        why, team_id)
        return revoked

    async def sole(self) -> str | None:
        """The one workspace feedbot is installed in, if there is exactly one."""
        deps = self._deps()
        async with deps.uow() as uow:
            active = await uow.installs.active(PLATFORM)
        return active[0].team_id if len(active) == 1 else None

    async def authorize(self, enterprise_id: str | None, team_id: str | None) -> AuthorizeResult | None:
        """bolt's authorize for an inbound request: the stored token of its workspace, without an auth.test."""
        try:
            found = await self.credentials(team_id or "")
        except NotInstalled:
            return None
        return AuthorizeResult(enterprise_id=found.enterprise_id, team_id=team_id, bot_id=found.bot_id,
                               bot_user_id=found.bot_user_id, bot_token=found.token, bot_scopes=found.scopes)

    async def _load(self, team_id: str) -> Credentials | None:
        deps = self._deps()
        async with deps.uow() as uow:
            row = await uow.installs.find(PLATFORM, team_id)
        if row is None or row.revoked_at is not None or row.bot_token is None:
            return None
        if not deps.settings.slack.allows(row.team_id, row.enterprise_id):  # the list changed since it installed
            log.warning("Slack: workspace %s is not in slack.workspaces: not served", team_id)
            return None
        token = deps.sealer.unseal_untimed(row.bot_token)
        if token is None:  # sealed under another privacy key: only a new install brings a usable token
            log.warning("Slack: the token of workspace %s does not open with this privacy key; install again",
                        team_id)
            return None
        return Credentials(token.decode(), row.bot_id or "", row.bot_user_id or "",
                           [s for s in row.bot_scopes.split(",") if s], row.enterprise_id)

    # ---- slack_sdk's AsyncInstallationStore ----

    async def async_save(self, installation: Installation) -> None:
        deps = self._deps()
        if not installation.team_id or not installation.bot_token:
            raise ValueError("an install without a workspace or a bot token")  # an org-wide install: not enabled
        if not deps.settings.slack.allows(installation.team_id, installation.enterprise_id):
            log.warning("Slack: an install from workspace %s, not in slack.workspaces, was refused",
                        installation.team_id)
            raise NotListed(installation.team_id, installation.bot_token)
        row = AppInstall(
            platform=PLATFORM, team_id=installation.team_id, team_name=installation.team_name,
            enterprise_id=installation.enterprise_id, enterprise_name=installation.enterprise_name,
            app_id=installation.app_id, bot_id=installation.bot_id, bot_user_id=installation.bot_user_id,
            bot_token=deps.sealer.seal_untimed(installation.bot_token.encode()),
            bot_scopes=",".join(installation.bot_scopes or []), installer_user_id=installation.user_id,
            is_enterprise_install=bool(installation.is_enterprise_install), installed_at=deps.clock.now(),
            revoked_at=None)
        try:
            async with deps.uow() as uow:
                await uow.installs.save(row)
        except Exception as exc:  # bolt answers a BoltError with its storage_error page (500), nothing stored
            raise BoltError(f"the install could not be stored: {type(exc).__name__}") from exc
        self._cache.pop(installation.team_id, None)

    async def async_find_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                      user_id: str | None = None,
                                      is_enterprise_install: bool | None = False) -> Installation | None:
        deps = self._deps()
        async with deps.uow() as uow:
            row = await uow.installs.find(PLATFORM, team_id or "")
        if row is None or (user_id is not None and user_id != row.installer_user_id):
            return None
        try:
            found = await self.credentials(row.team_id)
        except NotInstalled:
            return None
        return Installation(
            app_id=row.app_id, enterprise_id=row.enterprise_id, enterprise_name=row.enterprise_name,
            team_id=row.team_id, team_name=row.team_name, bot_token=found.token, bot_id=row.bot_id,
            bot_user_id=row.bot_user_id, bot_scopes=found.scopes, user_id=row.installer_user_id or "",
            is_enterprise_install=row.is_enterprise_install, installed_at=row.installed_at.timestamp())

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        installation = await self.async_find_installation(enterprise_id=enterprise_id, team_id=team_id)
        return installation.to_bot() if installation is not None else None

    async def async_delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                        user_id: str | None = None) -> None:
        """Forgets the install entirely (an admin erasing a workspace); an uninstall only revokes (`revoke`)."""
        deps = self._deps()
        async with deps.uow() as uow:
            await uow.installs.delete(PLATFORM, team_id or "")
        self._cache.pop(team_id or "", None)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)

    def _deps(self) -> Deps:
        if self.deps is None:
            raise RuntimeError("SlackPlatform.mount() or start() binds the installs before any request")
        return self.deps


class States(AsyncOAuthStateStore):
    """OAuth states signed with the deployment's privacy key, so any replica can check the callback's state, and an
    install page costs no database row (a crawler opening it a million times writes nothing). A state is
    `nonce.expiry.signature`; bolt also sets it as a cookie, so it must come back in the same browser. The database
    only keeps the states already used, until they expire, so none is used twice."""

    def __init__(self, workspaces: Workspaces, minutes: int) -> None:
        self.workspaces = workspaces
        self.lifetime = timedelta(minutes=minutes)

    @property
    def logger(self) -> Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        deps = self.workspaces._deps()
        unsigned = f"{secrets.token_urlsafe(16)}.{int((deps.clock.now() + self.lifetime).timestamp())}"
        return f"{unsigned}.{self._signature(deps, unsigned)}"

    async def async_consume(self, state: str) -> bool:
        """True once for a state signed here and not expired. A forged one is refused without reading the
        database; a signed one also sweeps the used states that have expired."""
        deps = self.workspaces._deps()
        unsigned, _, signature = state.rpartition(".")
        expiry = unsigned.rpartition(".")[2]
        if len(state) > 100 or not expiry.isdigit() or not hmac.compare_digest(
                signature.encode(), self._signature(deps, unsigned).encode()):
            return False
        expires_at, now = datetime.fromtimestamp(int(expiry), UTC), deps.clock.now()
        async with deps.uow() as uow:
            return await uow.oauth_states.use(state, expires_at, now)

    @staticmethod
    def _signature(deps: Deps, unsigned: str) -> str:
        return deps.sealer.tag(f"slack oauth state\x00{unsigned}")


def installed(installation: Installation, now: datetime) -> Installed:
    return Installed(team_id=installation.team_id or "", team_name=installation.team_name,
                     enterprise_id=installation.enterprise_id, installer_user_id=installation.user_id,
                     bot_user_id=installation.bot_user_id, installed_at=now)
