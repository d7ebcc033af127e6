"""What a signed Slack request must look like before slack_bolt or a handler reads it.

Slack's payloads are checked at the edge with small strict models of exactly what bolt's context and our
handlers read (ids, texts, the modal's state); anything else in them is left alone. A request that does not
fit — a JSON array, `event` as a string, no `user`, `view.blocks` of strings, `private_metadata` as an
object, an id longer than any Slack makes — is answered 400 with the reason, never a 500 or a traceback.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from pydantic import Field, StringConstraints, ValidationError, model_validator
from slack_sdk.signature import SignatureVerifier

from adapters.shapes import Shape as _Shape
from adapters.shapes import ident, problem
from bot.kernel import columns

TeamId = ident(columns.WORKSPACE, min_length=0)
UserId = ident(columns.USER_ID)
EventId = ident(columns.EVENT_ID)


class BadRequest(Exception):
    """Not a request Slack sends: answer 400 and touch nothing."""


class _Team(_Shape):
    id: TeamId | None = None
    enterprise_id: str | None = None


class _Ref(_Shape):
    id: str | None = None


class _User(_Shape):
    id: UserId
    team_id: TeamId | None = None


class _Authorization(_Shape):
    team_id: TeamId | None = None
    enterprise_id: str | None = None
    user_id: str | None = None
    is_enterprise_install: bool | None = None


class _Common(_Shape):
    """What bolt's request context reads from every request (`slack_bolt.request.internals`)."""

    type: str | None = None
    authorizations: list[_Authorization] | None = None
    enterprise: str | _Ref | None = None
    enterprise_id: str | None = None
    team: TeamId | _Team | None = None
    team_id: TeamId | None = None
    user: UserId | _User | None = None
    user_id: str | None = None
    channel: str | _Ref | None = None
    channel_id: str | None = None
    thread_ts: str | None = None
    response_url: str | None = None
    is_ext_shared_channel: bool | None = None
    function_execution_id: str | None = None
    message: dict[str, Any] | None = None
    previous_message: dict[str, Any] | None = None
    item: dict[str, Any] | None = None
    assistant_thread: dict[str, Any] | None = None
    function_data: dict[str, Any] | None = None
    view: dict[str, Any] | None = None
    event: dict[str, Any] | None = None


class _SlashCommand(_Common):
    command: Annotated[str, StringConstraints(pattern=r"^/\S+$")]
    team_id: TeamId
    user_id: UserId
    text: str = ""
    channel_id: str = ""
    trigger_id: str = ""
    response_url: str = ""


class _Event(_Shape):
    type: str
    user: UserId | None = None
    text: str | None = None
    channel: str | None = None
    channel_type: str | None = None
    subtype: str | None = None
    bot_id: str | None = None
    tab: str | None = None
    team: str | None = None
    user_team: str | None = None
    thread_ts: str | None = None

    @model_validator(mode="after")
    def _someone_opened_it(self) -> _Event:
        if self.type == "app_home_opened" and self.user is None:
            raise ValueError("app_home_opened names no user")
        return self


class _EventCallback(_Common):
    type: Literal["event_callback"]
    event_id: EventId | None = None
    team_id: TeamId | None = None
    event: _Event


class _UrlVerification(_Common):
    type: Literal["url_verification"]
    challenge: str


class _Action(_Shape):
    action_id: str
    value: str | None = None


class _Selected(_Shape):
    value: str


class _Element(_Shape):
    value: str | None = None
    selected_option: _Selected | None = None


class _State(_Shape):
    values: dict[str, dict[str, _Element]] = Field(default_factory=dict)


class _Block(_Shape):
    type: str
    block_id: str | None = None


class _View(_Shape):
    type: str
    callback_id: str | None = None
    private_metadata: str = ""
    team_id: TeamId | None = None
    app_installed_team_id: TeamId | None = None
    blocks: list[_Block] = Field(default_factory=list)
    state: _State = Field(default_factory=_State)


class _Container(_Shape):
    channel_id: str | None = None


class _BlockActions(_Common):
    type: Literal["block_actions"]
    team: _Team | None = None
    user: _User
    actions: Annotated[list[_Action], Field(min_length=1)]
    container: _Container | None = None
    trigger_id: str | None = None
    view: _View | None = None  # type: ignore[assignment]  # narrower than any view


class _ViewSubmission(_Common):
    type: Literal["view_submission", "view_closed"]
    team: _Team | None = None
    user: _User
    view: _View  # type: ignore[assignment]


KINDS: dict[str, type[_Common]] = {"event_callback": _EventCallback, "url_verification": _UrlVerification,
                                   "block_actions": _BlockActions, "view_submission": _ViewSubmission,
                                   "view_closed": _ViewSubmission}


def refusal(verifier: SignatureVerifier | None, raw: bytes, headers: dict[str, str],
            content_type: str | None) -> tuple[int, str] | None:
    """Why an HTTP request is refused before bolt — (401, …) unsigned, as bolt would; (400, …) signed but of a
    shape Slack does not send — or None."""
    try:
        text = raw.decode("utf-8")
        signed = verifier is None or verifier.is_valid_request(text, headers)
    except ValueError:  # not UTF-8 (UnicodeDecodeError is one), or a timestamp that is no number
        return 401, "not signed"
    if not signed:
        return 401, "not signed"
    try:
        check(parse(text, content_type))
    except BadRequest as exc:
        return 400, str(exc)
    return None


def parse(raw: str, content_type: str | None) -> dict[str, Any]:
    """The body as slack_bolt reads it (`request.internals.parse_body`): JSON, a form, or a form's `payload`."""
    try:
        if content_type == "application/json" or raw.startswith("{"):
            return _object(json.loads(raw))
        form = dict(parse_qsl(raw, keep_blank_values=True))
        return _object(json.loads(form["payload"])) if "payload" in form else form
    except ValueError as exc:  # JSONDecodeError is one
        raise BadRequest(f"the body is not JSON: {exc.args[0] if exc.args else exc}") from None


def check(body: Any) -> None:
    """Raise BadRequest unless `body` has the shape of what Slack sends."""
    body = _object(body)
    kind = body.get("type")
    model = _SlashCommand if "command" in body else KINDS.get(kind, _Common) if isinstance(kind, str) else _Common
    try:
        model.model_validate(body)
    except ValidationError as exc:
        raise BadRequest(f"{kind or 'request'}: {problem(exc)}") from None


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest(f"the body is a JSON {type(body).__name__}, not an object")
    return body


def workspace_of(raw: bytes, content_type: str | None) -> str:
    """The workspace (team id) a request comes from, "" when it names none (url_verification) or is unreadable."""
    try:
        body = parse(raw.decode("utf-8"), content_type)
    except (BadRequest, ValueError):
        return ""
    team = body.get("team_id") or body.get("team") or body.get("user", {})
    if isinstance(team, dict):
        team = team.get("id") or team.get("team_id")
    return team if isinstance(team, str) else ""
