"""Finding a message feedbot may have sent already: each outbox message carries message metadata naming its row
(`marked`), and conversations.history with `include_all_metadata` reads it back. Only DMs are looked in: reading
them is the `im:history` scope feedbot has anyway; channel history would need a scope of its own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

EVENT_TYPE = "feedbot_delivery"
CLOCK_MARGIN = 60.0  # seconds before the claim: the replica's clock and Slack's need not agree
PAGES = 3  # of 100 messages: a DM gets few messages in the minutes a claim is out
PAGE_SIZE = 100


def marked(mark: str) -> dict[str, Any]:
    """The metadata of a message sent for the outbox row `mark`."""
    return {"event_type": EVENT_TYPE, "event_payload": {"mark": mark}}


def searchable(channel: str) -> bool:
    """A DM (D…): its history is readable with im:history."""
    return channel.startswith("D")


async def find_marked(history: Callable[..., Awaitable[Any]], channel: str, mark: str,
                      since: datetime) -> list[str]:
    """The ts of each message in `channel` since `since` that carries `mark`, oldest first (none: not sent).
    `history` is conversations.history; a few pages at most, newest first, as Slack answers."""
    found: list[str] = []
    cursor = None
    for _ in range(PAGES):
        response = await history(channel=channel, oldest=f"{since.timestamp() - CLOCK_MARGIN:.6f}",
                                 include_all_metadata=True, limit=PAGE_SIZE, **({"cursor": cursor} if cursor else {}))
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == EVENT_TYPE and (metadata.get("event_payload") or {}).get("mark") == mark:
                found.append(str(message.get("ts")))
        cursor = (response.get("response_metadata") or {}).get("next_cursor")
        if not response.get("has_more") or not cursor:
            break
    return sorted(found, key=float)
