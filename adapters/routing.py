"""One route per platform in front of several organisations: each request is handled by the platform instance of
the organisation its workspace (Slack) or tenant (Teams) belongs to, with that organisation's own Deps and database.
A workspace or tenant no organisation serves gets 403 and touches nothing."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol, runtime_checkable

from aiohttp import web

log = logging.getLogger(__name__)


@runtime_checkable
class Handles(Protocol):
    async def handle(self, request: web.Request) -> web.StreamResponse: ...


# (platform name, workspace or tenant id) → the platform of the organisation that id belongs to, or None.
Resolve = Callable[[str, str], Awaitable[Handles | None]]
WorkspaceOf = Callable[[web.Request], Awaitable[str]]


class RoutedPlatform:
    """Mounts `path` once; `workspace_of` reads the request's workspace (the body stays readable for the handler)."""

    def __init__(self, name: str, path: str, workspace_of: WorkspaceOf, resolve: Resolve,
                 unnamed: Callable[[], Handles | None] = lambda: None) -> None:
        self.name, self.path = name, path
        self.workspace_of, self.resolve, self.unnamed = workspace_of, resolve, unnamed

    def mount(self, app: web.Application) -> None:
        app.router.add_post(self.path, self.route)

    async def route(self, request: web.Request) -> web.StreamResponse:
        workspace = await self.workspace_of(request)
        # A request naming no workspace (Slack's url_verification) carries no one's data: any organisation answers.
        target = await self.resolve(self.name, workspace) if workspace else self.unnamed()
        if target is None:
            log.warning("%s: refused a request from %s, which no organisation here serves", self.name,
                        workspace or "no workspace")
            return web.json_response({"error": "this workspace or tenant is not served here"}, status=403)
        return await target.handle(request)

