"""The outbox row's mark in a Teams message, where Microsoft Graph gives it back.

Graph returns a bot's Adaptive Card as `attachments[].content`: the card's JSON as text (the body is only
`<attachment id="…"></attachment>`). Activity fields such as `channelData` or `summary` do not come back, and a
card-level field outside the schema may be dropped, so the mark is the `id` of the card's first element: part of
the Adaptive Card schema, kept as sent, never shown, and not collected by Action.Submit (only inputs are)."""

from __future__ import annotations

import json
from typing import Any

from adapters.teams.cards import CONTENT_TYPE

PREFIX = "feedbot-delivery-"


def marked(card: dict[str, Any], mark: str | None) -> dict[str, Any]:
    """The card with `mark` as its first element's id (none: as it is). A first element that already has an id
    (an input's is its answer's name) keeps it: that card goes unmarked, and is sent again if ever in doubt."""
    body = card.get("body") or []
    if mark and body and isinstance(body[0], dict) and "id" not in body[0]:
        body[0]["id"] = PREFIX + mark
    return card


def carries(message: dict[str, Any], mark: str, app_id: str) -> bool:
    """A chatMessage from Graph is this bot's, and one of its cards carries `mark`."""
    application = (message.get("from") or {}).get("application") or {}
    if application.get("id") != app_id or message.get("messageType", "message") != "message":
        return False
    for attachment in message.get("attachments") or []:
        if not isinstance(attachment, dict) or attachment.get("contentType") != CONTENT_TYPE:
            continue
        card = _card(attachment.get("content"))
        body = card.get("body") if isinstance(card, dict) else None
        if isinstance(body, list) and body and isinstance(body[0], dict) and body[0].get("id") == PREFIX + mark:
            return True
    return False


def _card(content: Any) -> Any:
    """The card: Graph gives it as JSON text; a dict is taken as it is."""
    if isinstance(content, str):
        try:
            return json.loads(content)
        except ValueError:
            return None
    return content
