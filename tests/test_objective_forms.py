"""The check-in's key-result questions on the wire: a Slack modal and a Teams card, wrong answers shown inline with
nothing stored, right ones stored as key-result updates and rolled up."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.kernel.settings import Settings
from bot.orgdir import import_people
from storage.models import Checkin, KeyResult, KeyResultUpdate
from tests.fakes.slack_api import SlackEnv
from tests.fakes.slack_api import slack as slack  # the fixture
from tests.fakes.teams_connector import TeamsHarness, card_text, inputs, user

ORG = """email,name,manager_email,team,timezone,locale
ana@example.com,Ana Andersson,,Apps,UTC,en
bo@example.com,Bo Berg,ana@example.com,Apps,UTC,en
"""
ANSWERS = {"well": "Shipped it", "next": "Docs", "mood": "4"}


async def stored(deps) -> tuple[list, list]:
    async with deps.uow() as uow:
        krs = [(k.position, k.current, k.confidence) for k in (await uow.session.scalars(
            select(KeyResult).order_by(KeyResult.id))).all()]
        updates = [(u.value, u.confidence, u.note) for u in (await uow.session.scalars(
            select(KeyResultUpdate).order_by(KeyResultUpdate.id))).all()]
    return krs, updates


async def test_the_slack_check_in_modal_asks_each_key_result(slack: SlackEnv, tmp_path: Path) -> None:
    (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
    await import_people(slack.deps, tmp_path / "org.csv")
    await slack.command("/goal", "add Make the app fast", user="U0BO")
    await slack.command("/goal", "kr 1 Cut p95 latency from 900 to 200 ms", user="U0BO")
    await slack.command("/checkin", "", user="U0BO")
    modal = slack.last_modal()
    fields = {block["block_id"]: block for block in modal["blocks"] if block["type"] == "input"}
    assert fields["kr_1_1"]["label"]["text"] == "Key result 1.1 Cut p95 latency: now?"
    assert fields["kr_1_1"]["optional"] and "“no change” keeps it" in fields["kr_1_1"]["hint"]["text"]
    status, body = await slack.submit(modal, ANSWERS | {"kr_1_1": "soon"}, user="U0BO")
    ack = json.loads(body)
    assert ack["response_action"] == "errors" and "Give a number, or “no change”" in ack["errors"]["kr_1_1"]
    assert await slack.count(Checkin) == 0 and await stored(slack.deps) == ([(1, 900, None)], [])
    status, body = await slack.submit(modal, ANSWERS | {"kr_1_1": "450 at risk"}, user="U0BO")
    assert (status, body) == (200, "")
    assert await stored(slack.deps) == ([(1, 450, "at-risk")], [(450, "at-risk", "check-in")])


@asynccontextmanager
async def teams_org(database, clock, catalogs, tmp_path: Path) -> AsyncIterator[tuple[TeamsHarness, Any, Any]]:
    """Teams on the wire with Bo reporting to Ana, both met (they said help): (the harness, Bo, Ana)."""
    bo, ana = user("Bo Berg", "bo@example.com", 1), user("Ana Andersson", "ana@example.com", 2)
    settings = Settings.model_validate({"privacy": {"secret_key": "test-secret"}})
    teams = await TeamsHarness.start(database, clock, catalogs, settings)
    try:
        (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
        await import_people(teams.deps, tmp_path / "org.csv")
        for person in (bo, ana):
            await teams.say(person, "help")
        yield teams, bo, ana
    finally:
        await teams.close()


async def test_the_teams_check_in_card_asks_each_key_result(database, clock, catalogs, tmp_path: Path) -> None:
    async with teams_org(database, clock, catalogs, tmp_path) as (teams, bo, ana):
        await teams.say(bo, "goal add Make the app fast")
        await teams.say(bo, "goal kr 1 Cut p95 latency from 900 to 200 ms")
        await teams.say(bo, "checkin")
        form = teams.last_card(f"a:{bo.teams_id}")
        assert [i["id"] for i in inputs(form.body)] == [
            "well", "next", "blockers", "blocker_category", "mood", "kr_1_1"]
        answered = await teams.press(bo, form, "Send check-in", ANSWERS | {"kr_1_1": "soon"})
        assert "Give a number, or “no change”" in json.dumps(answered[0].body, ensure_ascii=False)
        assert await stored(teams.deps) == ([(1, 900, None)], [])
        done = await teams.press(bo, form, "Send check-in", ANSWERS | {"kr_1_1": "450 off track Cache is cold"})
        to_ana = [c for c in done if c.conversation == f"a:{ana.teams_id}"]
        assert "Cache is cold" in card_text(to_ana[0].body)
        assert await stored(teams.deps) == ([(1, 450, "off-track")], [(450, "off-track", "Cache is cold")])
