"""A fake Microsoft Graph and its login (Entra's token endpoint) on a loopback port, reading what the fake Bot
Connector recorded: one fake Teams cloud, so a person's chat in Graph holds exactly the activities the connector took
in it (updated and deleted as the connector was told), in Graph's shapes — a bot's card as JSON text in
`attachments[].content`, newest first, `@odata.nextLink` pages of at most 50, 401 for a token it did not issue.

Only what feedbot calls: the token endpoint, a user's installed apps (filtered by the app's manifest id), the 1:1 chat
of a user and an installed app, and the messages of a chat (`$top`, `$orderby`, `$filter` on lastModifiedDateTime).
"""

from __future__ import annotations

import base64
import itertools
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

from tests.fakes.openid import LoopbackServer
from tests.fakes.teams_connector import APP_ID, APP_PASSWORD, TENANT, Call, FakeConnector, TeamsUser

CATALOG_ID = "0240a368-25e0-4569-8ebe-13601cb55a18"  # the app's id in the tenant's catalog (not the manifest id)
MAX_TOP = 50


def chat_id(person: TeamsUser) -> str:
    """A 1:1 chat's Graph id, as Graph forms it for a person and an app."""
    return f"19:{person.aad}_{APP_ID}@unq.gbl.spaces"


def graph_time(wall: float) -> str:
    moment = datetime.fromtimestamp(wall, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message,
                                        "innerError": {"date": graph_time(time.time())}}}, status=status)


