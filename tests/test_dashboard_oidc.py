"""Signing in to the dashboard with an identity provider (Sign in with Slack, Microsoft Entra ID) through a fake
provider on loopback: the real server, the real redirects, id_tokens signed with a generated RSA key."""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.kernel.settings import Settings
from tests.fakes.oidc_provider import CLIENT_ID, FakeIdentityProvider
from tests.web_dashboard import Dashboard, dashboard

ANA, BO = "ana@example.com", "bo@example.com"
SLACK_ANA = {"email": "Ana@Example.COM", "email_verified": True, "name": "Ana"}


@pytest.fixture
async def idp(clock) -> AsyncIterator[FakeIdentityProvider]:
    fake = await FakeIdentityProvider(now=clock.now).start()
    yield fake
    await fake.close()


@asynccontextmanager
async def served(deps_factory, idp: FakeIdentityProvider, **slack: str) -> AsyncIterator[Dashboard]:
    settings = Settings.model_validate({"org": {"admins": ["admin@example.com"]},
                                        "privacy": {"secret_key": "test-secret"},
                                        "dashboard": {"oidc": {"slack": idp.slack(**slack), "entra": idp.entra()}}})
    deps, console = deps_factory(settings)
    await console.people(ANA, BO)
    async with dashboard(deps) as web:
        yield web


@asynccontextmanager
async def browser() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


async def to_callback(web: Dashboard, client: aiohttp.ClientSession, provider: str = "slack") -> str:
    """Start a sign-in and go through the provider; the callback URL it sends the browser back to (not opened)."""
    async with client.get(f"{web.url}/dashboard/oidc/{provider}", allow_redirects=False) as started:
        assert started.status == 302, started.status
        authorize = started.headers["Location"]
    async with client.get(authorize, allow_redirects=False) as signed:
        assert signed.status == 302, await signed.text()
        return signed.headers["Location"]


async def signed_in(web: Dashboard, client: aiohttp.ClientSession) -> bool:
    status, html = await web.get(client, "/dashboard/me")
    assert (status == 200) == ("Signed in as" in html)
    return status == 200


async def test_sign_in_with_slack_matches_the_verified_email_to_the_directory(deps_factory, idp):
    idp.user = SLACK_ANA
    async with served(deps_factory, idp) as web, browser() as client:
        status, html = await web.get(client, "/dashboard")
        assert status == 401 and 'href="/dashboard/oidc/slack">Sign in with Slack' in html
        assert 'href="/dashboard/oidc/entra">Sign in with Microsoft' in html
        async with client.get(f"{web.url}/dashboard/oidc/slack") as landed:  # the IdP, then back, then Me
            assert landed.status == 200 and landed.url.path == "/dashboard/me"
            assert "Signed in as ana" in await landed.text()
            assert [r.status for r in landed.history] == [302, 302, 303]
            cookie = landed.history[-1].headers.getall("Set-Cookie")
        assert any("feedbot_session=" in c and "HttpOnly" in c and "Path=/dashboard" in c for c in cookie)
        asked = idp.authorized[0]
        assert asked["scope"] == "openid email profile" and asked["code_challenge_method"] == "S256"
        assert len(asked["state"]) >= 32 and len(asked["nonce"]) >= 32 and asked["nonce"] != asked["state"]
        assert asked["redirect_uri"] == f"{web.url}/dashboard/oidc/slack/callback"
        assert len(idp.exchanged[0]["code_verifier"]) >= 43  # PKCE: the challenge's verifier, never sent before
        for path in ("/dashboard/team", "/dashboard/ideas", "/dashboard/pulse"):
            assert (await web.get(client, path))[0] in (200, 403), path  # signed in: pages, not the sign-in page


