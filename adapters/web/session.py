"""Signed-in sessions: a signed cookie naming a random session id, the person and when it ends; a CSRF token derived
from the session; a sign-out remembered (in `inbound_events`, across replicas) until the session would have ended.

The cookie is HttpOnly, SameSite=Lax, limited to /dashboard, and Secure when the dashboard is served over https.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web

from bot.kernel.context import Deps
from bot.signin import sign, verify
from storage.models import Person

COOKIE = "feedbot_session"
SIGNED_OUT = "dashboard-out"  # inbound_events.platform of ended sessions


@dataclass(frozen=True)
class Session:
    sid: str
    person: Person
    csrf: str


def csrf_of(deps: Deps, sid: str) -> str:
    return deps.sealer.tag("csrf\x00" + sid)


def is_https(request: web.Request, deps: Deps) -> bool:
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.secure or forwarded == "https" or deps.settings.dashboard.base_url.startswith("https://")


def start(response: web.StreamResponse, request: web.Request, deps: Deps, person: Person) -> None:
    """Sign `person` in on `response`."""
    hours = deps.settings.dashboard.session_hours
    ends = int((deps.clock.now() + timedelta(hours=hours)).timestamp())
    value = sign(deps.sealer, "session", f"{secrets.token_urlsafe(16)}.{person.uid}.{ends}")
    response.set_cookie(COOKIE, value, max_age=hours * 3600, path="/dashboard", httponly=True, samesite="Lax",
                        secure=is_https(request, deps))


async def current(request: web.Request, deps: Deps) -> Session | None:
    """The request's session, if its cookie is genuine, not expired, not signed out and its person still here."""
    parts = verify(deps.sealer, "session", request.cookies.get(COOKIE, ""))
    if parts is None or len(parts) != 3 or not parts[2].isdigit():
        return None
    sid, uid, ends = parts
    if deps.clock.now().timestamp() > int(ends):
        return None
    async with deps.uow() as uow:
        if await uow.inbound.recorded(SIGNED_OUT, deps.sealer.tag(sid)):
            return None
        person = await uow.people.by_uid(uid)
    if person is None or person.deactivated_at is not None:
        return None
    return Session(sid, person, csrf_of(deps, sid))


def csrf_ok(session: Session, token: str) -> bool:
    return hmac.compare_digest(session.csrf, token)


async def end(response: web.StreamResponse, deps: Deps, session: Session) -> None:
    """Sign out: the session id is refused from now on, even if the cookie was copied."""
    async with deps.uow() as uow:
        await uow.inbound.first_time(SIGNED_OUT, deps.sealer.tag(session.sid), deps.clock.now())
    response.del_cookie(COOKIE, path="/dashboard")
