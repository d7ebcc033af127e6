"""The identity providers: where each one's endpoints and signing keys are, and which email of an id_token it
vouches for. Endpoints and keys are fetched with aiohttp and cached; an unknown key id fetches the keys again
(providers rotate them), at most once a minute."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt

from bot.kernel.settings import Settings
from bot.kernel.settings.platforms import EntraOidcSettings, OidcClient, SlackOidcSettings

SCOPES = "openid email profile"
REFETCH_SECONDS = 60.0


class Refused(Exception):
    """The provider's answer cannot be trusted or used; the reason goes to the log, never with any data."""


@dataclass(frozen=True)
class Endpoints:
    issuer: str
    authorize_url: str
    token_url: str
    jwks_url: str


async def get_json(http: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    try:
        async with http.get(url) as response:
            if response.status != 200:
                raise Refused(f"{url} answered {response.status}")
            data = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise Refused(f"{url}: {type(exc).__name__}") from None
    if not isinstance(data, dict):
        raise Refused(f"{url} did not answer a JSON object")
    return data


class Provider:
    def __init__(self, name: str, client: OidcClient) -> None:
        self.name, self.label, self.client = name, client.label, client  # /dashboard/oidc/<name>
        self._keys: dict[str, jwt.PyJWK] = {}
        self._keys_at = float("-inf")

    async def endpoints(self, http: aiohttp.ClientSession) -> Endpoints:
        raise NotImplementedError

    def authorize_params(self) -> dict[str, str]:
        """Parameters this provider's authorize request adds to the standard ones."""
        return {}

    def email(self, claims: dict[str, Any]) -> str | None:
        """The email address the provider vouches for, or None."""
        raise NotImplementedError

    async def key(self, http: aiohttp.ClientSession, kid: str, now: float) -> jwt.PyJWK:
        """The signing key `kid`; `now` (the deps clock's timestamp) spaces out fetches for unknown ids."""
        if kid not in self._keys and now - self._keys_at >= REFETCH_SECONDS:
            data = await get_json(http, (await self.endpoints(http)).jwks_url)
            self._keys_at = now
            try:
                keys = jwt.PyJWKSet.from_dict(data).keys
            except jwt.PyJWTError as exc:
                raise Refused(f"unusable key set: {exc}") from None
            self._keys = {key.key_id: key for key in keys if key.key_id and key.key_type == "RSA"}
        if kid not in self._keys:
            raise Refused(f"no signing key {kid!r}")
        return self._keys[kid]


class Slack(Provider):
    """Sign in with Slack: fixed endpoints; `email_verified` must be true."""

    client: SlackOidcSettings
    workspaces: frozenset[str] = frozenset()  # without a team_id: the org's own (slack.workspaces), if listed

    async def endpoints(self, http: aiohttp.ClientSession) -> Endpoints:
        client = self.client
        return Endpoints(client.issuer, client.authorize_url, client.token_url, client.jwks_url)

    def authorize_params(self) -> dict[str, str]:
        return {"team": self.client.team_id} if self.client.team_id else {}

    def email(self, claims: dict[str, Any]) -> str | None:
        team = claims.get("https://slack.com/team_id")
        if self.client.team_id and team != self.client.team_id:
            return None  # another workspace's member
        if not self.client.team_id and self.workspaces and not (
                {team, claims.get("https://slack.com/enterprise_id")} & self.workspaces):
            return None  # a stranger's workspace, whose members' addresses the org does not vouch for
        email = claims.get("email")
        return email if claims.get("email_verified") is True and isinstance(email, str) else None


class Entra(Provider):
    """Microsoft Entra ID, one tenant: endpoints and the issuer from the tenant's discovery document. The tenant's
    own directory vouches for its people's `email` (else their sign-in name, `preferred_username`): no other
    tenant's token passes the issuer check, and a guest's (whose `idp` is their home directory or a personal
    Microsoft account) is refused, so nobody outside it can set the address we match."""

    client: EntraOidcSettings

    def __init__(self, name: str, client: EntraOidcSettings) -> None:
        super().__init__(name, client)
        self._endpoints: Endpoints | None = None

    async def endpoints(self, http: aiohttp.ClientSession) -> Endpoints:
        if self._endpoints is None:
            found = await get_json(http, self.client.discovery_url)
            try:
                self._endpoints = Endpoints(*(str(found[key]) for key in (
                    "issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")))
            except KeyError as exc:
                raise Refused(f"discovery document without {exc}") from None
        return self._endpoints

    def email(self, claims: dict[str, Any]) -> str | None:
        idp, tenant = claims.get("idp"), claims.get("tid")
        if idp is not None and not (isinstance(tenant, str) and tenant and tenant in str(idp)):
            return None  # a guest or a personal account: another directory set their email, not this tenant
        for claim in ("email", "preferred_username"):
            value = claims.get(claim)
            if isinstance(value, str) and "@" in value:
                return value
        return None


KINDS: dict[type[OidcClient], type[Provider]] = {SlackOidcSettings: Slack, EntraOidcSettings: Entra}


def configured(settings: Settings) -> dict[str, Provider]:
    """The providers with a client id, by name."""
    providers = {name: KINDS[type(client)](name, client) for name, client in settings.dashboard.oidc.enabled()}
    for provider in providers.values():
        if isinstance(provider, Slack):
            provider.workspaces = frozenset(settings.slack.workspaces)
    return providers