async def test_sign_in_with_entra_uses_the_tenants_discovery_and_the_sign_in_name(deps_factory, idp):
    idp.user = {"preferred_username": "BO@example.com", "name": "Bo", "tid": "4a1b-fake-tenant"}  # no email claim
    async with served(deps_factory, idp) as web, browser() as client:
        landed = await client.get(f"{web.url}/dashboard/oidc/entra")
        assert landed.status == 200 and "Signed in as bo" in await landed.text()
        assert idp.exchanged and idp.authorized[0]["redirect_uri"].endswith("/dashboard/oidc/entra/callback")


async def test_a_rotated_key_is_fetched_once_and_an_unreachable_tenant_refuses_politely(deps_factory, idp, clock):
    idp.user = SLACK_ANA
    async with served(deps_factory, idp) as web:
        for rotate in (False, False, True, False):
            if rotate:
                idp.rotate()
                clock.advance(timedelta(minutes=1))  # unknown key ids fetch the keys at most once a minute
            async with browser() as client, client.get(f"{web.url}/dashboard/oidc/slack") as landed:
                assert landed.status == 200 and landed.url.path == "/dashboard/me"
        assert idp.key_fetches == 2  # the keys are cached; a new key id fetches them again
        idp.discovery_down = True
        async with browser() as client, client.get(f"{web.url}/dashboard/oidc/entra") as refused:
            assert refused.status == 401 and "Signing in with Microsoft did not work" in await refused.text()


@pytest.mark.parametrize(("change", "status"), [
    ({"aud": "someone-else"}, 401),
    ({"iss": "https://login.microsoftonline.com/another-tenant/v2.0"}, 401),
    ({"exp": "expired"}, 401),
    ({"iat": "future"}, 401),
    ({"nonce": "n" * 80}, 401),
    ({"nonce": None}, 401),
    ({"signature": "foreign"}, 401),
    ({"email_verified": False}, 403),
    ({"email_verified": "true"}, 403),  # a string is not a verified email
    ({"email": "nobody@example.com"}, 403),
], ids=["audience", "issuer", "expired", "issued-later", "nonce", "no-nonce", "signature", "unverified",
        "verified-as-text", "unknown-email"])
async def test_a_wrong_id_token_is_refused_and_signs_nobody_in(deps_factory, idp, clock, change, status):
    idp.user = SLACK_ANA
    now = int(clock.now().timestamp())
    tamper: dict[str, Any] = dict(change)
    if tamper.get("exp") == "expired":
        tamper["exp"] = now - 120  # past the minute of leeway
    if tamper.get("iat") == "future":
        tamper["iat"] = now + 600
    if tamper.pop("signature", None):
        idp.foreign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    idp.tamper = tamper
    async with served(deps_factory, idp) as web, browser() as client:
        async with client.get(await to_callback(web, client)) as back:
            html = await back.text()
            assert back.status == status and "Signed in as" not in html
            assert not any("feedbot_session=" in cookie for cookie in back.headers.getall("Set-Cookie", []))
        assert "did not work" in html if status == 401 else ("verified email" in html or "nobody@" in html)
        assert not await signed_in(web, client)


async def test_a_deactivated_person_is_refused_and_nothing_is_created(deps_factory, idp, deps_and_console):
    idp.user = {"email": "newcomer@example.com", "email_verified": True}
    async with served(deps_factory, idp) as web, browser() as client:
        async with client.get(await to_callback(web, client)) as back:
            assert back.status == 403
            assert "newcomer@example.com is not an active person in feedbot&#39;s org directory" in await back.text()
        async with web.deps.uow() as uow:
            assert await uow.people.by_email("newcomer@example.com") is None
            bo = await uow.people.by_email(BO)
            bo.deactivated_at = web.deps.clock.now()
        idp.user = {"email": BO, "email_verified": True}
        async with client.get(await to_callback(web, client)) as back:
            assert back.status == 403 and not await signed_in(web, client)


