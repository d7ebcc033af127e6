"""A fake Bot Framework identity service on a loopback port: OpenID metadata, a JWKS with a test RSA key
endorsed for msteams, and the token endpoint the bot gets its own bearer token from. It signs inbound
tokens the way the Bot Connector does, and can sign wrong ones for the tests that must be refused."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Self

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://api.botframework.com"
KID = "test-key-1"
BOT_TOKEN = "bot-token-from-fake-login"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class LoopbackServer:
    """A fake service: its routes on 127.0.0.1 and an ephemeral port."""

    runner: web.AppRunner | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> Self:
        app = web.Application()
        self.routes(app)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.port = self.runner.addresses[0][1]
        return self

    async def close(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@dataclass
class FakeOpenId(LoopbackServer):
    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    kid: str = KID
    token_requests: list[dict[str, str]] = field(default_factory=list)
    numbered: bool = False  # each token asked for is told apart ("…-1", "…-2"): who sent what, with many processes
    key_fetches: int = 0
    down: bool = False  # the metadata endpoint answers 503

    def rotate(self) -> None:
        """Publish a new signing key under a new key id (Microsoft rotates its keys)."""
        self.key, self.kid = new_key(), f"{self.kid}-next"

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/v1/.well-known/openidconfiguration"

    @property
    def token_url(self) -> str:
        return f"{self.url}/botframework.com/oauth2/v2.0/token"

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/v1/.well-known/openidconfiguration", self._metadata)
        app.router.add_get("/v1/keys", self._keys)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)

    async def _metadata(self, _request: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=503, text="Service Unavailable")
        return web.json_response({"issuer": ISSUER, "jwks_uri": f"{self.url}/v1/keys",
                                  "id_token_signing_alg_values_supported": ["RS256"],
                                  "token_endpoint_auth_methods_supported": ["private_key_jwt"]})

    async def _keys(self, _request: web.Request) -> web.Response:
        self.key_fetches += 1
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return web.json_response({"keys": [{**public, "kid": self.kid, "use": "sig", "x5t": self.kid,
                                            "endorsements": ["msteams"]}]})

    async def _token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        self.token_requests.append({"tenant": request.match_info["tenant"], **{k: str(v) for k, v in form.items()}})
        if form.get("grant_type") != "client_credentials" or not form.get("client_secret"):
            return web.json_response({"error": "invalid_client", "error_description": "bad credentials"}, status=401)
        return web.json_response({"token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600,
                                  "access_token": f"{BOT_TOKEN}-{len(self.token_requests)}" if self.numbered
                                  else BOT_TOKEN})

    def sign(self, app_id: str, service_url: str, *, key: rsa.RSAPrivateKey | None = None, kid: str = "",
             **claims: Any) -> str:
        """A Bot Connector token for `app_id`; keyword claims override (exp=…, aud=…)."""
        now = int(time.time())
        body = {"iss": ISSUER, "aud": app_id, "nbf": now - 60, "iat": now - 60, "exp": now + 3600,
                "serviceurl": service_url, **claims}
        return jwt.encode(body, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid})
