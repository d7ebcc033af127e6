"""The transport: signatures (bad or stale → 401, nothing touched), url_verification, events Slack
retries handled once — also by a second bot process on the same database — and nothing left unacked."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest

from storage.models import Goal, InboundEvent, Person
from tests.fakes.slack_api import FakeSlack, SlackEnv, add_people, payload, running_slack
from tests.fakes.slack_api import slack as slack  # the fixture


def kudos_form() -> str:
    return urlencode(payload("slash_command") | {"command": "/goal", "text": "add Learn Rust"})


async def test_a_wrong_signature_is_refused_and_nothing_is_touched(slack: SlackEnv) -> None:
    status, _ = await slack.post(kudos_form(), "application/x-www-form-urlencoded", secret="not-the-secret")
    assert status == 401
    status, _ = await slack.post(kudos_form(), "application/x-www-form-urlencoded",
                                 headers={"X-Slack-Signature": "v0=" + "0" * 64})
    assert status == 401
    status, _ = await slack.post(kudos_form(), "application/x-www-form-urlencoded",
                                 headers={"X-Slack-Signature": ""})
    assert status == 401
    event = payload("event_callback") | {"event": payload("message_im") | {"text": "goal add Learn Rust"}}
    status, _ = await slack.post(json.dumps(event), "application/json", secret="not-the-secret")
    assert status == 401
    assert await slack.count(Person) == 0 and await slack.count(Goal) == 0
    assert await slack.count(InboundEvent) == 0  # not even the event id: the real delivery is still handled
    assert {call.method for call in slack.fake.calls} == {"auth.test", "users.list"}  # at start-up, nothing since


async def test_a_stale_or_future_timestamp_is_refused(slack: SlackEnv) -> None:
    for offset in (-301, 301):  # a replay five minutes later, or a clock far ahead
        status, _ = await slack.post(kudos_form(), "application/x-www-form-urlencoded",
                                     timestamp=int(time.time()) + offset)
        assert status == 401
    assert await slack.count(Goal) == 0
    status, _ = await slack.post(kudos_form(), "application/x-www-form-urlencoded",
                                 timestamp=int(time.time()) - 200)
    assert status == 200 and await slack.count(Goal) == 1


async def test_url_verification_echoes_the_challenge(slack: SlackEnv) -> None:
    challenge = payload("url_verification")
    status, body = await slack.post(json.dumps(challenge), "application/json")
    assert status == 200 and json.loads(body)["challenge"] == challenge["challenge"]


async def test_a_retried_event_is_handled_once(slack: SlackEnv) -> None:
    event = payload("message_im") | {"text": "goal add Learn Rust"}
    assert (await slack.event(event, event_id="Ev0RETRY"))[0] == 200
    assert (await slack.event(event, event_id="Ev0RETRY", retry=1))[0] == 200
    assert (await slack.event(event, event_id="Ev0RETRY", retry=2))[0] == 200
    assert await slack.count(Goal) == 1 and await slack.count(InboundEvent) == 1
    assert len(slack.fake.called("chat.postMessage")) == 1


async def test_a_retry_reaching_another_bot_process_is_not_handled_again(slack: SlackEnv, database, clock,
                                                                          catalogs) -> None:
    event = payload("message_im") | {"text": "goal add Learn Rust"}
    await slack.event(event, event_id="Ev0TWICE")
    async with running_slack(database, clock, catalogs) as other:  # a second process on the same database
        add_people(other.fake)
        assert (await other.event(event, event_id="Ev0TWICE", retry=1))[0] == 200
        assert other.fake.called("chat.postMessage") == []
    assert await slack.count(Goal) == 1


async def test_events_nobody_handles_are_still_acknowledged(slack: SlackEnv) -> None:
    status, _ = await slack.event({"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}})
    assert status == 200  # a 404 would make Slack retry, and count as a failed delivery
    status, _ = await slack.event({"type": "app_home_opened", "user": "U0ANA", "tab": "messages"})
    assert status == 200 and slack.fake.called("views.publish") == []


async def test_healthz_lists_slack(slack: SlackEnv) -> None:
    async with slack.session.get(f"{slack.server.url}/healthz") as response:
        assert (await response.json())["platforms"] == ["slack"]


async def test_profiles_are_reused_for_their_time_to_live_then_fetched_again(slack: SlackEnv) -> None:
    from adapters.slack.people import Profiles

    now = [0.0]
    profiles = Profiles(slack.platform.client, ttl_seconds=60, clock=lambda: now[0])
    await profiles.actor("T0FEED", "U0ANA")
    now[0] = 59
    assert (await profiles.actor("T0FEED", "U0ANA")).timezone == "Europe/Stockholm"
    assert len(slack.fake.called("users.info")) == 1
    slack.fake.users["U0ANA"]["tz"] = "Asia/Tokyo"  # she moved
    now[0] = 61
    assert (await profiles.actor("T0FEED", "U0ANA")).timezone == "Asia/Tokyo"
    assert len(slack.fake.called("users.info")) == 2


async def test_a_token_slack_refuses_or_a_slack_nobody_answers_stops_start_up_with_the_reason(
        database, clock, catalogs) -> None:
    from adapters.slack.platform import SlackError

    def refuse(fake: FakeSlack) -> None:
        fake.fail("auth.test", "invalid_auth")

    with pytest.raises(SlackError, match="Slack refused the bot token: invalid_auth") as refused:
        async with running_slack(database, clock, catalogs, setup=refuse):
            pass
    with pytest.raises(SlackError, match=r"cannot be reached at http://127\.0\.0\.1:9/api/: Client") as unreachable:
        async with running_slack(database, clock, catalogs, api_url="http://127.0.0.1:9/api/"):
            pass
    for error in (refused.value, unreachable.value):
        assert "xoxb-test-token" not in str(error)
