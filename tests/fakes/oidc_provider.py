"""A fake OpenID Connect provider on a loopback port, playing Sign in with Slack or a Microsoft Entra ID tenant:
discovery, an authorize endpoint that "signs in" `user` at once and redirects back with a code, a token endpoint
that checks the client, the code (once), the redirect URI and the PKCE verifier, and a JWKS with a generated RSA
key. `tamper` makes it issue wrong id_tokens (another audience, an expired one, …) for the tests that must
refuse them."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.fakes.openid import LoopbackServer, new_key

CLIENT_ID, CLIENT_SECRET, TENANT = "feedbot-test-client", "fake-client-secret", "4a1b-fake-tenant"


@dataclass
class FakeIdentityProvider(LoopbackServer):
    now: Callable[[], datetime] = datetime.now
    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    kid: str = "idp-key-1"
    user: dict[str, Any] = field(default_factory=dict)  # the claims of whoever signs in here
    tamper: dict[str, Any] = field(default_factory=dict)  # claims overriding the genuine ones
    foreign_key: rsa.RSAPrivateKey | None = None  # sign with this key instead (under the published kid)
    authorized: list[dict[str, str]] = field(default_factory=list)  # authorize requests' parameters
    exchanged: list[dict[str, str]] = field(default_factory=list)  # token requests' forms
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    key_fetches: int = 0
    discovery_down: bool = False  # the discovery document answers 503

    @property
    def issuer(self) -> str:
        return f"{self.url}/{TENANT}/v2.0"

    def slack(self, **extra: str) -> dict[str, str]:
        """[dashboard.oidc.slack] pointing here."""
        return {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "issuer": self.issuer,
                "authorize_url": f"{self.url}/authorize", "token_url": f"{self.url}/token",
                "jwks_url": f"{self.url}/keys", **extra}

    def entra(self) -> dict[str, str]:
        """[dashboard.oidc.entra] pointing here."""
        return {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "tenant": TENANT, "authority": self.url}

    def routes(self, app: web.Application) -> None:
        app.router.add_get(f"/{TENANT}/v2.0/.well-known/openid-configuration", self._discovery)
        app.router.add_get("/authorize", self._authorize)
        app.router.add_post("/token", self._token)
        app.router.add_get("/keys", self._keys)

    def rotate(self) -> None:
        """Sign with a new key under a new key id, as providers do from time to time."""
        self.key, self.kid = new_key(), f"{self.kid}-next"

    async def _discovery(self, _request: web.Request) -> web.Response:
        if self.discovery_down:
            return web.Response(status=503, text="Service Unavailable")
        return web.json_response({"issuer": self.issuer, "authorization_endpoint": f"{self.url}/authorize",
                                  "token_endpoint": f"{self.url}/token", "jwks_uri": f"{self.url}/keys",
                                  "id_token_signing_alg_values_supported": ["RS256"]})

    async def _authorize(self, request: web.Request) -> web.Response:
        query = dict(request.query)
        self.authorized.append(query)
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code" \
                or query.get("code_challenge_method") != "S256" or "openid" not in query.get("scope", "").split():
            return web.Response(status=400, text="bad authorize request")
        code = secrets.token_urlsafe(16)
        self.codes[code] = query
        back = urlencode({"code": code, "state": query.get("state", "")})
        raise web.HTTPFound(f"{query['redirect_uri']}?{back}")

    async def _token(self, request: web.Request) -> web.Response:
        form = {key: str(value) for key, value in (await request.post()).items()}
        self.exchanged.append(form)
        asked = self.codes.pop(form.get("code", ""), None)  # a code works once
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return web.json_response({"ok": False, "error": "invalid_client"}, status=401)
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
        if asked is None or asked["redirect_uri"] != form.get("redirect_uri") \
                or asked["code_challenge"] != challenge or form.get("grant_type") != "authorization_code":
            return web.json_response({"ok": False, "error": "invalid_grant"}, status=400)
        return web.json_response({"ok": True, "access_token": "fake-access-token", "token_type": "Bearer",
                                  "id_token": self.id_token(asked["nonce"])})

    def id_token(self, nonce: str) -> str:
        now = int(self.now().timestamp())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": "U0FAKE", "iat": now, "exp": now + 3600,
                  "nonce": nonce, **self.user, **self.tamper}
        return jwt.encode({k: v for k, v in claims.items() if v is not None}, self.foreign_key or self.key,
                          algorithm="RS256", headers={"kid": self.kid})

    async def _keys(self, _request: web.Request) -> web.Response:
        self.key_fetches += 1
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return web.json_response({"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]})
