"""`feedbot serve`'s HTTP app on a loopback port: health check against real storage."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from adapters.server import build_app


async def test_healthz_answers_ok_from_a_real_port(deps):
    runner = web.AppRunner(build_app(deps))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # the ephemeral port the OS chose
    try:
        async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}/healthz") as response:
            assert response.status == 200
            assert await response.json() == {"status": "ok"}
            async with session.get(f"http://127.0.0.1:{port}/nope") as missing:
                assert missing.status == 404
    finally:
        await runner.cleanup()
