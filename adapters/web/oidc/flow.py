"""The authorization-code flow, for each configured provider:

GET /dashboard/oidc/<name> makes a random `state` and sends the browser to the provider with it, a `nonce` and a
PKCE S256 challenge. Both the nonce and the PKCE verifier are derived from the state with the server's key, and
the state is bound to this browser by a short-lived signed cookie (CSRF: a callback this browser did not start
is refused). GET /dashboard/oidc/<name>/callback checks the state against the cookie, uses it once (across
replicas, in `inbound_events`), exchanges the code, verifies the id_token and signs in the active person with
that verified email — the same session a one-time link starts. Anything else gets the sign-in page and creates
nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from datetime import timedelta
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from adapters.web import session as sessions
from adapters.web.access import sign_in_page
from adapters.web.chrome import locale_of
from adapters.web.oidc.providers import SCOPES, Provider, Refused, configured
from adapters.web.oidc.tokens import exchange, verify
from bot.kernel.context import Deps
from bot.kernel.i18n import N_
from bot.signin import sign
from bot.signin import verify as verify_signed

log = logging.getLogger(__name__)
COOKIE = "feedbot_oidc"
STATE_MINUTES = 10  # time to sign in at the provider
USED_STATES = "dashboard-oidc"  # inbound_events.platform of callbacks handled
TIMEOUT = aiohttp.ClientTimeout(total=10)
NOT_STARTED_HERE = N_("This sign-in was not started here, was already used or took too long. Please try again.")


def challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class OidcSignIn:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.providers = configured(deps.settings)
        self._http: aiohttp.ClientSession | None = None

    @property
    def http(self) -> aiohttp.ClientSession:
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    def provider(self, request: web.Request) -> Provider:
        found = self.providers.get(request.match_info["provider"])
        if found is None:
            raise web.HTTPNotFound()
        return found

    def derived(self, kind: str, state: str) -> str:
        """The nonce or PKCE verifier of a sign-in: nobody without the server's key can compute it."""
        return self.deps.sealer.tag(f"oidc-{kind}\x00{state}") + self.deps.sealer.tag(f"oidc-{kind}2\x00{state}")

    def redirect_uri(self, request: web.Request, provider: Provider) -> str:
        base = self.deps.settings.dashboard.base_url or f"{request.scheme}://{request.host}"
        return f"{base.rstrip('/')}/dashboard/oidc/{provider.name}/callback"

    async def begin(self, request: web.Request) -> web.StreamResponse:
        provider = self.provider(request)
        try:
            endpoints = await provider.endpoints(self.http)
        except Refused as exc:
            return self.refused(request, provider, f"discovery: {exc}")
        state = secrets.token_urlsafe(24)
        params = {"response_type": "code", "client_id": provider.client.client_id, "scope": SCOPES,
                  "redirect_uri": self.redirect_uri(request, provider), "state": state,
                  "nonce": self.derived("nonce", state), "code_challenge_method": "S256",
                  "code_challenge": challenge(self.derived("pkce", state)), **provider.authorize_params()}
        response = web.Response(status=302, headers={"Location": f"{endpoints.authorize_url}?{urlencode(params)}",
                                                     "Cache-Control": "no-store"})
        ends = int((self.deps.clock.now() + timedelta(minutes=STATE_MINUTES)).timestamp())
        response.set_cookie(COOKIE, sign(self.deps.sealer, "oidc", f"{provider.name}.{state}.{ends}"),
                            max_age=STATE_MINUTES * 60, path="/dashboard/oidc", httponly=True, samesite="Lax",
                            secure=sessions.is_https(request, self.deps))
        return response

    def started_here(self, request: web.Request, provider: Provider) -> str | None:
        """The callback's state when this browser started this sign-in, and not too long ago."""
        parts = verify_signed(self.deps.sealer, "oidc", request.cookies.get(COOKIE, ""))
        state = request.query.get("state", "")
        if parts is None or len(parts) != 3 or not parts[2].isdigit() or not state:
            return None
        name, expected, ends = parts
        fresh = self.deps.clock.now().timestamp() <= int(ends)
        return state if name == provider.name and fresh and hmac.compare_digest(expected, state) else None

    async def callback(self, request: web.Request) -> web.StreamResponse:
        provider, deps = self.provider(request), self.deps
        t = deps.catalogs.translator(locale_of(deps, request, None))
        state = self.started_here(request, provider)
        if state is None:
            return self.ended(sign_in_page(deps, request, t(NOT_STARTED_HERE),
                status=400), "state missing or not this browser's")
        async with deps.uow() as uow:
            if not await uow.inbound.first_time(USED_STATES, deps.sealer.tag(state), deps.clock.now()):
                return self.ended(sign_in_page(deps, request, t(NOT_STARTED_HERE),
                    status=400), "state used before")
        if "error" in request.query or not request.query.get("code"):
            return self.refused(request, provider, f"provider said {request.query.get('error', 'no code')[:100]}")
        try:
            endpoints = await provider.endpoints(self.http)
            token = await exchange(self.http, provider, endpoints, request.query["code"],
                                   self.redirect_uri(request, provider), self.derived("pkce", state))
            claims = await verify(self.http, provider, endpoints, token, self.derived("nonce", state),
                                  deps.clock.now())
        except Refused as exc:
            return self.refused(request, provider, str(exc))
        email = provider.email(claims)
        if email is None:
            return self.ended(sign_in_page(deps, request, t(
                "Your {provider} account has no verified email address, so feedbot cannot tell who you are.",
                provider=provider.label), status=403), "no verified email")
        async with deps.uow() as uow:
            person = await uow.people.by_email(email)
        if person is None or person.deactivated_at is not None:
            return self.ended(sign_in_page(deps, request, t(
                "{email} is not an active person in feedbot's org directory. Ask an admin to add you.",
                email=email), status=403), "not in the directory")
        response = web.Response(status=303, headers={"Location": "/dashboard/me", "Cache-Control": "no-store"})
        sessions.start(response, request, deps, person)
        return self.ended(response, "")

    def refused(self, request: web.Request, provider: Provider, reason: str) -> web.Response:
        t = self.deps.catalogs.translator(locale_of(self.deps, request, None))
        return self.ended(sign_in_page(self.deps, request, t(
            "Signing in with {provider} did not work, so you are not signed in. Please try again.",
            provider=provider.label)), reason)

    def ended(self, response: web.Response, reason: str) -> web.Response:
        """The sign-in is over, either way: its state cookie goes."""
        if reason:  # it may quote what the browser brought: escaped and cut, so it cannot forge log lines
            log.info("dashboard sign-in with a provider refused: %s", reason.encode("unicode_escape").decode()[:200])
        response.del_cookie(COOKIE, path="/dashboard/oidc")
        return response
