"""The web dashboard of several organisations on one /dashboard. A request belongs to the organisation whose key
signed its sign-in link or its session cookie: each organisation has a key of its own, so no other organisation's
dashboard accepts them, and a session only ever reads its own organisation's database."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiohttp import web

from adapters.web import PATHS, STATIC, Handler, WebDashboard, add_route
from adapters.web.session import COOKIE
from bot.kernel.context import Deps
from bot.signin import verify


class RoutedDashboard:
    name = "dashboard"

    def __init__(self, organisations: Callable[[], Sequence[Deps]]) -> None:
        self.organisations = organisations  # asked on every request: installs add organisations while serving
        self.dashboards: dict[int, WebDashboard] = {}

    def mount(self, app: web.Application) -> None:
        for method, path in PATHS:
            add_route(app, method, path, self._dispatcher(method, path))
        app.router.add_static("/dashboard/static", STATIC)
        app.on_cleanup.append(self.stop)

    async def stop(self, _app: web.Application | None = None) -> None:
        for dashboard in self.dashboards.values():
            await dashboard.stop()

    def _dispatcher(self, method: str, path: str) -> Handler:
        async def dispatch(request: web.Request) -> web.StreamResponse:
            deps = await self.owner(request)
            if deps is None:
                raise web.HTTPServiceUnavailable(text="no organisation is served yet")
            handler = next(h for m, p, h in self._dashboard(deps).routes() if (m, p) == (method, path))
            return await handler(request)

        return dispatch

    async def owner(self, request: web.Request) -> Deps | None:
        """The organisation whose key signed the request's link or session; else any (it shows the sign-in page:
        nothing verifies, so nothing is read)."""
        organisations = list(self.organisations())
        token = request.match_info.get("token", "")
        if request.method == "POST" and request.path == "/dashboard/signin":
            token = str((await request.post()).get("token", ""))
        cookie = request.cookies.get(COOKIE, "")
        for deps in organisations:
            if (token and verify(deps.sealer, "link", token)) or (cookie and verify(deps.sealer, "session", cookie)):
                return deps
        return organisations[0] if organisations else None

    def _dashboard(self, deps: Deps) -> WebDashboard:
        if id(deps) not in self.dashboards:
            self.dashboards[id(deps)] = WebDashboard(deps)
        return self.dashboards[id(deps)]
