"""The id of the request being handled, for the logs: the caller's X-Request-Id when it sends one (a load
balancer's), else a new one; answered back in X-Request-Id."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.kernel.log_ids import REQUEST_ID, logged_as, new_id

__all__ = ["ID_KEY", "REQUEST_ID", "answer_request_id", "with_request_id"]

log = logging.getLogger(__name__)

ID_KEY = web.RequestKey("request_id", str)
SAFE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")  # a caller's id is logged only if it cannot carry anything else


@web.middleware
async def with_request_id(request: web.Request,
                          handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    given = request.headers.get("X-Request-Id", "")
    request_id = given if SAFE.match(given) else new_id()
    request[ID_KEY] = request_id
    with logged_as(request_id):
        try:
            return await handler(request)
        except web.HTTPException:
            raise
        except Exception:  # logged here, with the id: aiohttp would log it after the request, without
            log.exception("%s %s failed", request.method, route_of(request))
            raise web.HTTPInternalServerError() from None


async def answer_request_id(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: also for a response a handler sent itself, before the middleware saw it."""
    if ID_KEY in request:
        response.headers["X-Request-Id"] = request[ID_KEY]


def route_of(request: web.BaseRequest) -> str:
    """The matched route's pattern, for the logs: a path may carry a secret (`/dashboard/signin/{token}`)."""
    info = getattr(request, "match_info", None)
    resource = getattr(getattr(info, "route", None), "resource", None)
    return resource.canonical if resource is not None else "(no route)"
