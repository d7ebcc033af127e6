"""Expectations on the wire: `/expectations propose` alone opens a Slack modal or a Teams card, wrong answers are shown
inline with nothing stored, right ones are stored and the other side is told, and agreeing is a button press
(SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from bot.kernel.settings import Settings
from bot.orgdir import import_people
from storage.models import Expectation
from tests.fakes.slack_api import add_people, running_slack
from tests.fakes.teams_connector import TeamsHarness, card_text, inputs, user
from tests.test_expectations import EXPECTATIONS, LEA, MAX, org
from tests.test_expectations import settings as settings  # the fixture: a catalogue for developers
from tests.web_dashboard import dashboard

ORG = """email,name,manager_email,team,timezone,locale,role,level
ana@example.com,Ana Andersson,,Apps,UTC,en,manager,
bo@example.com,Bo Berg,ana@example.com,Apps,UTC,en,developer,junior
"""
WRONG = {"text": "Helps newcomers", "kind": "action", "value": "teamwork"}
RIGHT = {"text": "Helps newcomers", "kind": "behaviour", "value": "teamwork"}


async def stored(deps) -> list[tuple]:
    async with deps.uow() as uow:
        return [(e.kind, e.text, e.value, e.status) for e in (await uow.session.scalars(
            select(Expectation).order_by(Expectation.id))).all()]


async def test_proposing_in_a_slack_modal_and_agreeing_with_a_button(database, clock, catalogs, tmp_path: Path):
    async with running_slack(database, clock, catalogs, extra={"expectations": {"catalogue": EXPECTATIONS}}) as slack:
        add_people(slack.fake)
        (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
        await import_people(slack.deps, tmp_path / "org.csv")
        await slack.command("/feedbot", "help", user="U0ANA")  # the manager has talked to the bot once
        await slack.command("/expectations", "propose", user="U0BO")
        modal = slack.last_modal()
        fields = {block["block_id"]: block for block in modal["blocks"] if block["type"] == "input"}
        assert list(fields) == ["text", "kind", "value"] and fields["value"]["optional"]
        assert [o["value"] for o in fields["kind"]["element"]["options"]] == ["result", "action", "behaviour"]
        _, body = await slack.submit(modal, {}, user="U0BO")
        errors = json.loads(body)["errors"]
        assert set(errors) == {"text", "kind"} and await stored(slack.deps) == []
        _, body = await slack.submit(modal, WRONG, user="U0BO")
        assert "Only a behaviour names a value" in json.loads(body)["errors"]["value"]
        assert await stored(slack.deps) == []
        assert await slack.submit(modal, RIGHT, user="U0BO") == (200, "")
        assert await stored(slack.deps) == [("behaviour", "Helps newcomers", "teamwork", "proposed")]
        dm = slack.fake.called("chat.postMessage")[-1]
        assert dm["channel"] == "D0ANA" and "Bo Berg" in dm["text"] and "Helps newcomers" in dm["text"]
        buttons = [e for block in dm["blocks"] if block["type"] == "actions" for e in block["elements"]]
        assert [b["value"] for b in buttons] == ["expectations agree 1", "expectations decline 1"]
        await slack.press("expectations agree 1", user="U0ANA")
        assert await stored(slack.deps) == [("behaviour", "Helps newcomers", "teamwork", "agreed")]
        told = slack.fake.called("chat.postMessage")[-1]
        assert told["channel"] == "D0BO" and "agreed to expectation #1: Helps newcomers" in told["text"]
        await slack.command("/expectations", "", user="U0BO")
        shown = slack.fake.called("response")[-1]["text"] + json.dumps(slack.fake.called("response")[-1]["blocks"])
        assert "Pairs on every larger change" in shown and "#1 Helps newcomers (agreed)" in shown


async def test_proposing_in_a_teams_card_and_agreeing_with_a_button(database, clock, catalogs, tmp_path: Path):
    ana, bo = user("Ana Andersson", "ana@example.com", 1), user("Bo Berg", "bo@example.com", 2)
    settings = Settings.model_validate({"privacy": {"secret_key": "test-secret"},
                                        "expectations": {"catalogue": EXPECTATIONS}})
    teams = await TeamsHarness.start(database, clock, catalogs, settings)
    try:
        (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
        await import_people(teams.deps, tmp_path / "org.csv")
        for person in (ana, bo):
            await teams.say(person, "help")
        await teams.say(ana, "expectations propose @Bo Berg", mention=[bo])
        form = teams.last_card(f"a:{ana.teams_id}")
        assert [i["id"] for i in inputs(form.body)] == ["text", "kind", "value"]
        assert "An expectation for" in card_text(form.body)
        answered = await teams.press(ana, form, "Propose", WRONG)
        assert "Only a behaviour names a value" in card_text(answered[0].body) and await stored(teams.deps) == []
        done = await teams.press(ana, form, "Propose", RIGHT)
        assert "Proposed as #1: Helps newcomers (behaviour)." in card_text(done[0].body)
        to_bo = teams.last_card(f"a:{bo.teams_id}")
        assert "**@Ana Andersson** proposes an expectation for you" in card_text(to_bo.body)
        agreed = await teams.press(bo, to_bo, "Agree")
        assert "now one of your expectations" in " ".join(card_text(c.body) for c in agreed)
        assert await stored(teams.deps) == [("behaviour", "Helps newcomers", "teamwork", "agreed")]
        listing = card_text((await teams.say(bo, "expectations"))[-1])
        assert "Behaviours — the values shown" in listing and "#1 Helps newcomers (agreed)" in listing
    finally:
        await teams.close()


async def test_the_dashboards_me_page_has_my_expectations_and_the_proposal_to_answer(deps, console, tmp_path):
    await org(deps, tmp_path)
    await console.type("/expectations propose @lea Welcomes newcomers", as_=MAX)
    async with dashboard(deps) as web:
        async with web.client(LEA) as lea:
            status, html = await web.get(lea, "/dashboard/me")
            assert status == 200 and '<h2 id="my-expectations">My expectations</h2>' in html
            section = html.split('id="my-expectations"', 1)[1]
            assert "Mentors a junior developer" in section and "#2 Welcomes newcomers" not in section
            assert "#1 Welcomes newcomers (result) — proposed by @Max" in section
            assert 'value="expectations agree 1"' in section
            async with lea.post(f"{web.url}/dashboard/act", data={
                    "csrf": await web.csrf(lea), "command": "expectations agree 1"}) as response:
                assert response.status == 200 and "now one of your expectations" in await response.text()
        async with web.client(MAX) as max_:
            status, html = await web.get(max_, "/dashboard/me")
            assert "Welcomes newcomers" not in html  # his own page: Lea's expectations are not his
    assert await stored(deps) == [("result", "Welcomes newcomers", None, "agreed")]