@dataclass
class FakeGraph(LoopbackServer):
    connector: FakeConnector | None = None
    installed: dict[str, TeamsUser] = field(default_factory=dict)  # Entra id → who has the app (personal scope)
    typed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # chat → what people typed in it
    issued: dict[str, str] = field(default_factory=dict)  # token → tenant
    token_requests: list[dict[str, str]] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (path, query) of each Graph GET
    expires_in: int = 3600
    down: bool = False  # Graph answers 503 (its login still works)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def graph_url(self) -> str:
        return f"{self.url}/v1.0/"

    @property
    def login_url(self) -> str:
        return f"{self.url}/login/"

    def settings(self) -> dict[str, Any]:
        """`[teams.graph]` pointing here."""
        return {"enabled": True, "login_url": self.login_url, "url": self.graph_url}

    def install(self, *people: TeamsUser) -> None:
        """The app in these people's personal scope (as an admin's setup policy, or their own install, does)."""
        for person in people:
            self.installed[person.aad] = person

    def revoke(self) -> None:
        """Every token issued so far is refused from now on (401)."""
        self.issued.clear()

    def say(self, person: TeamsUser, text: str, wall: float | None = None) -> None:
        """`person` types `text` in their chat with the bot (Graph shows it; the connector never saw it)."""
        stamp = graph_time(time.time() if wall is None else wall)
        self.typed.setdefault(chat_id(person), []).append(self._message(
            str(next(self._ids)), chat_id(person), stamp, stamp,
            {"user": {"@odata.type": "#microsoft.graph.teamworkUserIdentity", "id": person.aad,
                      "displayName": person.name, "userIdentityType": "aadUser"}},
            {"contentType": "text", "content": text}, []))

    def listings(self) -> list[dict[str, str]]:
        """The queries of every chat-messages page asked for."""
        return [query for path, query in self.requests if path.endswith("/messages")]

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/login/{tenant}/oauth2/v2.0/token", self._token)
        app.router.add_get("/v1.0/users/{user}/teamwork/installedApps", self._installed_apps)
        app.router.add_get("/v1.0/users/{user}/teamwork/installedApps/{installation:.+}/chat", self._chat)
        app.router.add_get("/v1.0/chats/{chat}/messages", self._messages)

    async def _token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.token_requests.append({"tenant": request.match_info["tenant"], **form})
        if form.get("grant_type") != "client_credentials" or form.get("client_id") != APP_ID \
                or form.get("client_secret") != APP_PASSWORD:
            return web.json_response({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid "
                                      "client secret provided."}, status=401)
        if form.get("scope") != f"{self.url}/.default":
            return web.json_response({"error": "invalid_scope", "error_description": "AADSTS1002012: The provided "
                                      "value for scope is not valid."}, status=400)
        token = f"graph-token-{next(self._ids)}"
        self.issued[token] = request.match_info["tenant"]
        return web.json_response({"token_type": "Bearer", "expires_in": self.expires_in,
                                  "ext_expires_in": self.expires_in, "access_token": token})

    def _refused(self, request: web.Request) -> web.Response | None:
        self.requests.append((request.path, dict(request.query)))
        if self.down:
            return error(503, "ServiceUnavailable", "Service unavailable.")
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or self.issued.get(token) != TENANT:
            return error(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
        return None

    async def _installed_apps(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        person = self.installed.get(request.match_info["user"])
        wanted = request.query.get("$filter", "")
        if person is None or wanted != f"teamsApp/externalId eq '{APP_ID}'":
            return web.json_response({"@odata.context": "…/teamwork/installedApps", "value": []})
        installation = base64.b64encode(f"{person.aad}##{CATALOG_ID}".encode()).decode()
        app = {"id": CATALOG_ID, "externalId": APP_ID, "displayName": "feedbot", "distributionMethod": "organization"}
        return web.json_response({"@odata.context": "…/teamwork/installedApps(teamsApp())", "@odata.count": 1,
                                  "value": [{"id": installation, "teamsApp": app}]})

    async def _chat(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        person = self.installed.get(request.match_info["user"])
        installation = base64.b64decode(request.match_info["installation"]).decode(errors="replace")
        if person is None or installation != f"{person.aad}##{CATALOG_ID}":
            return error(404, "NotFound", "The app installation was not found.")
        return web.json_response({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#chats/$entity",
                                  "id": chat_id(person)})

    async def _messages(self, request: web.Request) -> web.Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        chat = request.match_info["chat"]
        person = next((p for p in self.installed.values() if chat_id(p) == chat), None)
        if person is None:
            return error(404, "NotFound", "Chat not found.")
        top = int(request.query.get("$top", "20"))
        if not 0 < top <= MAX_TOP:
            return error(400, "BadRequest", f"Invalid page size requested: {top}. Maximum allowed is {MAX_TOP}.")
        ordered = request.query.get("$orderby", "lastModifiedDateTime desc")
        key = "createdDateTime" if ordered.startswith("createdDateTime") else "lastModifiedDateTime"
        messages = sorted(self._chat_messages(person) + self.typed.get(chat, []), key=lambda m: m[key], reverse=True)
        wanted = request.query.get("$filter", "")
        if wanted.startswith(f"{key} gt "):  # Graph filters only on the property it orders by
            after = wanted.removeprefix(f"{key} gt ")
            messages = [m for m in messages if m[key] > after]
        start = int(request.query.get("$skiptoken", "0"))
        body: dict[str, Any] = {"@odata.context": f"https://graph.microsoft.com/v1.0/$metadata#chats('{chat}')/messages",
                                "@odata.count": len(messages[start:start + top]), "value": messages[start:start + top]}
        if start + top < len(messages):
            query = {**{k: v for k, v in request.query.items() if k != "$skiptoken"}, "$skiptoken": str(start + top)}
            body["@odata.nextLink"] = f"{self.graph_url}chats/{chat}/messages?{urlencode(query, quote_via=quote)}"
        return web.json_response(body)

    def _chat_messages(self, person: TeamsUser) -> list[dict[str, Any]]:
        """What the connector took in the person's chat, as Graph shows a bot's messages."""
        calls = self.connector.calls if self.connector is not None else []
        conversation = f"a:{person.teams_id}"
        changes: dict[str, list[Call]] = {}
        for call in calls:
            if call.method in ("update", "delete") and call.conversation == conversation:
                changes.setdefault(call.answered_id, []).append(call)
        return [self._bot_message(call, chat_id(person), changes.get(call.answered_id, [])) for call in calls
                if call.method in ("send", "reply") and call.conversation == conversation]

    def _bot_message(self, sent: Call, chat: str, changes: list[Call]) -> dict[str, Any]:
        latest = changes[-1] if changes else sent
        activity = sent.body if latest.method == "delete" else latest.body
        attachments = [] if latest.method == "delete" else [
            {"id": f"{sent.answered_id}-{n}", "contentType": a.get("contentType"), "contentUrl": None,
             "content": json.dumps(a.get("content"), indent=2).replace("\n", "\r\n"), "name": None,
             "thumbnailUrl": None, "teamsAppId": None} for n, a in enumerate(activity.get("attachments") or [])]
        message = self._message(
            sent.answered_id, chat, graph_time(sent.wall), graph_time(latest.wall),
            {"application": {"@odata.type": "#microsoft.graph.teamworkApplicationIdentity", "id": APP_ID,
                             "displayName": "feedbot", "applicationIdentityType": "bot"}},
            {"contentType": "html", "content": "".join(f'<attachment id="{a["id"]}"></attachment>'
                                                       for a in attachments)}, attachments)
        if latest.method == "delete":
            message["deletedDateTime"] = graph_time(latest.wall)
        return message

    @staticmethod
    def _message(message_id: str, chat: str, created: str, modified: str, sender: dict[str, Any],
                 body: dict[str, str], attachments: list[dict[str, Any]]) -> dict[str, Any]:
        return {"id": message_id, "replyToId": None, "etag": message_id, "messageType": "message",
                "createdDateTime": created, "lastModifiedDateTime": modified, "lastEditedDateTime": None,
                "deletedDateTime": None, "subject": None, "summary": None, "chatId": chat, "importance": "normal",
                "locale": "en-us", "webUrl": None, "channelIdentity": None, "policyViolation": None,
                "eventDetail": None, "from": {"application": None, "device": None, "user": None, **sender},
                "body": body, "attachments": attachments, "mentions": [], "reactions": [], "messageHistory": []}
