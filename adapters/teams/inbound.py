"""Teams activity JSON → what the core needs (pure). Works on the raw JSON: botbuilder-schema 4.17.1 drops
the fields of entities (mentions, clientInfo) and misreads the tenant (PLATFORM §2.1)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

AT_TAG = re.compile(r"<at>(.*?)</at>", re.IGNORECASE | re.DOTALL)
HTML_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Mentioned:
    """A person @mentioned in a message: `token` replaces their <at>…</at> in the text."""

    token: str
    teams_id: str
    name: str


def field_at(node: Any, *path: str) -> Any:
    """`node[path[0]][path[1]]…`, None where a step is missing or not an object (read before the shape check:
    auth looks at the tenant of any activity)."""
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def tenant_of(activity: dict[str, Any]) -> str:
    """channelData.tenant.id — conversation.tenantId is lost by botbuilder-schema."""
    tenant = field_at(activity, "channelData", "tenant", "id")
    return str(tenant or field_at(activity, "conversation", "tenantId") or "")


def conversation_type(activity: dict[str, Any]) -> str:
    return str((activity.get("conversation") or {}).get("conversationType") or "personal")


def is_personal(activity: dict[str, Any]) -> bool:
    return conversation_type(activity) == "personal"


def bot_id(activity: dict[str, Any]) -> str:
    return str((activity.get("recipient") or {}).get("id") or "")


def user_of(activity: dict[str, Any]) -> dict[str, Any]:
    return activity.get("from") or {}


def dedup_key(activity: dict[str, Any]) -> str | None:
    """Teams message ids are unique only within a conversation."""
    if not activity.get("id"):
        return None
    return f"{(activity.get('conversation') or {}).get('id', '')}|{activity['id']}"


def timezone_of(activity: dict[str, Any]) -> str | None:
    """localTimezone, else the clientInfo entity's timezone."""
    return _hint(activity, "localTimezone", "timezone")


def locale_of(activity: dict[str, Any]) -> str | None:
    return _hint(activity, "locale", "locale")


def _hint(activity: dict[str, Any], key: str, client_key: str) -> str | None:
    """A hint of the client's, when it is text: the activity's own, else its clientInfo entity's."""
    info = next((e for e in activity.get("entities") or [] if e.get("type") == "clientInfo"), {})
    value = activity.get(key) or info.get(client_key)
    return value if isinstance(value, str) and value else None


def _mentions(activity: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in activity.get("entities") or [] if e.get("type") == "mention" and e.get("mentioned")]


def mentions_bot(activity: dict[str, Any]) -> bool:
    return any(m["mentioned"].get("id") == bot_id(activity) for m in _mentions(activity))


def is_addressed(activity: dict[str, Any]) -> bool:
    """Personal chat: every message. Channels and group chats: only when the bot is @mentioned."""
    return is_personal(activity) or mentions_bot(activity)


def command_text(activity: dict[str, Any]) -> tuple[str, list[Mentioned]]:
    """`<at>feedbot</at> kudos <at>Ana Berg</at>&nbsp;great demo` → ("kudos @Ana Berg great demo", [Ana])."""
    text = str(activity.get("text") or "")
    people: list[Mentioned] = []
    by_text = {}
    for entity in _mentions(activity):
        mentioned = entity["mentioned"]
        if mentioned.get("id") == bot_id(activity):
            by_text[_at_name(entity)] = ""
            continue
        name = str(mentioned.get("name") or _at_name(entity)).strip()
        token = "@" + name
        by_text[_at_name(entity)] = token
        if all(p.teams_id != mentioned.get("id") for p in people):
            people.append(Mentioned(token=token, teams_id=str(mentioned.get("id")), name=name))
    text = AT_TAG.sub(lambda m: by_text.get(m.group(1).strip(), "@" + m.group(1).strip()), text)
    text = html.unescape(HTML_TAG.sub(" ", text)).replace("\xa0", " ")
    return " ".join(text.split()), people


def _at_name(entity: dict[str, Any]) -> str:
    match = AT_TAG.search(str(entity.get("text") or ""))
    return (match.group(1) if match else str(entity["mentioned"].get("name") or "")).strip()


def card_submission(activity: dict[str, Any]) -> dict[str, Any] | None:
    """What a card's button or form sent: Action.Submit (a message with `value`) or Action.Execute (an
    `adaptiveCard/action` invoke whose `value.action.data` holds it)."""
    value = activity.get("value")
    if not isinstance(value, dict):
        return None
    if activity.get("type") == "invoke":
        action = value.get("action") or {}
        data = action.get("data") if isinstance(action, dict) else None
        return data if isinstance(data, dict) else {}
    return value


def bot_was_added(activity: dict[str, Any]) -> bool:
    """installationUpdate `add`, or a conversationUpdate whose membersAdded include the bot."""
    if activity.get("type") == "installationUpdate":
        return activity.get("action") in ("add", "add-upgrade")
    if activity.get("type") == "conversationUpdate":
        return any(m.get("id") == bot_id(activity) for m in activity.get("membersAdded") or [])
    return False


def bot_was_removed(activity: dict[str, Any]) -> bool:
    if activity.get("type") == "installationUpdate":
        return activity.get("action") in ("remove", "remove-upgrade")
    return activity.get("type") == "conversationUpdate" and any(
        m.get("id") == bot_id(activity) for m in activity.get("membersRemoved") or [])
