"""/dashboard: a one-time link that signs the person in to the web dashboard, and what redeems it.

A link names the person, when it expires and a random nonce, signed with a key derived from the privacy secret
(`Sealer.tag`), so it cannot be forged or altered. Redeeming it records the nonce (once, across replicas, in
`inbound_events`), so it works only once; it expires after `dashboard.link_minutes`. Nothing is stored when a link
is made: an unused link simply expires.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.kernel.context import Context, Deps, Feature
from bot.kernel.i18n import N_
from bot.kernel.sealing import Sealer
from bot.kernel.settings import Settings
from bot.kernel.views import Text, View
from storage.models import Person

SIGNIN_PATH = "/dashboard/signin/"
USED_LINKS = "dashboard-link"  # inbound_events.platform of redeemed links' nonces
SEP = "\x00"


def sign(sealer: Sealer, kind: str, payload: str) -> str:
    """`payload.signature`: `kind` keeps a link from passing for a session and the other way round."""
    return f"{payload}.{sealer.tag(kind + SEP + payload)}"


def verify(sealer: Sealer, kind: str, token: str) -> list[str] | None:
    """The payload's dot-separated parts if the signature holds, else None."""
    payload, _, signature = token.rpartition(".")
    if not payload or not hmac.compare_digest(sealer.tag(kind + SEP + payload), signature):
        return None
    return payload.split(".")


def base_url(settings: Settings) -> str:
    return (settings.dashboard.base_url or f"http://{settings.server.host}:{settings.server.port}").rstrip("/")


def make_link(deps: Deps, person: Person, now: datetime) -> str:
    expires = int((now + timedelta(minutes=deps.settings.dashboard.link_minutes)).timestamp())
    token = sign(deps.sealer, "link", f"{person.uid}.{expires}.{secrets.token_urlsafe(16)}")
    return base_url(deps.settings) + SIGNIN_PATH + token


@dataclass(frozen=True)
class Redeemed:
    person: Person | None  # None: the link is forged, expired, used, or its person is gone
    reason: str = ""  # why not, for the log (never shown with any data)


async def redeem(deps: Deps, token: str) -> Redeemed:
    """The person a link signs in, once: a second use, an expired or an altered link gets nobody."""
    parts = verify(deps.sealer, "link", token)
    if parts is None or len(parts) != 3 or not parts[1].isdigit():
        return Redeemed(None, "forged")
    uid, expires, nonce = parts
    now = deps.clock.now()
    if now.timestamp() > int(expires):
        return Redeemed(None, "expired")
    async with deps.uow() as uow:
        if not await uow.inbound.first_time(USED_LINKS, deps.sealer.tag(nonce), now):
            return Redeemed(None, "used")
        person = await uow.people.by_uid(uid)
        if person is None or person.deactivated_at is not None:
            return Redeemed(None, "unknown")
        return Redeemed(person)


async def handle(ctx: Context, text: str) -> View:
    """A private reply with the person's own link; nobody else is told."""
    link = make_link(ctx.deps, ctx.me, ctx.now)
    return View(title=ctx.t("Your web dashboard"), blocks=[
        Text(text=link),
        Text(text=ctx.t("This link signs you in once and is valid for {minutes} minutes. It is yours alone: do not "
                        "share it.", minutes=ctx.deps.settings.dashboard.link_minutes))])


FEATURE = Feature(
    handle=handle,
    summary=N_("Open your web dashboard: {p}dashboard"),
    usage=N_("{p}dashboard — a private one-time link to the web dashboard: your goals, kudos, ideas and 1:1s, your "
             "team's week (managers), the ideas board and pulse results. It is valid for a few minutes and signs "
             "you in once."),
)
