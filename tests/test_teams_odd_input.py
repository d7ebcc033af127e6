"""Authenticated Teams activities of shapes Teams never sends are answered 4xx (or politely), never 500, never with
a traceback in the log, and a refused one writes nothing; names too long for their column are cut, ids too long
are refused; the failure reply is in the person's stored language."""

from __future__ import annotations

import copy
import logging
import random
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import Account, Goal, InboundEvent, Kudos, Person
from tests.fakes.teams_connector import APP_ID, BOT, TeamsHarness, card_text, fail_once, user
from tests.odd_values import assert_no_traceback, mutate, snapshot

BO = user("Bo Ek", "bo@example.com", 1)
TABLES = (Person, Account, InboundEvent, Goal, Kudos)
KEEP = ("serviceUrl", "channelId")  # what the token vouches for: mutated, the request is only a 401


@pytest.fixture
async def teams(database, clock, catalogs):
    harness = await TeamsHarness.start(database, clock, catalogs)
    yield harness
    await harness.close()


def goal(teams: TeamsHarness) -> dict[str, Any]:
    return teams.message(BO, "goal add Ship it")


def without(activity: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in activity.items() if k != key}


ODD_SHAPES = {
    "no conversation": lambda a: without(a, "conversation"),
    "no sender": lambda a: without(a, "from"),
    "channelData a list": lambda a: a | {"channelData": [a["channelData"]]},
    "conversation a string": lambda a: a | {"conversation": "a:1"},
    "entities of strings": lambda a: a | {"entities": ["mention"]},
    "text a number": lambda a: a | {"text": 12},
    "sender id a number": lambda a: a | {"from": a["from"] | {"id": 29}},
    "Entra id longer than any": lambda a: a | {"from": a["from"] | {"aadObjectId": "a" * 321}},
    "NUL in an id": lambda a: a | {"from": a["from"] | {"aadObjectId": "aad\x00"}},
    "members added of strings": lambda a: a | {"type": "conversationUpdate", "membersAdded": [BOT]},
}


@pytest.mark.parametrize("odd", ODD_SHAPES, ids=list(ODD_SHAPES))
async def test_a_shape_teams_never_sends_is_a_4xx_and_touches_nothing(teams: TeamsHarness, caplog, odd: str) -> None:
    with caplog.at_level(logging.INFO):
        assert 400 <= (await teams.post(ODD_SHAPES[odd](goal(teams)))).status < 500
    assert_no_traceback(caplog.records)
    assert await snapshot(teams.deps, TABLES) == [0] * len(TABLES)
    assert teams.connector.sent() == []


async def test_a_numeric_locale_gets_an_ordinary_answer(teams: TeamsHarness, caplog) -> None:
    activity = goal(teams) | {"locale": 2052, "localTimezone": ["Europe/Stockholm"]}
    activity["entities"][-1] |= {"locale": 1053, "timezone": 5}
    with caplog.at_level(logging.INFO):
        assert (await teams.post(activity)).status == 201
    assert_no_traceback(caplog.records)
    assert "Ship it" in card_text(teams.connector.sent()[-1]) and await snapshot(teams.deps, (Goal,)) == [1]


async def test_a_display_name_longer_than_the_column_is_cut_and_the_person_is_stored(teams: TeamsHarness) -> None:
    long = user("Å" * 256, "long@example.com", 7)
    assert (await teams.post(teams.message(long, "goal add Ship it"))).status == 201
    async with teams.deps.uow() as uow:
        assert (await uow.session.scalars(select(Person.name))).all() == ["Å" * 200]
    assert await snapshot(teams.deps, (Goal,)) == [1]


async def test_a_tenant_id_longer_than_any_is_refused(database, clock, catalogs) -> None:
    harness = await TeamsHarness.start(database, clock, catalogs, app_type="MultiTenant", tenant_id="")
    try:
        activity = goal(harness)
        activity["channelData"]["tenant"]["id"] = "t" * 101
        assert (await harness.post(activity)).status == 400
        assert await snapshot(harness.deps, TABLES) == [0] * len(TABLES)
        activity = goal(harness)
        activity["channelData"]["tenant"]["id"] = "t" * 100
        assert (await harness.post(activity)).status == 201
        assert await snapshot(harness.deps, (Goal,)) == [1]
    finally:
        await harness.close()


async def test_something_went_wrong_is_said_in_the_language_the_person_chose(teams: TeamsHarness, monkeypatch) -> None:
    await teams.say(BO, "language sv")  # Bo chose Swedish; his Teams client still says en-US
    fail_once(monkeypatch, "handle_message")
    assert (await teams.post(teams.message(BO, "goal add Ship it", locale="en-US"))).status == 201
    told = card_text(teams.connector.sent()[-1])
    assert "Något gick fel hos mig, och ingenting sparades." in told and "Something went wrong" not in told


async def test_mutated_recorded_activities_never_fail_the_server(teams: TeamsHarness, caplog) -> None:
    """Seeded and bounded: recorded activities mutated at random places (not what the token vouches for); every
    answer is below 500, nothing logs a traceback, a refused activity writes nothing."""
    rng = random.Random(16)
    names = ("personal_message", "channel_mention", "action_submit", "adaptive_card_action",
             "conversation_update", "installation_update")
    with caplog.at_level(logging.INFO):
        for number in range(180):
            original = teams.activity(names[number % len(names)], BO)
            kept = {key: original[key] for key in KEEP}
            body = mutate(rng, without(without(original, "serviceUrl"), "channelId"))
            if isinstance(body, dict):
                body |= copy.deepcopy(kept)
            before = await snapshot(teams.deps, TABLES)
            token = teams.identity.sign(APP_ID, kept["serviceUrl"])
            status = (await teams.post(body, token=token)).status
            assert status < 500, (status, body)
            if status >= 400:
                assert await snapshot(teams.deps, TABLES) == before, body
    assert_no_traceback(caplog.records)

