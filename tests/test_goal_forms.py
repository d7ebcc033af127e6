"""`/goal add` and `/goal kr 12` alone open a form — a Slack modal, a Teams card, questions in the console — with the
levels the person may use and the objectives a new one may serve; every mistake is shown beside its answer, in the
person's language, and nothing is added (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.orgdir import import_people
from storage.models import Goal, KeyResult
from tests.fakes.slack_api import SlackEnv
from tests.fakes.slack_api import slack as slack  # the fixture
from tests.fakes.teams_connector import card_text, inputs
from tests.test_objective_forms import teams_org

ORG = """email,name,manager_email,team,timezone,locale
admin@example.com,Ada Admin,,Apps,UTC,en
ana@example.com,Ana Andersson,,Apps,UTC,en
bo@example.com,Bo Berg,ana@example.com,Apps,UTC,en
"""


async def goals(deps: Any) -> list[tuple]:
    async with deps.uow() as uow:
        return [(g.title, g.level, g.team_id is not None, g.parent_id, g.quarter, g.due_date and g.due_date.isoformat())
                for g in (await uow.session.scalars(select(Goal).order_by(Goal.id))).all()]


async def key_results(deps: Any) -> list[tuple]:
    async with deps.uow() as uow:
        return [(k.goal_id, k.title, k.start, k.target, k.unit, k.due_date and k.due_date.isoformat())
                for k in (await uow.session.scalars(select(KeyResult).order_by(KeyResult.id))).all()]


def fields(modal: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {block["block_id"]: block for block in modal["blocks"] if block["type"] == "input"}


def options(field: dict[str, Any]) -> list[tuple[str, str]]:
    return [(o["value"], o["text"]["text"]) for o in field["element"]["options"]]


async def test_the_slack_modal_offers_the_levels_and_the_objectives_to_serve(slack: SlackEnv, tmp_path: Path) -> None:
    (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
    await import_people(slack.deps, tmp_path / "org.csv")
    await slack.command("/goal", "add --company Ship twice as often", user="U0ADMIN")
    await slack.command("/goal", "add", user="U0ANA")  # a team's manager
    modal = slack.last_modal()
    shown = fields(modal)
    assert list(shown) == ["title", "level", "due", "parent"] and shown["due"]["optional"]
    assert options(shown["level"]) == [("personal", "A goal of your own"), ("team", "A team objective")]
    assert options(shown["parent"]) == [("1", "[company] #1 Ship twice as often")] and shown["parent"]["optional"]
    _, body = await slack.submit(modal, {"title": "", "level": "team", "due": "2027-02-30"}, user="U0ANA")
    errors = json.loads(body)["errors"]
    assert errors["title"] == "Please answer this one." and "2027-02-30 is not a real date" in errors["due"]
    assert set(errors) == {"title", "due"} and len(await goals(slack.deps)) == 1
    ok = {"title": "Fast, boring releases", "level": "team", "due": "2027-q2", "parent": "1"}
    assert await slack.submit(modal, ok, user="U0ANA") == (200, "")
    assert (await goals(slack.deps))[1] == ("Fast, boring releases", "team", True, 1, "2027-Q2", None)

    await slack.command("/goal", "add", user="U0BO")  # neither a manager nor an admin: no level to pick
    modal = slack.last_modal()
    assert list(fields(modal)) == ["title", "due", "parent"]
    assert options(fields(modal)["parent"]) == [("1", "[company] #1 Ship twice as often"),
                                                ("2", "[team] #2 Fast, boring releases")]
    assert await slack.submit(modal, {"title": "Cut the CI build to 5 minutes", "parent": "2"}, user="U0BO") == (
        200, "")
    assert (await goals(slack.deps))[2] == ("Cut the CI build to 5 minutes", "personal", False, 2, None, None)
    assert [k[:2] for k in await key_results(slack.deps)] == [(3, "Cut the CI build to 5 minutes")]  # its 0–100 %

    await slack.command("/goal", "add", user="U0ADMIN")
    modal = slack.last_modal()
    assert options(fields(modal)["level"]) == [("personal", "A goal of your own"), ("company", "A company objective")]
    _, body = await slack.submit(modal, {"title": "Be profitable", "level": "company", "parent": "2"}, user="U0ADMIN")
    assert json.loads(body)["errors"] == {"parent": "A company objective serves a company objective or one at its own "
                                                    "level; #2 is a team objective."}
    assert len(await goals(slack.deps)) == 3


async def test_the_teams_card_adds_a_key_result_and_refuses_what_the_form_did_not_offer(
        database, clock, catalogs, tmp_path: Path) -> None:
    async with teams_org(database, clock, catalogs, tmp_path) as (teams, bo, _ana):
        await teams.say(bo, "goal add Make the app fast")
        await teams.say(bo, "goal kr 1")
        form = teams.last_card(f"a:{bo.teams_id}")
        assert [i["id"] for i in inputs(form.body)] == ["title", "start", "target", "unit", "due"]
        assert "Goal #1 Make the app fast" in card_text(form.body)
        wrong = {"title": "Cut p95 latency", "start": "fast", "target": "", "unit": "x" * 41, "due": "2020-01-01"}
        shown = json.dumps((await teams.press(bo, form, "Add", wrong))[0].body, ensure_ascii=False)
        for error in ("Give a number, like 900.", "Give a number, like 200.", "The unit is 41 characters long",
                      "The due date 2020-01-01 has already passed"):
            assert error in shown, error
        assert await key_results(teams.deps) == [(1, "Make the app fast", 0, 100, "%", None)]
        same = await teams.press(bo, form, "Add", wrong | {"start": "900", "target": "900,0", "unit": "ms", "due": ""})
        assert "The target is the start" in json.dumps(same[0].body, ensure_ascii=False)
        done = await teams.press(bo, form, "Add", {"title": "Cut p95 latency", "start": "900", "target": "200",
                                                   "unit": "ms", "due": "2027-03-31"})
        assert "Key result 1.1 added: 1.1 Cut p95 latency: 900 ms (900 → 200 ms, 0%) — due 2027-03-31" in card_text(
            done[0].body)
        assert await key_results(teams.deps) == [(1, "Cut p95 latency", 900, 200, "ms", "2027-03-31")]

        await teams.say(bo, "goal add")
        form = teams.last_card(f"a:{bo.teams_id}")
        assert [i["id"] for i in inputs(form.body)] == ["title", "due"]  # nothing to serve yet, no level to pick
        forged = await teams.press(bo, form, "Add", {"title": "Rule the world", "level": "company"})
        assert "Only admins add company objectives" in json.dumps(forged[0].body, ensure_ascii=False)
        assert [g[0] for g in await goals(teams.deps)] == ["Make the app fast"]


async def test_the_console_asks_question_by_question_in_swedish(console, deps, tmp_path: Path) -> None:
    (tmp_path / "org.csv").write_text(ORG.replace(",en\n", ",sv\n"), encoding="utf-8")
    await import_people(deps, tmp_path / "org.csv")
    out = await console.type("/goal add --company", as_="ana@example.com")  # refused at once, not after a form
    assert "Bara administratörer lägger till företagsmål" in out and "?" not in out
    await console.type("/goal add --company Väx i Norden", as_="admin@example.com")
    assert "? Målet — t.ex. Sänk p95-latensen till 200 ms" in await console.type("/goal add", as_="ana@example.com")
    assert "? Nivå (1 Ett eget mål, 2 Ett teammål) [Ett eget mål]" in await console.type("Snabbare releaser")
    assert "? Klart senast" in await console.type("2")
    assert "? Vilket mål tjänar det? (1 [företag] #1 Väx i Norden)" in await console.type("2027-13-01")
    out = await console.type("1")
    assert "⚠ 2027-13-01 är inget giltigt datum" in out and out.rstrip().endswith("tomt för inget")
    assert len(await goals(deps)) == 1  # nothing added until every answer is right
    assert "Teammål #2 har lagts till: Snabbare releaser. Slutdatum 2027-Q2.\nDet tjänar #1 Väx i Norden." in (
        await console.type("2027-Q2"))
    assert (await goals(deps))[1] == ("Snabbare releaser", "team", True, 1, "2027-Q2", None)

    assert "? Vad mäter du?" in await console.type("/goal kr 2", as_="ana@example.com")
    for answer in ("Byggtid", "11", "elva", "minuter"):
        await console.type(answer)
    out = await console.type("")
    assert "⚠ Ange ett tal, till exempel 200." in out and "? Målvärde: dit det ska nå" in out
    assert await key_results(deps) == []  # a team objective starts without key results
    assert "Nyckelresultat 2.1" in await console.type("5")
    assert await key_results(deps) == [(2, "Byggtid", 11, 5, "minuter", None)]
