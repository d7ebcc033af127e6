"""The code exchanged for an id_token (with the PKCE verifier), and the id_token verified: RS256 signature by one
of the provider's published keys, issuer, audience, expiry and issue time with a small leeway, and our nonce.
Times are the deps clock's, so a test's clock and the provider's agree."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Any

import aiohttp
import jwt

from adapters.web.oidc.providers import Endpoints, Provider, Refused

LEEWAY_SECONDS = 60  # clocks drift a little between the provider and us


async def exchange(http: aiohttp.ClientSession, provider: Provider, endpoints: Endpoints, code: str,
                   redirect_uri: str, verifier: str) -> str:
    """The id_token the token endpoint gives for `code` (client_secret_post, which Slack and Entra accept)."""
    secret = provider.client.client_secret
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": provider.client.client_id, "client_secret": secret.get_secret_value() if secret else "",
            "code_verifier": verifier}
    try:
        async with http.post(endpoints.token_url, data=form) as response:
            answer = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise Refused(f"token endpoint: {type(exc).__name__}") from None
    token = answer.get("id_token") if isinstance(answer, dict) else None
    if not isinstance(token, str):  # Slack answers 200 with {"ok": false, "error": …}; Entra 400 with "error"
        error = answer.get("error") if isinstance(answer, dict) else None
        raise Refused(f"token endpoint gave no id_token ({error or response.status})")
    return token


async def verify(http: aiohttp.ClientSession, provider: Provider, endpoints: Endpoints, token: str, nonce: str,
                 now: datetime) -> dict[str, Any]:
    """The id_token's claims, or Refused saying which check failed."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise Refused("not a JWT") from None
    if header.get("alg") != "RS256":
        raise Refused(f"algorithm {header.get('alg')!r}")
    moment = now.timestamp()
    key = await provider.key(http, str(header.get("kid", "")), moment)
    client_id = provider.client.client_id
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key.key, algorithms=["RS256"], audience=client_id, issuer=endpoints.issuer,
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                     "require": ["iss", "aud", "exp", "iat", "sub"]})
    except jwt.PyJWTError as exc:
        raise Refused(f"{type(exc).__name__}: {exc}") from None
    if not isinstance(claims["exp"], int | float) or moment > claims["exp"] + LEEWAY_SECONDS:
        raise Refused("expired")
    if not isinstance(claims["iat"], int | float) or claims["iat"] > moment + LEEWAY_SECONDS:
        raise Refused("issued in the future")
    if isinstance(claims["aud"], list) and len(claims["aud"]) > 1 and claims.get("azp") != client_id:
        raise Refused("issued to another party")
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise Refused("nonce mismatch")
    return claims
