"""Sign-in with an identity provider, as an attacker tries it: forged log lines, guests of the tenant, lookalike
addresses, the state cookie's flags and the client secrets on the admin page."""

from __future__ import annotations

import logging

import pytest

from bot.kernel.settings import Settings
from storage.models import Person
from tests.test_dashboard_oidc import BO, browser, idp, served, signed_in, to_callback
from tests.web_dashboard import dashboard

__all__ = ["idp"]  # the fake provider fixture, shared


async def test_what_the_browser_brings_back_is_logged_quoted_and_cut(deps_factory, idp, caplog):
    caplog.set_level(logging.INFO, logger="adapters.web.oidc.flow")
    async with served(deps_factory, idp) as web, browser() as client:
        state = (await to_callback(web, client)).split("state=")[1]
        forged = "denied\nINFO adapters.web.session admin@example.com signed in" + "x" * 500
        async with client.get(f"{web.url}/dashboard/oidc/slack/callback",
                              params={"error": forged, "state": state}) as back:
            assert back.status == 401
    logged = [record.getMessage() for record in caplog.records if "refused" in record.getMessage()]
    assert logged and all("\n" not in line and len(line) < 300 for line in logged)


@pytest.mark.parametrize(("idp_claim", "signs_in"), [
    (None, True),  # a member of the tenant
    ("https://sts.windows.net/4a1b-fake-tenant/", True),  # a member, said explicitly
    ("https://sts.windows.net/another-home-tenant/", False),  # a guest: their home directory set the email
    ("live.com", False),  # a personal Microsoft account invited as a guest
], ids=["member", "member-idp", "guest", "personal-account"])
async def test_an_entra_guest_is_not_matched_by_an_email_another_directory_vouches_for(deps_factory, idp,
                                                                                       idp_claim, signs_in):
    idp.user = {"email": BO, "preferred_username": BO, "tid": "4a1b-fake-tenant"}
    if idp_claim:
        idp.user["idp"] = idp_claim
    async with served(deps_factory, idp) as web, browser() as client:
        async with client.get(await to_callback(web, client, "entra")) as back:
            assert back.status == (200 if signs_in else 403)
        assert await signed_in(web, client) == signs_in


async def test_a_lookalike_address_is_not_matched_to_the_one_it_lowercases_to(deps_factory, idp):
    """U+212A KELVIN SIGN lowercases to a plain k: "Kim@…" is someone else's mailbox, not kim@…'s."""
    async with served(deps_factory, idp) as web, browser() as client:
        async with web.deps.uow() as uow:
            uow.session.add(Person(email="kim@example.com", name="Kim", created_at=web.deps.clock.now()))
        idp.user = {"email": "\u212aim@example.com", "email_verified": True}
        async with client.get(await to_callback(web, client)) as back:
            assert back.status == 403 and not await signed_in(web, client)
        idp.user = {"email": "KIM@Example.com", "email_verified": True}  # plain case still matches
        async with client.get(await to_callback(web, client)) as back:
            assert back.status == 200 and await signed_in(web, client)


async def test_the_state_cookie_is_http_only_lax_and_secure_behind_https(deps_factory, idp):
    async with served(deps_factory, idp) as web, browser() as client:
        async with client.get(f"{web.url}/dashboard/oidc/slack", allow_redirects=False,
                              headers={"X-Forwarded-Proto": "https"}) as started:
            cookie = started.headers["Set-Cookie"]
        assert cookie.startswith("feedbot_oidc=") and "Path=/dashboard/oidc" in cookie
        assert all(flag in cookie for flag in ("HttpOnly", "SameSite=Lax", "Secure", "Max-Age=600"))


async def test_the_admin_page_shows_the_settings_without_the_client_secrets(deps_factory, idp):
    async with served(deps_factory, idp) as web:
        async with web.deps.uow() as uow:
            uow.session.add(Person(email="admin@example.com", name="Ada", created_at=web.deps.clock.now()))
        async with web.client("admin@example.com") as admin:
            status, html = await web.get(admin, "/dashboard/admin")
        assert status == 200 and "feedbot-test-client" in html  # the client id is no secret
        assert "fake-client-secret" not in html and "test-secret" not in html


@pytest.mark.parametrize(("team", "signs_in"), [("T0OURS", True), ("E0GRID", True), ("T0STRANGER", False)])
async def test_without_a_team_id_sign_in_with_slack_takes_the_orgs_listed_workspaces_only(deps_factory, idp, team,
                                                                                          signs_in):
    settings = Settings.model_validate({"privacy": {"secret_key": "test-secret"}, "slack": {
        "workspaces": ["T0OURS", "E0GRID"]}, "dashboard": {"oidc": {"slack": idp.slack()}}})
    deps, console = deps_factory(settings)
    await console.people(BO)
    idp.user = {"email": BO, "email_verified": True, "https://slack.com/team_id": team} | (
        {"https://slack.com/enterprise_id": team} if team.startswith("E") else {})
    async with dashboard(deps) as web, browser() as client:
        async with client.get(await to_callback(web, client)) as back:
            assert back.status == (200 if signs_in else 403)
        assert await signed_in(web, client) == signs_in
