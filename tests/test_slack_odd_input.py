"""Signed Slack requests of shapes Slack never sends are answered 4xx (or politely), never 500, never with a
traceback in the log, and a refused one writes nothing; ids longer than any Slack makes are refused before
the database sees them (PostgreSQL would fail on them)."""

from __future__ import annotations

import json
import logging
import random
from typing import Any
from urllib.parse import urlencode

import pytest

from storage.models import Account, Goal, InboundEvent, Kudos, Person
from tests.fakes.slack_api import SlackEnv, payload
from tests.fakes.slack_api import slack as slack  # the fixture
from tests.odd_values import assert_no_traceback, mutate, snapshot

FORM = "application/x-www-form-urlencoded"
TABLES = (Person, Account, InboundEvent, Goal, Kudos)


def envelope(event: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return payload("event_callback") | {"event": event} | fields


def recorded(slack: SlackEnv) -> list[tuple[str, dict[str, Any]]]:
    """Every recorded payload, as what it is sent as: a form (slash command), a form's payload, or JSON; answers
    go to the fake's response_url."""
    url = {"response_url": slack.fake.response_url("fuzz")}
    events = [envelope(payload(name) | {"text": "goal add Learn Rust"} if name == "message_im" else payload(name))
              for name in ("message_im", "app_mention", "app_home_opened")]
    return [("form", payload("slash_command") | {"command": "/goal", "text": "add Learn Rust"} | url),
            ("payload", payload("block_actions") | url | {"actions": [payload("block_actions")["actions"][0] |
                                                                      {"value": "goal add Ship it"}]}),
            ("payload", payload("block_actions_home")),
            ("payload", payload("view_submission") | {"view": payload("view_submission")["view"] | {
                "private_metadata": json.dumps({"c": "goal add"})}}),
            ("json", payload("url_verification")),
            *(("json", event) for event in events)]


async def send(slack: SlackEnv, how: str, body: Any) -> int:
    if how == "form" and isinstance(body, dict):
        text = urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()})
    elif how == "payload":
        text = urlencode({"payload": json.dumps(body)})
    else:
        text = json.dumps(body)
    status, _ = await slack.post(text, "application/json" if how == "json" else FORM)
    return status


@pytest.mark.parametrize("how, body", [
    ("json", []),
    ("json", ["event_callback"]),
    ("json", envelope("message")),  # event as a string
    ("json", envelope({"type": "app_home_opened", "tab": "home"})),  # no user
    ("json", envelope(payload("message_im") | {"user": ["U0ANA"]})),
    ("json", payload("event_callback") | {"authorizations": "T0FEED"}),
    ("payload", payload("view_submission") | {"view": payload("view_submission")["view"] | {"blocks": ["x"]}}),
    ("payload", payload("view_submission") | {"view": payload("view_submission")["view"] | {
        "state": {"values": {"b": {"value": {"value": 5}}}}}}),
    ("payload", payload("block_actions") | {"user": "U0ANA"}),
    ("payload", payload("block_actions") | {"actions": []}),
    ("payload", payload("block_actions") | {"actions": [{"action_id": "feedbot:cmd:0", "value": 12}]}),
    ("payload", payload("block_actions") | {"team": 7}),
    ("form", {k: v for k, v in payload("slash_command").items() if k != "user_id"}),
])
async def test_a_shape_slack_never_sends_is_a_400_and_touches_nothing(slack: SlackEnv, caplog, how, body) -> None:
    before = await snapshot(slack.deps, TABLES)
    with caplog.at_level(logging.INFO):
        assert await send(slack, how, body) == 400
    assert_no_traceback(caplog.records)
    assert await snapshot(slack.deps, TABLES) == before


async def test_private_metadata_as_an_object_is_not_ours_and_is_answered_politely(slack: SlackEnv, caplog) -> None:
    body = payload("view_submission")
    body["view"]["private_metadata"] = json.dumps({"c": {"not": "a command"}, "ch": 5})
    with caplog.at_level(logging.INFO):
        assert await send(slack, "payload", body) == 200
    assert_no_traceback(caplog.records)


async def test_ids_longer_than_slack_makes_are_refused_before_the_database(slack: SlackEnv) -> None:
    long_team = payload("slash_command") | {"command": "/goal", "text": "add Learn Rust", "team_id": "T" * 101}
    assert await send(slack, "form", long_team) == 400
    assert await send(slack, "json", envelope(payload("message_im"), event_id="Ev" + "0" * 199)) == 400
    assert await send(slack, "payload", payload("block_actions") | {"user": {"id": "U" * 321}}) == 400
    assert await slack.count(Account) == 0 and await slack.count(InboundEvent) == 0
    fits = payload("slash_command") | {"command": "/goal", "text": "add Learn Rust", "team_id": "T" * 100,
                                       "response_url": slack.fake.response_url("fits")}
    assert await send(slack, "form", fits) == 200
    assert await slack.count(Goal) == 1


async def test_a_timestamp_that_is_no_number_is_unsigned(slack: SlackEnv) -> None:
    status, _ = await slack.post("{}", "application/json", headers={"X-Slack-Request-Timestamp": "soon"})
    assert status == 401


async def test_mutated_recorded_payloads_never_fail_the_server(slack: SlackEnv, caplog) -> None:
    """Seeded and bounded: each recorded payload mutated at random places (wrong types, missing keys, arrays,
    long ids, NUL); every answer is below 500, nothing logs a traceback, a refused request writes nothing."""
    rng = random.Random(16)
    cases = recorded(slack)
    with caplog.at_level(logging.INFO):
        for number in range(240):
            how, original = cases[number % len(cases)]
            body = mutate(rng, original, form=how == "form")
            before = await snapshot(slack.deps, TABLES)
            status = await send(slack, how, body)
            assert status < 500, (status, body)
            if status >= 400:
                assert await snapshot(slack.deps, TABLES) == before, body
    assert_no_traceback(caplog.records)
