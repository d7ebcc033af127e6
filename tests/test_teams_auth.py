"""Who may call POST /api/messages: Bot Connector tokens checked against the (fake) OpenID metadata. A bad
token gets 401 and touches nothing; the bot's own calls carry the token from the (fake) token endpoint."""

from __future__ import annotations

import logging
import time

import jwt
import pytest
from sqlalchemy import func, select

from bot.kernel.settings import ConfigError, load_settings
from storage.models import InboundEvent, Kudos, Person
from tests.fakes.openid import new_key
from tests.fakes.teams_connector import APP_ID, BOT_AUTH, TENANT, TeamsHarness, user

BO = user("Bo Ek", "bo@example.com", 1)
ANA = user("Ana Berg", "ana@example.com", 2)


@pytest.fixture
async def teams(database, clock, catalogs):
    harness = await TeamsHarness.start(database, clock, catalogs)
    yield harness
    await harness.close()


async def stored(teams: TeamsHarness) -> int:
    async with teams.deps.uow() as uow:
        total = 0
        for model in (Person, Kudos, InboundEvent):
            total += await uow.session.scalar(select(func.count()).select_from(model))
        return total


def bad_tokens(teams: TeamsHarness, service_url: str) -> dict[str, str]:
    sign = teams.identity.sign
    return {
        "malformed": "not-a.jwt.at-all",
        "garbage": "eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl",
        "expired": sign(APP_ID, service_url, exp=int(time.time()) - 600),
        "not yet valid": sign(APP_ID, service_url, nbf=int(time.time()) + 900),
        "wrong audience": sign("someone-elses-app-id", service_url),
        "wrong issuer": sign(APP_ID, service_url, iss="https://evil.example.com"),
        "wrong key": sign(APP_ID, service_url, key=new_key()),
        "unknown key id": sign(APP_ID, service_url, kid="no-such-key"),
        "other service url": sign(APP_ID, "https://elsewhere.example.com/"),
        "no service url claim": sign(APP_ID, "", serviceurl=None),
        "unsigned (alg none)": jwt.encode({"iss": "https://api.botframework.com", "aud": APP_ID,
                                           "exp": int(time.time()) + 600, "serviceurl": service_url},
                                          None, algorithm="none", headers={"kid": "test-key-1"}),
        "symmetric HS256": jwt.encode({"iss": "https://api.botframework.com", "aud": APP_ID,
                                       "exp": int(time.time()) + 600, "serviceurl": service_url},
                                      "a-shared-secret-of-at-least-32-bytes", algorithm="HS256",
                                      headers={"kid": "test-key-1"}),
    }


async def test_missing_or_bad_tokens_get_401_and_touch_nothing(teams):
    activity = teams.message(BO, "kudos @Ana Berg great demo", mention=[ANA])
    assert (await teams.post(activity, token="")).status == 401
    for reason, token in bad_tokens(teams, activity["serviceUrl"]).items():
        response = await teams.post(activity, token=token)
        assert response.status == 401, reason
    basic = await teams.post(activity, token="", headers={"Authorization": "Basic Ym86cGFzcw=="})
    assert basic.status == 401
    assert await stored(teams) == 0
    assert teams.connector.calls == [] and teams.identity.token_requests == []
    assert teams.identity.key_fetches == 1, "unknown key ids do not make the bot refetch the keys every time"


async def test_a_valid_token_is_accepted_and_the_bot_calls_back_with_its_own_token(teams):
    assert (await teams.post(teams.message(BO, "help"))).status == 201
    assert (await teams.post(teams.message(BO, "goal list"))).status == 201
    assert {c.auth for c in teams.connector.calls} == {BOT_AUTH}
    # A single-tenant app asks its own tenant for the token, once, and caches it.
    assert len(teams.identity.token_requests) == 1
    request = teams.identity.token_requests[0]
    assert request["tenant"] == TENANT and request["client_id"] == APP_ID
    assert request["scope"] == "https://api.botframework.com/.default"
    assert teams.identity.key_fetches == 1, "signing keys are cached"


async def test_clocks_may_differ_by_five_minutes(teams):
    activity = teams.message(BO, "help")
    now = int(time.time())
    assert (await teams.post(activity, token=teams.identity.sign(APP_ID, activity["serviceUrl"],
                                                                  exp=now - 120, nbf=now + 120))).status == 201


async def test_without_the_signing_keys_nothing_is_let_in_and_the_connector_is_asked_to_retry(teams):
    teams.identity.down = True
    activity = teams.message(BO, "goal add Ship it by 2027-03-31")
    assert (await teams.post(activity)).status == 503
    assert await stored(teams) == 0 and teams.connector.calls == []
    teams.identity.down = False
    assert (await teams.post(activity)).status == 201, "the redelivery gets in once the keys can be fetched"
    assert await stored(teams) > 0


async def test_an_activity_from_another_tenant_is_refused_by_a_single_tenant_bot(teams):
    activity = teams.message(BO, "help")
    activity["channelData"]["tenant"]["id"] = "another-tenant"
    assert (await teams.post(activity)).status == 403
    assert await stored(teams) == 0 and teams.connector.calls == []


