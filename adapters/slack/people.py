"""Slack users as the core knows people: email, name, time zone and locale from `users.info`, cached for a
while (profiles change rarely, and every command needs one), and `<@U123>` mentions resolved the same way."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import CALL_FAILED, api_error
from bot.kernel.messages import Actor
from bot.kernel.outbox import DeliveryError

log = logging.getLogger(__name__)

PLATFORM = "slack"
# Slack writes a mention as <@U123> or, with escaping on for slash commands, <@U123|name> (W… on Grid).
SLACK_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")


@dataclass(frozen=True)
class Profile:
    user_id: str
    email: str | None
    name: str | None
    locale: str | None
    timezone: str | None


class Profiles:
    """users.info with a time-to-live cache per (workspace, user)."""

    def __init__(self, client: AsyncWebClient, ttl_seconds: float,
                 clock: Callable[[], float] = time.monotonic,
                 auth: Callable[[str], Awaitable[dict[str, str]]] | None = None) -> None:
        self.client = client
        self.auth = auth  # the token= of a call in a workspace (OAuth installs)
        self.ttl = ttl_seconds
        self.clock = clock
        self._cache: dict[tuple[str, str], tuple[float, Profile | None]] = {}

    async def get(self, workspace: str, user_id: str) -> Profile | None:
        """The profile, or None when Slack would not say (then the person's stored account still knows them).
        A failure is not cached: the next request asks again."""
        key = (workspace, user_id)
        cached = self._cache.get(key)
        if cached is not None and self.clock() - cached[0] < self.ttl:
            return cached[1]
        try:
            token = await self.auth(workspace) if self.auth is not None else {}
            response = await self.client.users_info(user=user_id, include_locale=True, **token)
        except DeliveryError as exc:  # not installed there (any more)
            log.warning("users.info not called: %s", exc)
            return None
        except CALL_FAILED as exc:
            log.warning("users.info failed: %s", api_error(exc))
            return None
        profile = profile_of(response.get("user") or {"id": user_id})
        if len(self._cache) > 50_000:  # a bound, not an LRU: dropping everything once in a while is fine
            self._cache.clear()
        self._cache[key] = (self.clock(), profile)
        return profile

    async def actor(self, workspace: str, user_id: str, wait: float | None = None) -> Actor:
        """The acting user; without an email (scope missing, a bot) the core answers who-are-you. `wait`: at
        most this many seconds for Slack (on the ack path), then the user id alone — their stored account
        still says who they are."""
        try:
            profile = await asyncio.wait_for(self.get(workspace, user_id), wait)
        except TimeoutError:
            log.warning("users.info took longer than %s s; going on without the profile", wait)
            profile = None
        return actor_of(workspace, profile or Profile(user_id, None, None, None, None))

    async def mentioned(self, workspace: str, text: str) -> list[tuple[str, Profile]]:
        """Each `<@U…>` in `text` with the profile of the user it names (name only, from `|name`, when Slack
        would not say more)."""
        found: list[tuple[str, Profile]] = []
        for match in SLACK_MENTION.finditer(text):
            profile = await self.get(workspace, match.group(1))
            found.append((match.group(0), profile or Profile(match.group(1), None, match.group(2), None, None)))
        return found


def profile_of(user: dict[str, Any]) -> Profile:
    """A users.info / users.list member as a Profile; bots and deactivated users have no email here, so they
    never become people."""
    profile = user.get("profile") or {}
    name = profile.get("real_name") or profile.get("display_name") or user.get("real_name") or user.get("name")
    person = not (user.get("deleted") or user.get("is_bot") or user.get("id") == "USLACKBOT")
    email = (profile.get("email") or "").strip().lower() if person else ""
    return Profile(user_id=user["id"], email=email or None, name=name, locale=user.get("locale"),
                   timezone=user.get("tz"))


def actor_of(workspace: str, profile: Profile) -> Actor:
    return Actor(platform=PLATFORM, workspace=workspace, user_id=profile.user_id, email=profile.email,
                 name=profile.name, locale=profile.locale, timezone=profile.timezone)
