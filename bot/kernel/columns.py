"""How long the texts a platform hands us may be once stored: read from the columns themselves, so a change to
`storage/models/` moves every check with it. Adapters refuse ids that do not fit (no platform makes them);
names are cut to fit (a Teams display name may be 256 characters)."""

from __future__ import annotations

from sqlalchemy import String

from storage.models import Account, InboundEvent, Person


def _length(column: object) -> int:
    kind = getattr(column, "type", None)
    assert isinstance(kind, String) and kind.length is not None, f"{column} has no length"
    return kind.length


NAME = _length(Person.__table__.c.name)  # a display name: cut to this
EMAIL = _length(Person.__table__.c.email)
WORKSPACE = _length(Account.__table__.c.workspace)  # a Slack team id, a Teams tenant id
USER_ID = _length(Account.__table__.c.user_id)  # a Slack user id, an Entra object id
EVENT_ID = _length(InboundEvent.__table__.c.event_id)  # a Slack event id


def fit(text: str | None, limit: int) -> str | None:
    """`text` cut to `limit` characters (None stays None)."""
    return text if text is None or len(text) <= limit else text[:limit].rstrip()
