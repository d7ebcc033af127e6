"""The web dashboard at /dashboard/ on `feedbot serve`: another adapter, turning the core's views and read-models
into HTML and SVG as Slack turns them into Block Kit (docs/dashboard.md). It sends nothing itself: what a command
run here owes others goes through the outbox to the chat platforms."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from adapters.platform import OutboxSender
from adapters.web import pages
from adapters.web.access import signed_in
from adapters.web.oidc.flow import OidcSignIn
from adapters.web.signin import SignIn
from bot.kernel.context import Deps

STATIC = Path(__file__).parent / "static"


class WebDashboard:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.sender = OutboxSender(deps)
        self.oidc = OidcSignIn(deps)

    def mount(self, app: web.Application) -> None:
        deps, signin, actions = self.deps, SignIn(self.deps), pages.Actions(self.sender)
        router = app.router
        router.add_get("/dashboard", signin.start)
        router.add_get("/dashboard/", signin.start)
        router.add_get("/dashboard/signin/{token}", signin.link)
        router.add_post("/dashboard/signin", signin.redeem)
        router.add_get("/dashboard/oidc/{provider}", self.oidc.begin)
        router.add_get("/dashboard/oidc/{provider}/callback", self.oidc.callback)
        router.add_post("/dashboard/signout", signed_in(deps, signin.sign_out))
        router.add_get("/dashboard/me", signed_in(deps, pages.me))
        router.add_get("/dashboard/team", signed_in(deps, pages.team))
        router.add_get("/dashboard/team/{whose}", signed_in(deps, pages.team))
        router.add_get("/dashboard/ideas", signed_in(deps, pages.ideas))
        router.add_get(r"/dashboard/ideas/{number:\d{1,9}}", signed_in(deps, pages.idea))
        router.add_get("/dashboard/pulse", signed_in(deps, pages.pulse))
        router.add_get("/dashboard/admin", signed_in(deps, pages.admin))
        router.add_post("/dashboard/act", signed_in(deps, actions.act))
        router.add_static("/dashboard/static", STATIC)
        app.on_cleanup.append(self.stop)

    async def stop(self, _app: web.Application | None = None) -> None:
        self.sender.stopping = True
        await self.sender.idle()
        await self.oidc.close()
