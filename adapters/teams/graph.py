"""Reading a person's 1:1 chat with the bot through Microsoft Graph, as the bot's own app registration (client
credentials, a token per tenant): which chat it is, and its messages changed since a time, newest first.

Calls and what they need (application permissions, granted by an admin of each tenant; docs/deploying.md):
- `GET /users/{id}/teamwork/installedApps?$expand=teamsApp&$filter=teamsApp/externalId eq '{app id}'` and
  `GET /users/{id}/teamwork/installedApps/{installation}/chat`: TeamsAppInstallation.ReadForUser.All (or the
  manifest's resource-specific TeamsAppInstallation.Read.User). A 1:1 chat's id never changes: asked once a person.
- `GET /chats/{chat}/messages?$orderby=lastModifiedDateTime desc&$filter=lastModifiedDateTime gt …&$top=50`:
  Chat.Read.All, a protected API (Microsoft approves it per app). The resource-specific ChatMessage.Read.Chat does
  not reach a personal chat, only group and meeting chats.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode, urlparse

import aiohttp
from yarl import URL

from adapters.teams.auth import ClientToken, TokenError
from bot.kernel.settings import TeamsSettings

CLOCK_MARGIN = timedelta(seconds=60)  # before the claim: the replica's clock and Microsoft's need not agree
PAGE_SIZE = 50  # the most Graph gives in one page of chat messages
PAGES = 4  # a personal chat gets few messages in the minutes a claim is out
TIMEOUT = aiohttp.ClientTimeout(total=20)


class GraphError(Exception):
    """Graph did not answer: the status and Graph's error code only, never a token or a message's text."""


def scope(graph_url: str) -> str:
    """The client-credentials scope of a Graph cloud: its root address + /.default."""
    parsed = urlparse(graph_url)
    return f"{parsed.scheme}://{parsed.netloc}/.default"


class Graph:
    def __init__(self, settings: TeamsSettings, session: aiohttp.ClientSession,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.session = session
        self.now = now
        self.tokens: dict[str, ClientToken] = {}
        self.chats: dict[tuple[str, str], str] = {}  # (tenant, Entra user id) → the 1:1 chat's Graph id

    @property
    def base(self) -> str:
        return self.settings.graph.url

    def token(self, tenant: str) -> ClientToken:
        """The app's Graph token in `tenant` (each tenant issues its own)."""
        if tenant not in self.tokens:
            url = f"{self.settings.graph.login_url}{quote(tenant, safe='')}/oauth2/v2.0/token"
            self.tokens[tenant] = ClientToken(self.settings, self.session, url, scope(self.base), self.now)
        return self.tokens[tenant]

    async def chat_with(self, tenant: str, user: str) -> str | None:
        """The Graph id of `user`'s 1:1 chat with the bot; None when the app is not installed for them."""
        if (tenant, user) not in self.chats:
            installed = f"{self.base}users/{quote(user, safe='')}/teamwork/installedApps"
            found = await self.get(tenant, installed, {
                "$expand": "teamsApp", "$filter": f"teamsApp/externalId eq '{self.settings.app_id}'"})
            installs = [i for i in found.get("value") or [] if isinstance(i, dict) and i.get("id")]
            if not installs:
                return None
            chat = await self.get(tenant, f"{installed}/{quote(str(installs[0]['id']), safe='')}/chat")
            if not chat.get("id"):
                return None
            self.chats[(tenant, user)] = str(chat["id"])
        return self.chats[(tenant, user)]

    async def messages_since(self, tenant: str, chat: str, since: datetime) -> AsyncIterator[dict[str, Any]]:
        """The chat's messages created or changed after `since` (less a margin for clocks), newest first, following
        `@odata.nextLink` for a few pages at most and never past `since`."""
        after = since.astimezone(UTC) - CLOCK_MARGIN
        url: str | None = f"{self.base}chats/{quote(chat, safe=':@')}/messages"
        params: dict[str, str] | None = {"$top": str(PAGE_SIZE), "$orderby": "lastModifiedDateTime desc",
                                         "$filter": f"lastModifiedDateTime gt {_stamp(after)}"}
        for _ in range(PAGES):
            if url is None:
                return
            page = await self.get(tenant, url, params)
            for message in page.get("value") or []:
                if not isinstance(message, dict):
                    continue
                if _when(message.get("lastModifiedDateTime") or message.get("createdDateTime")) <= after:
                    return  # older than the window (a Graph that ignored the filter): nothing further is newer
                yield message
            url, params = page.get("@odata.nextLink"), None
            if url is not None and not str(url).startswith(self.base):
                raise GraphError("a next page outside Graph")  # the token goes nowhere else

    async def get(self, tenant: str, url: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        """One Graph GET as the app in `tenant`; GraphError for anything but 200 with a JSON object."""
        token = self.token(tenant)
        try:
            bearer = await token.get()
        except TokenError as exc:
            raise GraphError(f"no Graph token: {exc}") from None
        # Spaces as %20, as Graph's OData parser reads them (a '+' is not always a space to it).
        address = URL(f"{url}?{urlencode(params, quote_via=quote, safe=':/$')}" if params else url, encoded=True)
        try:
            async with self.session.get(address, headers={"Authorization": f"Bearer {bearer}"},
                                        timeout=TIMEOUT) as response:
                body = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise GraphError(f"unreachable: {type(exc).__name__}") from None
        if response.status == 401:
            token.forget()  # revoked, or consent withdrawn: the next lookup asks for a new one
        if response.status != 200 or not isinstance(body, dict):
            error = body.get("error") if isinstance(body, dict) else None
            code = error.get("code", "") if isinstance(error, dict) else ""
            raise GraphError(f"{response.status} {code}".strip())
        return body


def _stamp(moment: datetime) -> str:
    """An OData DateTimeOffset literal in UTC, to the millisecond."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _when(value: Any) -> datetime:
    """A Graph timestamp; one that cannot be read counts as new (it is looked at, not skipped)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.max.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
