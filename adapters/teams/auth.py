"""Who may call POST /api/messages, and the bot's own token for calling the Bot Connector back.

Inbound: the Bot Connector signs a JWT (RS256) with keys published through OpenID metadata. We check the
signature, issuer, audience (our app id), expiry (5 minutes of clock skew, as the SDK), the key's
endorsements for the channel, the `serviceurl` claim against the activity and, for a single-tenant app,
the tenant. Written here rather than taken from botframework-connector because its validator fetches the
keys with blocking `requests` and lets a malformed token escape as HTTP 500 (PLATFORM §2.2).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import aiohttp
import jwt

from adapters.teams.inbound import tenant_of
from bot.kernel.settings import TeamsSettings

log = logging.getLogger(__name__)

ALGORITHMS = ["RS256", "RS384", "RS512"]
CLOCK_SKEW_SECONDS = 300
KEYS_MAX_AGE_SECONDS = 24 * 3600
REFETCH_SECONDS = 60  # at most one refetch a minute (an unknown key id, or keys older than a day)
CONNECTOR_SCOPE = "https://api.botframework.com/.default"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class Unauthorized(Exception):
    """The request is not from the Bot Connector for this bot: answer 401 and touch nothing."""


class Forbidden(Exception):
    """A genuine request for another tenant than this single-tenant bot's: answer 403 and touch nothing."""


class KeysUnavailable(Exception):
    """The signing keys could not be fetched; the Bot Connector retries a 503."""


@dataclass(frozen=True)
class SigningKey:
    key: Any
    endorsements: tuple[str, ...]


class SigningKeys:
    """The Bot Connector's public keys, from OpenID metadata → jwks_uri, cached for a day."""

    def __init__(self, metadata_url: str, session: aiohttp.ClientSession) -> None:
        self.metadata_url = metadata_url
        self.session = session
        self.keys: dict[str, SigningKey] = {}
        self.fetched_at = float("-inf")
        self.tried_at = float("-inf")
        self.lock = asyncio.Lock()

    async def get(self, kid: str) -> SigningKey | None:
        if self._due(kid):
            async with self.lock:
                if self._due(kid):
                    await self._refresh()
        return self.keys.get(kid)

    def _due(self, kid: str) -> bool:
        now = time.monotonic()
        if not self.keys:
            return True
        if now - self.tried_at < REFETCH_SECONDS:  # unknown key ids must not make us hammer the endpoint
            return False
        return kid not in self.keys or now - self.fetched_at > KEYS_MAX_AGE_SECONDS

    async def _refresh(self) -> None:
        self.tried_at = time.monotonic()
        try:
            metadata = await self._json(self.metadata_url)
            jwks = await self._json(metadata["jwks_uri"])
            keys = {k["kid"]: SigningKey(jwt.PyJWK(k).key, tuple(k.get("endorsements") or ()))
                    for k in jwks["keys"] if k.get("kty") == "RSA" and "kid" in k}
        except (aiohttp.ClientError, TimeoutError, KeyError, TypeError, ValueError, jwt.PyJWKError) as exc:
            log.error("could not load the Bot Framework signing keys from %s: %s", self.metadata_url, exc)
            if not self.keys:
                raise KeysUnavailable(str(exc)) from None
            return  # keep the keys we have
        self.keys = keys
        self.fetched_at = self.tried_at

    async def _json(self, url: str) -> Any:
        async with self.session.get(url, timeout=aiohttp.ClientTimeout(total=10)) as response:
            response.raise_for_status()
            return await response.json(content_type=None)


