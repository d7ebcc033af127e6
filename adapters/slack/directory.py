"""Link the org directory to Slack at start-up: everyone in the org file who is in the workspace gets their
Slack account linked by email, so prompts and digests reach them by DM before they ever type a command.

Only people already known are linked; other Slack users still become people on first contact.
"""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import CALL_FAILED, api_error
from adapters.slack.people import PLATFORM, actor_of, profile_of
from bot.kernel.context import Deps
from bot.kernel.messages import Actor
from bot.kernel.people import resolve_actor

log = logging.getLogger(__name__)


async def link_accounts(deps: Deps, client: AsyncWebClient, workspace: str,
                        auth: dict[str, str] | None = None) -> int:
    """users.list, page by page (with `auth`, the workspace's token=); returns how many people were linked."""
    members = await _members(client, workspace, auth or {})
    if not members:
        return 0
    linked = 0
    async with deps.uow() as uow:
        people = await uow.people.all()
        accounts = await uow.people.accounts_of_many([p.id for p in people])
        now = deps.clock.now()
        for person in people:
            actor = members.get(person.email)
            if actor is None or any(a.platform == PLATFORM and a.workspace == workspace
                                    for a in accounts.get(person.id, [])):
                continue
            await resolve_actor(uow, actor, now)
            linked += 1
    log.info("Slack: linked %d people of the org directory to their Slack accounts", linked)
    return linked


async def _members(client: AsyncWebClient, workspace: str, auth: dict[str, str]) -> dict[str, Actor]:
    members: dict[str, Actor] = {}
    cursor = None
    try:
        while True:
            page = await client.users_list(limit=200, cursor=cursor, include_locale=True, **auth)
            for user in page.get("members") or []:
                actor = actor_of(workspace, profile_of(user))
                if actor.email:
                    members[actor.email] = actor
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return members
    except CALL_FAILED as exc:  # linking is a convenience: first contact still links everyone
        log.warning("Slack: users.list failed (%s); people are linked on first contact", api_error(exc))
        return members

