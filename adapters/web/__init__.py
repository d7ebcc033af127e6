"""The web dashboard at /dashboard/ on `feedbot serve`: another adapter, turning the core's views and read-models
into HTML and SVG as Slack turns them into Block Kit (docs/dashboard.md). It sends nothing itself: what a command
run here owes others goes through the outbox to the chat platforms."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from adapters.platform import OutboxSender
from adapters.web import pages
from adapters.web.access import signed_in
from adapters.web.oidc.flow import OidcSignIn
from adapters.web.signin import SignIn
from bot.kernel.context import Deps

STATIC = Path(__file__).parent / "static"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PATHS = (("GET", "/dashboard"), ("GET", "/dashboard/"), ("GET", "/dashboard/signin/{token}"),
         ("POST", "/dashboard/signin"), ("GET", "/dashboard/oidc/{provider}"),
         ("GET", "/dashboard/oidc/{provider}/callback"), ("POST", "/dashboard/signout"), ("GET", "/dashboard/me"),
         ("GET", "/dashboard/team"), ("GET", "/dashboard/team/{whose}"), ("GET", "/dashboard/ideas"),
         ("GET", r"/dashboard/ideas/{number:\d{1,9}}"), ("GET", "/dashboard/pulse"), ("GET", "/dashboard/admin"),
         ("POST", "/dashboard/act"))


class WebDashboard:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.sender = OutboxSender(deps)
        self.oidc = OidcSignIn(deps)
        self._routes: list[tuple[str, str, Handler]] | None = None

    def mount(self, app: web.Application) -> None:
        for method, path, handler in self.routes():
            add_route(app, method, path, handler)
        app.router.add_static("/dashboard/static", STATIC)
        app.on_cleanup.append(self.stop)

    def routes(self) -> list[tuple[str, str, Handler]]:
        """Each of PATHS with this organisation's handler (built once)."""
        if self._routes is None:
            deps, signin, actions = self.deps, SignIn(self.deps), pages.Actions(self.sender)
            handlers = [signin.start, signin.start, signin.link, signin.redeem, self.oidc.begin, self.oidc.callback,
                        signed_in(deps, signin.sign_out),
                        *(signed_in(deps, page) for page in (pages.me, pages.team, pages.team, pages.ideas, pages.idea,
                                                            pages.pulse, pages.admin, actions.act))]
            self._routes = [(method, path, handler) for (method, path), handler in zip(PATHS, handlers, strict=True)]
        return self._routes

    async def stop(self, _app: web.Application | None = None) -> None:
        self.sender.stopping = True
        await self.sender.idle()
        await self.oidc.close()


def add_route(app: web.Application, method: str, path: str, handler: Handler) -> None:
    if method == "GET":
        app.router.add_get(path, handler)  # and HEAD
    else:
        app.router.add_post(path, handler)
