"""`feedbot serve`: one aiohttp server for every HTTP adapter (Slack and Teams join in later issues)."""

from __future__ import annotations

from aiohttp import web

from bot.deps import Deps


def build_app(deps: Deps) -> web.Application:
    app = web.Application()

    async def healthz(_request: web.Request) -> web.Response:
        async with deps.uow() as uow:
            await uow.people.count()
        return web.json_response({"status": "ok"})

    app.router.add_get("/healthz", healthz)
    return app
