"""`/grow add` alone opens a form — a Slack modal, a Teams card, questions in the console — whose mistakes are shown
beside the answers with nothing added, in the person's language."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from bot.orgdir import import_people
from storage.models import GrowthItem
from tests.fakes.slack_api import SlackEnv
from tests.fakes.slack_api import slack as slack  # the fixture
from tests.fakes.teams_connector import card_text, inputs
from tests.test_objective_forms import ORG, teams_org


async def plan(deps) -> list[tuple]:
    async with deps.uow() as uow:
        return [(i.what, i.how, i.due_date and i.due_date.isoformat()) for i in (await uow.session.scalars(
            select(GrowthItem).order_by(GrowthItem.id))).all()]


async def test_the_slack_modal_adds_to_the_plan_and_shows_mistakes_inline(slack: SlackEnv, tmp_path: Path) -> None:
    (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
    await import_people(slack.deps, tmp_path / "org.csv")
    await slack.command("/grow", "add", user="U0BO")
    modal = slack.last_modal()
    fields = {block["block_id"]: block for block in modal["blocks"] if block["type"] == "input"}
    assert list(fields) == ["what", "how", "by"] and fields["how"]["optional"] and fields["by"]["optional"]
    status, body = await slack.submit(modal, {"what": "", "by": "2027-02-30"}, user="U0BO")
    errors = json.loads(body)["errors"]
    assert errors["what"] == "Please answer this one." and "2027-02-30 is not a real date" in errors["by"]
    assert await plan(slack.deps) == []
    status, body = await slack.submit(modal, {"what": "Learn query tuning", "how": "the PostgreSQL course",
                                              "by": "2027-03-31"}, user="U0BO")
    assert (status, body) == (200, "")
    assert await plan(slack.deps) == [("Learn query tuning", "the PostgreSQL course", "2027-03-31")]


async def test_the_teams_card_adds_to_the_plan_and_tells_the_manager(database, clock, catalogs, tmp_path) -> None:
    async with teams_org(database, clock, catalogs, tmp_path) as (teams, bo, ana):
        await teams.say(bo, "grow add")
        form = teams.last_card(f"a:{bo.teams_id}")
        assert [i["id"] for i in inputs(form.body)] == ["what", "how", "by"]
        answered = await teams.press(bo, form, "Add", {"what": "Learn Rust", "by": "2020-01-01"})
        assert "The due date 2020-01-01 has already passed" in json.dumps(answered[0].body, ensure_ascii=False)
        assert await plan(teams.deps) == []
        done = await teams.press(bo, form, "Add", {"what": "Learn Rust", "how": "", "by": ""})
        to_ana = [c for c in done if c.conversation == f"a:{ana.teams_id}"]
        assert "Learn Rust" in card_text(to_ana[0].body)
        assert await plan(teams.deps) == [("Learn Rust", "", None)]


async def test_the_console_asks_the_form_in_swedish(console, deps, tmp_path) -> None:
    (tmp_path / "org.csv").write_text(ORG.replace("UTC,en\n", "UTC,sv\n"), encoding="utf-8")
    await import_people(deps, tmp_path / "org.csv")
    out = await console.type("/grow add", as_="bo@example.com")
    assert "Vad vill du lära dig, och varför?" in out
    await console.type("Lära mig Rust")
    await console.type("")
    out = await console.type("")
    assert "Lära mig Rust" in out and "Added" not in out
    assert await plan(deps) == [("Lära mig Rust", "", None)]
