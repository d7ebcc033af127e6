"""Platform-neutral inbound events: what an adapter turns a Slack payload, a Teams activity or a typed line into."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from bot.kernel import columns

# NUL (PostgreSQL refuses it in text), other C0 controls but tab and newline, and lone surrogates (no encoder takes
# them; a valid pair is one character in a Python string, so any surrogate left is lone).
UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|[\ud800-\udfff]")


def clean(value: Any) -> Any:
    """Every string in `value` with unsafe characters removed (controls) or replaced (lone surrogates)."""
    if isinstance(value, str):
        return UNSAFE.sub(lambda m: "\ufffd" if m.group() >= "\ud800" else "", value) if UNSAFE.search(value) else value
    if isinstance(value, dict):
        return {clean(key): clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(clean(item) for item in value)
    return value


class Inbound(BaseModel):
    """Whatever a platform sends is cleaned on the way in, so no feature, database or log meets a NUL or a lone
    surrogate, whichever adapter it came from."""

    @model_validator(mode="before")
    @classmethod
    def _clean(cls, data: Any) -> Any:
        return clean(data)


class Profiled(Inbound):
    """A person as a platform profile describes them: a display name longer than we store is cut to fit, an
    email longer than any real one is no email (the core then asks who they are)."""

    @field_validator("name", mode="after", check_fields=False)
    @classmethod
    def _fit_name(cls, name: str | None) -> str | None:
        return columns.fit(name, columns.NAME)

    @field_validator("email", mode="after", check_fields=False)
    @classmethod
    def _real_email(cls, email: str | None) -> str | None:
        return email if email is None or len(email.strip()) <= columns.EMAIL else None


class Actor(Profiled):
    """Who is acting, as the platform knows them; the core links the account to a person by email."""

    model_config = ConfigDict(frozen=True)

    platform: str  # "console", "slack", "teams"
    workspace: str = ""  # Slack team id, Teams tenant id; empty for the console
    user_id: str  # platform user id (console: the email)
    email: str | None = None
    name: str | None = None
    locale: str | None = None
    timezone: str | None = None


class MentionRef(Profiled):
    """A platform mention the adapter already resolved to an account, e.g. Slack <@U123> in the text."""

    model_config = ConfigDict(frozen=True)

    token: str  # exactly as it appears in the text
    user_id: str
    email: str | None = None
    name: str | None = None
    locale: str | None = None  # from their platform profile, for someone feedbot meets through a mention
    timezone: str | None = None


class FromChat(Inbound):
    """What every event someone sends carries: who, how commands are typed where they are, where to answer."""

    actor: Actor
    prefix: str = "/"  # how commands are typed on this platform ("" on Teams), for help and hints
    prefixes: dict[str, str] = {}  # exceptions by command, e.g. Slack's {"away": "/feedbot "}
    conversation: str = ""  # where to reply; opaque to the core
    reply_handle: str = ""  # adapter-specific (response_url, activity id); opaque to the core

    def carried(self) -> dict[str, Any]:
        """These fields, for the event this one stands for (a button press is the command it carries)."""
        return {name: getattr(self, name) for name in FromChat.model_fields}


class Command(FromChat):
    """`/kudos @ana thanks #teamwork` → Command(name="kudos", text="@ana thanks #teamwork")."""

    name: str
    text: str = ""
    mentions: list[MentionRef] = []
    values: dict[str, str] = {}  # a submitted form's answers, by input name


class Interaction(FromChat):
    """A button press or form submission. Buttons carry the command they stand for."""

    command: str  # e.g. "idea vote 12"
    values: dict[str, str] = {}


class Message(FromChat):
    """Free text sent to the bot (a DM, or a Teams message that is not a command)."""

    text: str
    mentions: list[MentionRef] = []
