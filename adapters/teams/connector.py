"""botbuilder's CloudAdapter machinery, fed with requests we already authenticated (auth.InboundAuth) and with
connector clients that carry the bot's token (auth.BotToken).

We call `process_activity` with a ready AuthenticateRequestResult instead of letting the aiohttp CloudAdapter
parse the request: that keeps a malformed token a 401 (not 500) and lets us serialise invoke responses
ourselves, which sidesteps the double serialisation of 4.17.1 (PLATFORM §2.4).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import CloudAdapterBase, InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes, Attachment
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AppCredentials,
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
)
from msrest.exceptions import ClientException, ClientRequestError, DeserializationError, HttpOperationError

from adapters.teams.auth import CONNECTOR_SCOPE
from adapters.teams.cards import CONTENT_TYPE

Logic = Callable[[TurnContext], Awaitable[None]]
RETRIED_STATUSES = {429, 412, 502, 504}  # what Microsoft says to retry, with backoff (PLATFORM §2.6)
# What a connector call raises when it fails: msrest's errors, and azure-core's DeserializationError (a
# ValueError) for an answer that is not JSON.
CONNECTOR_ERRORS = (ClientException, DeserializationError)
TokenSource = Callable[[], Awaitable[str]]  # the bot's bearer token, "" without an app id


class _FetchedToken(AppCredentials):
    """msrest asks for the token synchronously, so it is fetched (asynchronously) before the client is made."""

    def __init__(self, app_id: str, token: str) -> None:
        super().__init__(app_id=app_id)
        self._token = token

    def get_access_token(self, force_refresh: bool = False) -> str:
        return self._token

    def _should_set_token(self, session: object) -> bool:
        return bool(self._token)


class _Connectors(ConnectorFactory):
    def __init__(self, app_id: str, token: TokenSource) -> None:
        self.app_id = app_id
        self.token = token

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        client = ConnectorClient(_FetchedToken(self.app_id, await self.token()), base_url=service_url)
        # msrest's own retries (GET and PUT only, honouring any Retry-After, however long) are switched off:
        # ours are the only ones, the same for every call, with a cap on the wait (messenger.with_retries).
        client.config.retry_policy.retries = 0
        return client


class _Authentication(BotFrameworkAuthentication):
    """Requests reach the adapter already authenticated; this only hands out connector clients."""

    def __init__(self, connectors: _Connectors) -> None:
        self.connectors = connectors

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        raise PermissionError("requests are authenticated before the adapter")

    async def authenticate_streaming_request(self, auth_header: str, channel_id_header: str) -> None:
        raise PermissionError("streaming is not used")

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self.connectors

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> None:
        return None


class TeamsAdapter(CloudAdapterBase):
    def __init__(self, app_id: str, token: TokenSource) -> None:
        self.connectors = _Connectors(app_id, token)
        super().__init__(_Authentication(self.connectors))

    async def run(self, claims: dict[str, Any], activity: Activity, logic: Logic) -> InvokeResponse | None:
        """One authenticated inbound activity through the turn pipeline; the invoke response, if any."""
        result = AuthenticateRequestResult()
        result.claims_identity = ClaimsIdentity(claims, True)
        result.audience = CONNECTOR_SCOPE
        result.connector_factory = self.connectors
        return await self.process_activity(result, activity, logic)


def invoke_body(response: InvokeResponse) -> Any:
    """The invoke response body as JSON-ready data (a model is serialised once, a dict is left alone)."""
    body = response.body
    return body.serialize() if hasattr(body, "serialize") else body


def to_activity(card: dict[str, Any]) -> Activity:
    """A message carrying one Adaptive Card; its fallback text is the notification preview."""
    return Activity(type=ActivityTypes.message, summary=str(card.get("fallbackText", ""))[:200],
                    attachments=[Attachment(content_type=CONTENT_TYPE, content=card)])


def transient(exc: Exception) -> bool:
    """Throttled, a gateway error, or no usable answer (a broken connection, an HTML error page): worth trying
    again later. botbuilder's connector client never retries by itself."""
    if isinstance(exc, HttpOperationError):
        return exc.response.status_code in RETRIED_STATUSES
    return isinstance(exc, DeserializationError | ClientRequestError)
