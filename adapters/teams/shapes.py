"""What an authenticated Teams activity must look like before botbuilder or a turn reads it.

Small strict models of exactly what `inbound`, `turns`, `people` and botbuilder's turn pipeline read; other
fields are left alone. Real activities always name who sent them, to whom and in which conversation; one
that does not, or whose `channelData` is a list, or whose ids are longer than any Teams makes, is answered
400 with the reason. Hints that only shape a reply (the client's locale and time zone) are dropped when they
are of the wrong type, so a numeric locale gets an ordinary answer in the person's language.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationError

from adapters.shapes import Shape, ident, problem
from bot.kernel import columns

TenantId = ident(columns.WORKSPACE, min_length=0)
UserId = ident(columns.USER_ID)
HINTS = ("locale", "localTimezone")  # read when they are text, ignored otherwise


class BadActivity(Exception):
    """Not an activity Teams sends: answer 400 and touch nothing."""


class _Account(Shape):
    id: UserId
    name: str | None = None
    aadObjectId: UserId | None = None


class _Conversation(Shape):
    id: str
    conversationType: str | None = None
    tenantId: TenantId | None = None


class _Tenant(Shape):
    id: TenantId | None = None


class _ChannelData(Shape):
    tenant: _Tenant | None = None


class _Entity(Shape):
    type: str | None = None
    text: str | None = None
    mentioned: _Account | None = None


class _Activity(Shape):
    type: str
    id: str | None = None
    channelId: str
    serviceUrl: str
    sender: _Account = Field(alias="from")
    recipient: _Account
    conversation: _Conversation
    channelData: _ChannelData | None = None
    entities: list[_Entity] | None = None
    text: str | None = None
    replyToId: str | None = None
    name: str | None = None
    action: str | None = None
    membersAdded: list[_Account] | None = None
    membersRemoved: list[_Account] | None = None
    attachments: list[dict[str, Any]] | None = None


def checked(activity: dict[str, Any]) -> dict[str, Any]:
    """The activity without hints of the wrong type, or BadActivity saying what is wrong."""
    try:
        _Activity.model_validate(activity)
    except ValidationError as exc:
        raise BadActivity(f"{activity.get('type')}: {problem(exc)}") from None
    return {key: value for key, value in activity.items() if key not in HINTS or isinstance(value, str)}
