"""Platform-neutral inbound events: what an adapter turns a Slack payload, a Teams activity or a typed line into."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Actor(BaseModel):
    """Who is acting, as the platform knows them; the core links the account to a person by email."""

    model_config = ConfigDict(frozen=True)

    platform: str  # "console", "slack", "teams"
    workspace: str = ""  # Slack team id, Teams tenant id; empty for the console
    user_id: str  # platform user id (console: the email)
    email: str | None = None
    name: str | None = None
    locale: str | None = None
    timezone: str | None = None


class MentionRef(BaseModel):
    """A platform mention the adapter already resolved to an account, e.g. Slack <@U123> in the text."""

    model_config = ConfigDict(frozen=True)

    token: str  # exactly as it appears in the text
    user_id: str
    email: str | None = None
    name: str | None = None
    locale: str | None = None  # from their platform profile, for someone feedbot meets through a mention
    timezone: str | None = None


class Command(BaseModel):
    """`/kudos @ana thanks #teamwork` → Command(name="kudos", text="@ana thanks #teamwork")."""

    actor: Actor
    name: str
    text: str = ""
    mentions: list[MentionRef] = []
    values: dict[str, str] = {}  # a submitted form's answers, by input name
    prefix: str = "/"  # how commands are typed on this platform ("" on Teams), for help and hints
    prefixes: dict[str, str] = {}  # exceptions by command, e.g. Slack's {"away": "/feedbot "}
    conversation: str = ""  # where to reply; opaque to the core
    reply_handle: str = ""  # adapter-specific (response_url, activity id); opaque to the core


class Interaction(BaseModel):
    """A button press or form submission. Buttons carry the command they stand for."""

    actor: Actor
    command: str  # e.g. "idea vote 12"
    values: dict[str, str] = {}
    prefix: str = "/"
    prefixes: dict[str, str] = {}
    conversation: str = ""
    reply_handle: str = ""


class Message(BaseModel):
    """Free text sent to the bot (a DM, or a Teams message that is not a command)."""

    actor: Actor
    text: str
    mentions: list[MentionRef] = []
    prefix: str = "/"
    prefixes: dict[str, str] = {}
    conversation: str = ""
    reply_handle: str = ""
