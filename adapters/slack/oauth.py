"""Installing feedbot in many Slack workspaces: slack-bolt's OAuth flow on feedbot's own database.

GET `slack.install_path` shows an "Add to Slack" page (in the org's default language) whose link goes to Slack's
authorize page with a fresh state signed with the privacy key (no database row: installs.py `States`), also set as
a cookie in the browser. Slack sends the person back to GET `slack.redirect_uri_path`: bolt checks the state
against the cookie, its signature and expiry, and the states used already (a state that is missing, forged,
expired or used already gets 400 and nothing is stored), exchanges the code with `oauth.v2.access`, and the
install is stored (installs.py). A workspace refused here gets its new token revoked (`auth.revoke`).
`app_uninstalled` and `tokens_revoked` mark it revoked: every person's data stays, nothing more is sent there until
the workspace installs feedbot again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from html import escape
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import CALL_FAILED, UNREACHABLE, api_error
from adapters.slack.installs import Installed, NotInstalled, NotListed, OnRevoked, States, Workspaces, installed
from adapters.slack.people import PLATFORM
from bot.kernel.context import Deps
from bot.kernel.i18n import N_
from bot.kernel.settings import Settings

log = logging.getLogger(__name__)

OnInstalled = Callable[[Installed], Awaitable[None]]

TITLE = N_("Add feedbot to Slack")
INVITE = N_("feedbot brings check-ins, kudos, ideas, pulse surveys, one-on-ones and goals to your Slack "
            "workspace. Slack asks you to confirm what it may do before anything is installed.")
DONE = N_("feedbot is installed in {workspace}. Type /feedbot help in Slack to begin.")
CANCELLED = N_("The installation was cancelled: nothing was installed or stored.")
REFUSED = N_("Slack did not install feedbot ({reason}). Nothing was stored; please try again.")
STALE = N_("This installation link is not valid (it was used already, it expired, or it did not come from the "
           "Add to Slack page). Nothing was stored; please start again.")
NOT_LISTED = N_("This Slack workspace may not install feedbot: it is not one of the organisation's. Nothing was "
                "stored.")
UNSAVED = N_("feedbot could not store the installation. Nothing was stored; please try again in a minute.")
GONE = N_("feedbot is not installed in this Slack workspace any more. Ask a Slack admin to add it again.")
AGAIN = N_("Start again")

# What the person's browser brought back that cannot be trusted: 400, and nothing stored.
BAD_REQUEST = {"invalid_browser", "invalid_state", "missing_code", "invalid_code"}
# Events for a workspace feedbot may no longer reach: handled without a token.
REVOCATIONS = ("app_uninstalled", "tokens_revoked")


class InstallRefused(Exception):
    """Raised by `on_installed`: this workspace may not install feedbot here; its install is forgotten."""


async def nothing(_install: Installed) -> None:
    return None


def bot_revoked(body: dict[str, Any]) -> bool:
    """app_uninstalled, or tokens_revoked naming the bot's token (revoked user tokens leave the bot working)."""
    event = body.get("event") or {}
    return event.get("type") == "app_uninstalled" or (
        event.get("type") == "tokens_revoked" and bool((event.get("tokens") or {}).get("bot")))


class InstallFlow(AsyncOAuthFlow):
    """bolt's flow with feedbot's own install page."""

    page: Callable[[str], str]

    async def build_install_page_html(self, url: str, request: AsyncBoltRequest) -> str:
        return self.page(url)


