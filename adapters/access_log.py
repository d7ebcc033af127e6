"""aiohttp's access log, one line a request, made safe to keep: the route's pattern instead of the path (a dashboard
sign-in link carries its token in the path: `/dashboard/signin/{token}`), never the query string (OAuth callbacks
bring a code and a state), and the request's id like every other line logged while handling it."""

from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest

from adapters.request_id import ID_KEY, route_of
from bot.kernel.log_ids import logged_as


class AccessLog(AbstractAccessLogger):
    def log(self, request: BaseRequest, response: web.StreamResponse, time: float) -> None:
        with logged_as(request.get(ID_KEY)):  # the middleware's id is gone by now: the request kept it
            self.logger.info("%s %s %s %s %.3fs", request.remote, request.method, route_of(request),
                             response.status, time)