class InboundAuth:
    def __init__(self, settings: TeamsSettings, keys: SigningKeys) -> None:
        self.settings = settings
        self.keys = keys

    @property
    def disabled(self) -> bool:
        return not self.settings.app_id and self.settings.allow_unauthenticated

    async def verify(self, auth_header: str, activity: dict[str, Any]) -> dict[str, Any]:
        """The token's claims, or Unauthorized / Forbidden / KeysUnavailable."""
        if self.disabled:  # the Emulator on this machine: the bot must not be made to call anywhere else
            if urlparse(str(activity.get("serviceUrl") or "")).hostname not in LOCAL_HOSTS:
                raise Unauthorized("without authentication only a local service URL (the Emulator) is accepted")
            if tenant_of(activity):  # the Emulator sends none; a tenant named is held to the config all the same
                self._check_tenant(activity)
            return {}
        if not self.settings.app_id:
            raise Unauthorized("no app id is configured")
        scheme, _, token = auth_header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("no bearer token")
        try:
            header = jwt.get_unverified_header(token.strip())
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(f"malformed token: {exc}") from None
        if header.get("alg") not in ALGORITHMS:
            raise Unauthorized("unexpected signing algorithm")
        key = await self.keys.get(str(header.get("kid", "")))
        if key is None:
            raise Unauthorized("unknown signing key")
        try:
            claims = jwt.decode(token.strip(), key.key, algorithms=ALGORITHMS, audience=self.settings.app_id,
                                issuer=self.settings.token_issuer, leeway=CLOCK_SKEW_SECONDS,
                                options={"require": ["exp", "iss", "aud"]})
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(f"invalid token: {exc}") from None
        channel = str(activity.get("channelId") or "")
        if channel not in key.endorsements:  # an activity without a channel is endorsed for none
            raise Unauthorized(f"the signing key is not endorsed for channel {channel or '(none)'}")
        service_url = _url(claims.get("serviceurl"))
        if not service_url or service_url != _url(activity.get("serviceUrl")):
            raise Unauthorized("the token's service URL is missing or not the activity's")
        self._check_tenant(activity)
        return claims

    def _check_tenant(self, activity: dict[str, Any]) -> None:
        tenant = tenant_of(activity)
        if self.settings.app_type == "MultiTenant":
            if self.settings.allowed_tenants and tenant not in self.settings.allowed_tenants:
                raise Forbidden("the activity comes from a tenant not in teams.allowed_tenants")
            return
        if self.settings.tenant_id and tenant != self.settings.tenant_id:
            raise Forbidden("the activity comes from another tenant")


def _url(value: object) -> str:
    return str(value or "").rstrip("/")


class ClientToken:
    """The app's own bearer token for `scope` (OAuth client credentials at `url`), cached until near expiry. Neither
    the token nor the request (which holds the secret) is ever logged."""

    def __init__(self, settings: TeamsSettings, session: aiohttp.ClientSession, url: str, scope: str,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.session = session
        self.url = url
        self.scope = scope
        self.now = now  # tests move it past the expiry
        self.token = ""
        self.expires_at = 0.0
        self.lock = asyncio.Lock()

    def forget(self) -> None:
        """The token was refused (revoked, or the app's consent withdrawn): the next call asks for a new one."""
        self.expires_at = 0.0

    async def get(self) -> str:
        """Empty when the bot runs without an app id (no auth either way)."""
        if not self.settings.app_id:
            return ""
        async with self.lock:
            if self.now() < self.expires_at:
                return self.token
            password = self.settings.app_password.get_secret_value() if self.settings.app_password else ""
            form = {"grant_type": "client_credentials", "client_id": self.settings.app_id,
                    "client_secret": password, "scope": self.scope}
            try:
                async with self.session.post(self.url, data=form, timeout=aiohttp.ClientTimeout(total=20)) as response:
                    body = await response.json(content_type=None)
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                raise TokenError(f"token endpoint unreachable: {type(exc).__name__}") from None
            if response.status != 200 or not isinstance(body, dict) or "access_token" not in body:
                # The error code and description only: never the request, which holds the secret.
                details = body if isinstance(body, dict) else {}
                raise TokenError(f"{response.status} {details.get('error', '')}: "
                                 f"{details.get('error_description', '')}")
            self.token = body["access_token"]
            self.expires_at = self.now() + max(int(body.get("expires_in", 3600)) - 300, 60)
            return self.token


class BotToken(ClientToken):
    """The bot's token for the Bot Connector."""

    def __init__(self, settings: TeamsSettings, session: aiohttp.ClientSession) -> None:
        url = settings.token_url
        if settings.app_type == "SingleTenant" and settings.tenant_id:
            url = url.replace("/botframework.com/", f"/{settings.tenant_id}/")
        super().__init__(settings, session, url, CONNECTOR_SCOPE)


class TokenError(Exception):
    """No token for the bot: the endpoint refused its credentials or could not be reached."""