class Installer:
    def __init__(self, settings: Settings, client: AsyncWebClient, workspaces: Workspaces,
                 on_installed: OnInstalled = nothing, after_install: OnInstalled = nothing) -> None:
        slack = settings.slack
        assert slack.client_secret is not None
        self.settings = settings
        self.workspaces = workspaces
        self.on_installed = on_installed
        self.after_install = after_install  # the platform's own follow-up (linking the org directory)
        self.deps: Deps | None = None
        self.flow = InstallFlow(client=client, logger=log, settings=AsyncOAuthSettings(
            client_id=slack.client_id, client_secret=slack.client_secret.get_secret_value(), scopes=slack.scopes,
            user_scopes=[], install_path=slack.install_path, redirect_uri_path=slack.redirect_uri_path,
            authorization_url=slack.authorize_url, installation_store=workspaces,
            state_store=States(workspaces, slack.state_minutes), state_expiration_seconds=slack.state_minutes * 60,
            callback_options=AsyncCallbackOptions(success=self._success, failure=self._failure), logger=log))
        self.flow.page = self._install_page

    def mount(self, app: web.Application, deps: Deps) -> None:
        self.bind(deps)
        app.router.add_get(self.settings.slack.install_path, self._install)
        app.router.add_get(self.settings.slack.redirect_uri_path, self._callback)

    def bind(self, deps: Deps) -> None:
        self.deps = deps
        self.workspaces.bind(deps)

    def bolt_options(self) -> dict[str, Any]:
        """bolt's AsyncApp with each request's token from its workspace's install."""
        async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult | None:
            return await self.workspaces.authorize(enterprise_id, team_id)  # bolt reads a plain function's arguments

        return {"authorize": authorize, "before_authorize": self.refuse_uninstalled}

    async def count(self) -> int:
        deps = self._deps()
        async with deps.uow() as uow:
            return len(await uow.installs.active(PLATFORM))

    # ---- HTTP ----

    async def _install(self, request: web.Request) -> web.Response:
        return await to_aiohttp_response(await self.flow.handle_installation(await to_bolt_request(request)))

    async def _callback(self, request: web.Request) -> web.Response:
        try:
            response = await self.flow.handle_callback(await to_bolt_request(request))
        except UNREACHABLE as exc:  # oauth.v2.access got no answer: the state is used up, so start again
            log.warning("Slack: the install could not be confirmed: %s", api_error(exc))
            response = self._page(REFUSED, 502, reason=api_error(exc))
        except NotListed as refused:  # a stranger's workspace: its token is given back, nobody there is linked
            await self._give_back(refused.token, refused.team_id)
            response = self._page(NOT_LISTED, 403)
        return await to_aiohttp_response(response)

    async def _success(self, args: AsyncSuccessArgs) -> BoltResponse:
        deps = self._deps()
        install = installed(args.installation, deps.clock.now())
        log.info("Slack: feedbot installed in workspace %s", install.team_id)
        for hook in (self.on_installed, self.after_install):
            try:
                await hook(install)
            except InstallRefused as exc:
                log.warning("Slack: the install in workspace %s was refused: %s", install.team_id, exc)
                await self.workspaces.async_delete_installation(enterprise_id=None, team_id=install.team_id)
                await self._give_back(args.installation.bot_token or "", install.team_id)
                return self._page(NOT_LISTED, 403)
            except Exception:  # the install is stored and works; what follows it can be done again
                log.exception("Slack: a step after installing in workspace %s failed", install.team_id)
        return self._page(DONE, 200, workspace=install.team_name or install.team_id)

    async def _failure(self, args: AsyncFailureArgs) -> BoltResponse:
        reason = args.reason[:100]  # `error=` of the query: whatever the browser brought
        log.warning("Slack: an install callback was refused: %r", reason)
        if reason == "access_denied":
            return self._page(CANCELLED, 200)
        if reason in BAD_REQUEST:
            return self._page(STALE, 400)
        if reason == "storage_error":
            return self._page(UNSAVED, 500)
        return self._page(REFUSED, 200, reason=reason)

    async def _give_back(self, token: str, team_id: str) -> None:
        """A refused install's token is revoked at once: forgetting it is not enough, as Slack keeps it valid and
        the app installed in that workspace (`auth.revoke` also removes the app there when it was its only token)."""
        if not token:  # an install without a bot token (user scopes only) has nothing to give back
            return
        try:
            await self.flow.client.auth_revoke(token=token)
        except CALL_FAILED as exc:  # it is stored nowhere: the workspace's admin can still remove the app
            log.warning("Slack: the token of the refused install in workspace %s could not be revoked: %s", team_id,
                        api_error(exc))

    # ---- inbound requests of workspaces without an install ----

    async def refuse_uninstalled(self, body: dict[str, Any], context: AsyncBoltContext,
                                 next: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse:
        """Before bolt's authorize: a request from a workspace feedbot is not installed in is answered here, in
        the org's language (a slash command shows it), and goes no further. Revocations pass."""
        event = body.get("event") or {}
        if body.get("type") in ("url_verification", "ssl_check") or event.get("type") in REVOCATIONS:
            return await next()
        try:
            await self.workspaces.credentials(context.team_id or "")
        except NotInstalled:
            log.info("Slack: a request from workspace %s, where feedbot is not installed", context.team_id)
            return BoltResponse(status=200, body=self._t()(GONE) if body.get("command") else "")
        return await next()

    # ---- pages ----

    def _install_page(self, url: str) -> str:
        t = self._t()
        return _html(self._locale(), t(TITLE), t(INVITE), (t(TITLE), url))

    def _page(self, message: str, status: int, **params: str) -> BoltResponse:
        t = self._t()
        again = None if status == 200 and message == DONE else (t(AGAIN), self.settings.slack.install_path)
        body = _html(self._locale(), t(TITLE), t(message, **params), again)
        cookie = self.flow.settings.state_utils.build_set_cookie_for_deletion()
        return BoltResponse(status=status, body=body,
                            headers={"Content-Type": "text/html; charset=utf-8", "Set-Cookie": [cookie]})

    def _locale(self) -> str:
        return self.settings.org.default_locale

    def _t(self) -> Callable[..., str]:
        return self._deps().catalogs.translator(self._locale())

    def _deps(self) -> Deps:
        if self.deps is None:
            raise RuntimeError("SlackPlatform.mount() binds the installer before any request")
        return self.deps


async def revoked(body: dict[str, Any], installer: Installer | None, hook: OnRevoked | None) -> None:
    """app_uninstalled, or tokens_revoked naming the bot's token: with OAuth installs the workspace's install is
    revoked (data kept); in token mode `hook` is told (a deployment of organisations suspends that workspace's)."""
    team, kind = str(body.get("team_id") or ""), str((body.get("event") or {}).get("type"))
    if not bot_revoked(body):
        log.info("Slack: user tokens revoked in workspace %s; the bot's token is unaffected", team)
    elif installer is not None:
        await installer.workspaces.revoke(team, kind)
    elif hook is not None:
        await hook(team, kind)
    else:
        log.warning("Slack: %s — feedbot cannot reach this workspace until the app is installed again "
                    "and slack.bot_token holds the new token", kind)


def _html(locale: str, title: str, text: str, link: tuple[str, str] | None) -> str:
    button = (f'<p><a class="button" href="{escape(link[1])}">{escape(link[0])}</a></p>' if link else "")
    return (f'<!DOCTYPE html><html lang="{escape(locale)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
            '<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}'
            '.button{display:inline-block;padding:.6rem 1.2rem;background:#4a154b;color:#fff;border-radius:4px;'
            f'text-decoration:none}}</style></head><body><h1>{escape(title)}</h1><p>{escape(text)}</p>{button}'
            '</body></html>')
