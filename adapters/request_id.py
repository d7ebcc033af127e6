"""The id of the request being handled, for the logs: the caller's X-Request-Id when it sends one (a load
balancer's), else a new one; answered back in X-Request-Id."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

from aiohttp import web

REQUEST_ID: ContextVar[str | None] = ContextVar("feedbot_request_id", default=None)
ID_KEY = web.RequestKey("request_id", str)
SAFE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")  # a caller's id is logged only if it cannot carry anything else


@web.middleware
async def with_request_id(request: web.Request,
                          handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    given = request.headers.get("X-Request-Id", "")
    request_id = given if SAFE.match(given) else uuid.uuid4().hex[:16]
    request[ID_KEY] = request_id
    token = REQUEST_ID.set(request_id)
    try:
        return await handler(request)
    finally:
        REQUEST_ID.reset(token)


async def answer_request_id(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: also for a response a handler sent itself, before the middleware saw it."""
    if ID_KEY in request:
        response.headers["X-Request-Id"] = request[ID_KEY]
