"""`feedbot serve`: one aiohttp server for every HTTP adapter, plus GET /healthz (the process answers), GET /readyz
(the database answers and is at the latest schema: a load balancer sends traffic here) and GET /metrics."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from aiohttp import web

from adapters.access_log import AccessLog
from adapters.metrics import count_requests, mount_metrics
from adapters.platform import Platform
from adapters.request_id import answer_request_id, with_request_id
from bot.kernel.context import Deps
from storage.db import unavailable, where
from storage.migrate import read_state

log = logging.getLogger(__name__)


# Every organisation's name and Deps, asked each time (installs add some).
Organisations = Callable[[], Sequence[tuple[str, Deps]]]


class Router(Protocol):
    """A route in front of several organisations' platforms (`adapters.routing.RoutedPlatform`)."""

    name: str

    def mount(self, app: web.Application) -> None: ...


def build_app(deps: Deps, platforms: Sequence[Platform] = (), routers: Sequence[Router] = (),
              organisations: Organisations = lambda: ()) -> web.Application:
    """With several organisations `deps` is the main database's; /readyz and /metrics look at theirs too."""
    app = web.Application(middlewares=[with_request_id, count_requests])
    app.on_response_prepare.append(answer_request_id)

    async def healthz(_request: web.Request) -> web.Response:
        names = [platform.name for platform in platforms] + [router.name for router in routers]
        return web.json_response({"status": "ok", "platforms": names})

    async def readyz(_request: web.Request) -> web.Response:
        problem = await readiness(deps)
        for name, org_deps in organisations():
            if problem is None and (problem := await readiness(org_deps)) is not None:
                problem = f"organisation {name}: {problem}"
        if problem is not None:
            return web.json_response({"status": "unavailable", "reason": problem}, status=503)
        return web.json_response({"status": "ready"})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    if deps.settings.metrics.enabled:
        mount_metrics(app, lambda: [deps, *(org_deps for _, org_deps in organisations())])
    if deps.settings.dashboard.enabled:
        from adapters.web import WebDashboard

        WebDashboard(deps).mount(app)
    for platform in platforms:
        platform.mount(app, deps)
    for router in routers:
        router.mount(app)
    return app


async def readiness(deps: Deps) -> str | None:
    """None when the database answers and is at this feedbot's latest schema, else why not (one line)."""
    url = deps.settings.database.url
    try:
        async with deps.uow() as uow:
            state = await uow.session.run_sync(lambda session: read_state(session.connection()))
    except Exception as exc:
        reason = unavailable(exc, url)
        if reason is None:
            raise
        log.debug("not ready: %s", reason)  # a probe every few seconds: the tick already says it once a minute
        return reason
    return state.problem(where(url))


@dataclass
class RunningServer:
    runner: web.AppRunner
    platforms: Sequence[Platform]
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def close(self) -> None:
        for platform in self.platforms:
            await platform.stop()
        await self.runner.cleanup()


async def start_server(deps: Deps, platforms: Sequence[Platform] = (), host: str = "127.0.0.1",
                       port: int = 0, routers: Sequence[Router] = (),
                       organisations: Organisations = lambda: ()) -> RunningServer:
    """Start the platforms, then listen (port 0: any free port — tests read `.port`)."""
    for platform in platforms:
        await platform.start(deps)
    runner = web.AppRunner(build_app(deps, platforms, routers, organisations), access_log_class=AccessLog)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1] if port == 0 else port
    names = [p.name for p in platforms] + [r.name for r in routers]
    log.info("listening on http://%s:%s for %s", host, bound, ", ".join(names) or "nothing")
    return RunningServer(runner, platforms, host, bound)
