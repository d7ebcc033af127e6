"""`feedbot serve`: one aiohttp server for every HTTP adapter, plus GET /healthz."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from aiohttp import web

from adapters.platform import Platform
from bot.kernel.context import Deps

log = logging.getLogger(__name__)


def build_app(deps: Deps, platforms: Sequence[Platform] = ()) -> web.Application:
    app = web.Application()

    async def healthz(_request: web.Request) -> web.Response:
        async with deps.uow() as uow:
            await uow.people.count()
        return web.json_response({"status": "ok", "platforms": [platform.name for platform in platforms]})

    app.router.add_get("/healthz", healthz)
    if deps.settings.dashboard.enabled:
        from adapters.web import WebDashboard

        WebDashboard(deps).mount(app)
    for platform in platforms:
        platform.mount(app, deps)
    return app


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
                       port: int = 0) -> RunningServer:
    """Start the platforms, then listen (port 0: any free port — tests read `.port`)."""
    for platform in platforms:
        await platform.start(deps)
    runner = web.AppRunner(build_app(deps, platforms))
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1] if port == 0 else port
    log.info("listening on http://%s:%s for %s", host, bound, ", ".join(p.name for p in platforms) or "nothing")
    return RunningServer(runner, platforms, host, bound)
