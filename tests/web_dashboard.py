"""The web dashboard on the real server (a loopback port), and signed-in HTTP clients for it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp

from adapters.server import RunningServer, start_server
from bot.kernel.context import Deps
from bot.signin import make_link


class Dashboard:
    def __init__(self, deps: Deps, server: RunningServer) -> None:
        self.deps, self.server = deps, server

    @property
    def url(self) -> str:
        return self.server.url

    async def link(self, email: str) -> str:
        """A sign-in link for `email`, pointing at this server."""
        async with self.deps.uow() as uow:
            person = await uow.people.by_email(email)
        assert person is not None
        token = make_link(self.deps, person, self.deps.clock.now()).rsplit("/", 1)[1]
        return f"{self.url}/dashboard/signin/{token}"

    @asynccontextmanager
    async def client(self, email: str | None = None) -> AsyncIterator[aiohttp.ClientSession]:
        """A browser-like client (cookies kept, even for 127.0.0.1), signed in as `email` if given."""
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            if email is not None:
                token = (await self.link(email)).rsplit("/", 1)[1]
                async with session.post(f"{self.url}/dashboard/signin", data={"token": token}) as response:
                    assert response.status == 200 and response.url.path == "/dashboard/me", response.status
            yield session

    async def get(self, session: aiohttp.ClientSession, path: str) -> tuple[int, str]:
        async with session.get(self.url + path) as response:
            return response.status, await response.text()

    async def csrf(self, session: aiohttp.ClientSession) -> str:
        _, html = await self.get(session, "/dashboard/me")
        return html.split('name="csrf" value="', 1)[1].split('"', 1)[0]


@asynccontextmanager
async def dashboard(deps: Deps) -> AsyncIterator[Dashboard]:
    server = await start_server(deps)
    try:
        yield Dashboard(deps, server)
    finally:
        await server.close()