async def test_a_key_not_endorsed_for_msteams_is_refused(teams):
    activity = teams.message(BO, "help")
    activity["channelId"] = "webchat"
    assert (await teams.post(activity)).status == 401
    assert await stored(teams) == 0


async def test_an_activity_without_a_channel_or_a_service_url_is_refused(teams):
    activity = teams.message(BO, "help")
    del activity["channelId"]
    assert (await teams.post(activity)).status == 401
    nowhere = teams.message(BO, "help")
    del nowhere["serviceUrl"]
    assert (await teams.post(nowhere, token=teams.identity.sign(APP_ID, "", serviceurl=None))).status == 401
    assert await stored(teams) == 0 and teams.connector.calls == []


async def test_rotated_signing_keys_are_fetched_when_a_token_names_a_new_one(teams):
    assert (await teams.post(teams.message(BO, "help"))).status == 201
    teams.identity.rotate()
    teams.platform.auth.keys.tried_at -= 61  # a minute later (unknown key ids refetch at most once a minute)
    assert (await teams.post(teams.message(BO, "help"))).status == 201
    assert teams.identity.key_fetches == 2
    old = teams.message(BO, "help")
    assert (await teams.post(old, token=teams.identity.sign(APP_ID, old["serviceUrl"], key=new_key(),
                                                             kid="test-key-1"))).status == 401


async def test_what_is_not_an_activity_is_refused_before_anything_else(teams):
    url = f"{teams.server.url}/api/messages"
    async with teams.http.post(url, data="kudos", headers={"Content-Type": "text/plain"}) as response:
        assert response.status == 415
    async with teams.http.post(url, data="{not json", headers={"Content-Type": "application/json"}) as response:
        assert response.status == 400
    async with teams.http.post(url, json={"text": "no type"}) as response:
        assert response.status == 400
    assert await stored(teams) == 0


async def test_a_multi_tenant_bot_takes_any_tenant_and_asks_the_botframework_tenant_for_its_token(
        database, clock, catalogs):
    teams = await TeamsHarness.start(database, clock, catalogs, app_type="MultiTenant", tenant_id="")
    try:
        activity = teams.message(BO, "help")
        activity["channelData"]["tenant"]["id"] = "any-customer-tenant"
        assert (await teams.post(activity)).status == 201
        assert [r["tenant"] for r in teams.identity.token_requests] == ["botframework.com"]
    finally:
        await teams.close()


async def test_without_an_app_id_only_an_explicit_opt_in_runs_unauthenticated_and_says_so_loudly(
        database, clock, catalogs, caplog):
    caplog.set_level(logging.WARNING)
    teams = await TeamsHarness.start(database, clock, catalogs, app_id="", app_password=None,
                                     allow_unauthenticated=True)
    try:
        assert "AUTHENTICATION IS OFF" in caplog.text
        assert (await teams.post(teams.message(BO, "help"), token="")).status == 201
        assert teams.connector.calls and all(c.auth == "" for c in teams.connector.calls)
        assert teams.identity.token_requests == []
        # Nobody can make the unauthenticated bot call a host of their choosing (only the local Emulator).
        elsewhere = teams.message(BO, "kudos")
        elsewhere["serviceUrl"] = "http://metadata.invalid/"  # .invalid never resolves
        calls = len(teams.connector.calls)
        assert (await teams.post(elsewhere, token="")).status == 401
        assert len(teams.connector.calls) == calls
        # Nor can an activity that names another tenant get in: the tenant rules hold without authentication too.
        stranger = teams.message(BO, "help")
        stranger["channelData"]["tenant"]["id"] = "someone-elses-tenant"
        assert (await teams.post(stranger, token="")).status == 403
        assert len(teams.connector.calls) == calls
    finally:
        await teams.close()
    closed = await TeamsHarness.start(database, clock, catalogs, app_id="", app_password=None)
    try:
        assert (await closed.post(closed.message(BO, "help"), token="")).status == 401
    finally:
        await closed.close()


async def test_secrets_never_reach_the_logs(teams, caplog):
    caplog.set_level(logging.DEBUG)
    await teams.post(teams.message(BO, "help"))
    await teams.post(teams.message(BO, "help"), token="garbage")
    assert "test-app-password" not in caplog.text
    assert teams.identity.sign(APP_ID, teams.connector.url)[:40] not in caplog.text


def test_a_single_tenant_app_needs_its_tenant_id():
    with pytest.raises(ConfigError, match=r"teams\.tenant_id is needed for a SingleTenant app"):
        load_settings(None, teams={"app_id": APP_ID})
    assert load_settings(None, teams={"app_id": APP_ID, "app_type": "MultiTenant"}).teams.app_type == "MultiTenant"


async def test_wrong_bot_credentials_are_logged_and_the_activity_left_for_redelivery(database, clock, catalogs, caplog):
    teams = await TeamsHarness.start(database, clock, catalogs, app_password="")
    try:
        activity = teams.message(BO, "goal add Ship it by 2027-03-31")
        assert (await teams.post(activity)).status == 503
        assert "no token for the bot" in caplog.text and "invalid_client" in caplog.text
        assert await stored(teams) == 0, "nothing ran, so a redelivery is not mistaken for a replay"
    finally:
        await teams.close()
