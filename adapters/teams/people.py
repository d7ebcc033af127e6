"""Teams members as people: the Entra object id is the stable key, the email (or UPN) links to the person.

Emails come from the connector's member API (`TeamsInfo.get_member`), cached for an hour per tenant.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo

from adapters.teams import inbound
from adapters.teams.connector import CONNECTOR_ERRORS, transient
from bot.kernel.messages import Actor, MentionRef

log = logging.getLogger(__name__)

PLATFORM = "teams"
MEMBER_TTL_SECONDS = 3600


@dataclass(frozen=True)
class Member:
    teams_id: str
    aad_id: str
    email: str | None
    name: str | None


class Directory:
    def __init__(self) -> None:
        self.cache: dict[tuple[str, str], tuple[float, Member]] = {}

    async def member(self, tc: TurnContext, tenant: str, teams_id: str, fallback: dict[str, Any]) -> Member:
        """The member's profile; when the lookup fails, what the activity itself says (no email)."""
        hit = self.cache.get((tenant, teams_id))
        if hit and time.monotonic() - hit[0] < MEMBER_TTL_SECONDS:
            return hit[1]
        try:
            account = await TeamsInfo.get_member(tc, teams_id)
        except (*CONNECTOR_ERRORS, ValueError, TypeError) as exc:  # no roster access, left the team, …
            if transient(exc):
                raise  # throttled or down: the turn fails, nothing is saved, the person is asked to try again
            log.warning("member lookup failed in tenant %s: %s", tenant, exc)
            return Member(teams_id, str(fallback.get("aadObjectId") or teams_id), None, fallback.get("name"))
        member = Member(teams_id, account.aad_object_id or str(fallback.get("aadObjectId") or teams_id),
                        _email(account.email, account.user_principal_name), account.name or fallback.get("name"))
        self.cache[(tenant, teams_id)] = (time.monotonic(), member)
        return member

    async def actor(self, tc: TurnContext, activity: dict[str, Any]) -> Actor:
        tenant = inbound.tenant_of(activity)
        sender = inbound.user_of(activity)
        member = await self.member(tc, tenant, str(sender.get("id") or ""), sender)
        return Actor(platform=PLATFORM, workspace=tenant, user_id=member.aad_id, email=member.email,
                     name=member.name, locale=inbound.locale_of(activity), timezone=inbound.timezone_of(activity))

    async def mention_refs(self, tc: TurnContext, activity: dict[str, Any],
                           mentioned: list[inbound.Mentioned]) -> list[MentionRef]:
        tenant = inbound.tenant_of(activity)
        refs = []
        for person in mentioned:
            member = await self.member(tc, tenant, person.teams_id, {"name": person.name})
            refs.append(MentionRef(token=person.token, user_id=member.aad_id, email=member.email, name=person.name))
        return refs


def _email(email: str | None, upn: str | None) -> str | None:
    """The email, else the UPN — but not a guest's `ana_contoso.com#EXT#@fabrikam.onmicrosoft.com`, which is no
    one's address (without an email the person is told why they cannot be linked)."""
    for candidate in (email, upn):
        if candidate and "@" in candidate and "#ext#" not in candidate.lower():
            return candidate.strip().lower()
    return None
