"""Signing in and out. A link opens a page that posts its token (a script does it at once; a link preview, which
runs none, never uses the link up); the post redeems it once and starts a session. Sign-out ends the session."""

from __future__ import annotations

import logging

from aiohttp import web

from adapters.web import session as sessions
from adapters.web.access import Reader, sign_in_page
from adapters.web.chrome import locale_of, page
from bot.kernel.context import Deps
from bot.signin import redeem

log = logging.getLogger(__name__)


class SignIn:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def start(self, request: web.Request) -> web.StreamResponse:
        """/dashboard: your page when signed in, else how to sign in."""
        if await sessions.current(request, self.deps) is None:
            return sign_in_page(self.deps, request)
        raise web.HTTPSeeOther("/dashboard/me")

    async def link(self, request: web.Request) -> web.Response:
        t = self.deps.catalogs.translator(locale_of(self.deps, request, None))
        return page(t, "link.html", title=t("Sign in"), session=None, token=request.match_info["token"])

    async def redeem(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        redeemed = await redeem(self.deps, str(form.get("token", "")))
        if redeemed.person is None:
            log.info("dashboard sign-in refused: %s link", redeemed.reason)
            t = self.deps.catalogs.translator(locale_of(self.deps, request, None))
            return sign_in_page(self.deps, request, t("This sign-in link is used, expired or not valid. Ask feedbot "
                                                      "for a new one with {command}.", command="/dashboard"))
        response = web.Response(status=303, headers={"Location": "/dashboard/me", "Cache-Control": "no-store"})
        sessions.start(response, request, self.deps, redeemed.person)
        return response

    async def sign_out(self, _request: web.Request, reader: Reader) -> web.Response:
        response = sign_in_page(self.deps, reader.request, reader.t("You are signed out."), status=200)
        await sessions.end(response, self.deps, reader.session)
        return response