async def test_forged_missing_or_foreign_state_is_refused(deps_factory, idp, clock):
    idp.user = SLACK_ANA
    async with served(deps_factory, idp) as web:
        async with browser() as client:
            callback = await to_callback(web, client)
            forged = callback.replace("state=", "state=x")
            missing = callback.split("&state=")[0]
            for url in (forged, missing):
                async with client.get(url) as back:
                    assert back.status == 400 and "not started here" in await back.text()
            assert not await signed_in(web, client)
        async with browser() as victim:  # a callback this browser never started (login CSRF)
            async with victim.get(callback) as back:
                assert back.status == 400
            assert not await signed_in(web, victim)
        async with browser() as slow:  # ten minutes at the provider is too long
            callback = await to_callback(web, slow)
            clock.advance(timedelta(minutes=11))
            async with slow.get(callback) as back:
                assert back.status == 400 and not await signed_in(web, slow)


async def test_a_replayed_callback_or_code_signs_nobody_in(deps_factory, idp):
    idp.user = SLACK_ANA
    async with served(deps_factory, idp) as web:
        async with browser() as first:
            callback = await to_callback(web, first)
            state_cookie = {cookie.key: cookie.value for cookie in first.cookie_jar}
            async with first.get(callback) as back:
                assert back.status == 200 and back.url.path == "/dashboard/me"
        async with browser() as thief:  # the same callback with the same state cookie: the state is used
            thief.cookie_jar.update_cookies(state_cookie)
            async with thief.get(callback) as back:
                assert back.status == 400 and not await signed_in(web, thief)
        async with browser() as other:  # a fresh state of its own, with the used code
            fresh = await to_callback(web, other)
            code = callback.split("code=")[1].split("&")[0]
            replayed = fresh.replace(fresh.split("code=")[1].split("&")[0], code)
            async with other.get(replayed) as back:
                assert back.status == 401 and not await signed_in(web, other)
        assert idp.exchanged[-1]["code"] == code  # the provider refused it: a code works once, for its verifier


async def test_a_sign_in_the_person_cancels_at_the_provider_is_refused(deps_factory, idp):
    async with served(deps_factory, idp) as web, browser() as client:
        callback = await to_callback(web, client)
        state = callback.split("state=")[1]
        cancelled = f"{web.url}/dashboard/oidc/slack/callback?error=access_denied&state={state}"
        async with client.get(cancelled) as back:
            assert back.status == 401 and "did not work" in await back.text()
        assert not await signed_in(web, client)


async def test_a_workspace_restriction_refuses_other_workspaces(deps_factory, idp):
    idp.user = SLACK_ANA | {"https://slack.com/team_id": "T0OTHER"}
    async with served(deps_factory, idp, team_id="T0OURS") as web, browser() as client:
        callback = await to_callback(web, client)
        assert idp.authorized[0]["team"] == "T0OURS"
        async with client.get(callback) as back:
            assert back.status == 403 and not await signed_in(web, client)


async def test_without_providers_there_are_no_buttons_and_no_routes(console, deps):
    async with dashboard(deps) as web, browser() as client:
        status, html = await web.get(client, "/dashboard")
        assert status == 401 and "Sign in with" not in html
        assert (await web.get(client, "/dashboard/oidc/slack"))[0] == 404


@pytest.mark.parametrize(("oidc", "error"), [
    ({"slack": {"client_id": CLIENT_ID}}, "client_secret is needed"),
    ({"entra": {"client_id": CLIENT_ID, "client_secret": "s", "tenant": "common"}}, "Directory (tenant) ID"),
])
def test_settings_refuse_a_client_without_secret_or_a_shared_tenant(oidc, error):
    with pytest.raises(ValueError, match=error.replace("(", r"\(").replace(")", r"\)")):
        Settings.model_validate({"dashboard": {"oidc": oidc}})


def test_the_example_files_provider_tables_are_valid():
    lines = (Path(__file__).parent.parent / "config.example.toml").read_text(encoding="utf-8").splitlines()
    start = lines.index("# [dashboard.oidc.slack]")
    tables = list(itertools.takewhile(lambda line: line.startswith("# "), lines[start:]))
    settings = Settings.model_validate(tomllib.loads("\n".join(line[2:] for line in tables)))
    assert [name for name, _ in settings.dashboard.oidc.enabled()] == ["slack", "entra"]
