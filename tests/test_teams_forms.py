"""Cards on the wire: forms answered in the card (errors shown in that card, answers kept), buttons, and
Action.Execute invokes answered in the HTTP response (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.teams.cards import CONTENT_TYPE
from bot.kernel.settings import Settings
from bot.orgdir import import_people
from bot.rhythm.scheduler import tick
from storage.models import Checkin, IdeaVote, Survey, SurveyAnswer, SurveySubmission
from tests.conftest import START
from tests.fakes.teams_connector import TeamsHarness, actions, card_text, fail_once, inputs, user

BO = user("Bo Ek", "bo@example.com", 1)
ANA = user("Ana Berg", "ana@example.com", 2)
ADMIN = user("Ad Min", "admin@example.com", 4)
ORG = """email,name,manager_email,team,timezone,locale
ana@example.com,Ana Berg,,Apps,UTC,en
bo@example.com,Bo Ek,ana@example.com,Apps,UTC,en
admin@example.com,Ad Min,,People,UTC,en
cy@example.com,Cy Lund,ana@example.com,Apps,UTC,en
di@example.com,Di Holm,ana@example.com,Apps,UTC,en
"""
SURVEY = {"key": "team-health", "title": "Team health", "audience": "everyone", "every_weeks": 2,
          "weekday": "monday", "hour": 10, "open_days": 4,
          "questions": [{"kind": "scale", "text": "How is your workload?"},
                        {"kind": "choice", "text": "Best day for demos?", "options": ["Tuesday", "Thursday"]}]}


@pytest.fixture
async def teams(database, clock, catalogs, tmp_path: Path):
    settings = Settings.model_validate({"org": {"admins": ["admin@example.com"]},
                                        "privacy": {"secret_key": "test-secret"}, "pulse": {"surveys": [SURVEY]}})
    harness = await TeamsHarness.start(database, clock, catalogs, settings)
    (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
    await import_people(harness.deps, tmp_path / "org.csv")
    for person in (BO, ANA, ADMIN):
        await harness.say(person, "help")
    yield harness
    await harness.close()


async def rows(teams: TeamsHarness, model: type) -> list:
    async with teams.deps.uow() as uow:
        return list((await uow.session.scalars(select(model))).all())


def chat(person) -> str:
    return f"a:{person.teams_id}"


async def test_a_check_in_form_shows_its_errors_in_the_same_card_and_keeps_the_answers(teams):
    await teams.say(BO, "checkin")
    form = teams.last_card(chat(BO))
    assert [i["id"] for i in inputs(form.body)] == ["well", "next", "blockers", "blocker_category", "mood"]
    kinds = inputs(form.body)[3]
    assert kinds["type"] == "Input.ChoiceSet" and kinds["choices"][1] == {"title": "unclear requirements",
                                                                          "value": "requirements"}

    answered = await teams.press(BO, form, "Send check-in", {"well": "Shipped the release", "mood": "9"})
    assert [(c.method, c.path) for c in answered] == [
        ("update", f"/v3/conversations/{chat(BO)}/activities/{form.answered_id}")]
    shown = answered[0].body
    fields = {i["id"]: i for i in inputs(shown)}
    assert fields["well"]["value"] == "Shipped the release"
    body = shown["attachments"][0]["content"]["body"]
    after = {body[n - 1].get("id"): body[n]["text"] for n in range(1, len(body)) if body[n].get("color") == "attention"
             and body[n - 1].get("id")}
    assert after == {"next": "Please answer this one.", "mood": "Answer with a number from 1 to 5."}
    assert await rows(teams, Checkin) == []

    refused = await teams.press(BO, form, "Send check-in", {"well": "Shipped the release", "next": "Tests",
                                                            "blockers": "No test data", "mood": "4"})
    assert "Pick the kind of blocker: 1 waiting on others" in card_text(refused[0].body)
    assert await rows(teams, Checkin) == []

    done = await teams.press(BO, form, "Send check-in", {"well": "Shipped the release", "next": "Tests",
                                                         "blockers": "No test data", "blocker_category": "tools",
                                                         "mood": "4"})
    updated = [c for c in done if c.method == "update"]
    assert len(updated) == 1 and "your check-in for week 48 is saved and shared with **@Ana Berg**" in \
        card_text(updated[0].body)
    assert [i for i in inputs(updated[0].body)] == [], "the answered form is replaced by its outcome"
    [checkin] = await rows(teams, Checkin)
    assert checkin.mood == 4 and checkin.answers["well"] == "Shipped the release"
    assert (checkin.blockers, checkin.blocker_category) == ("No test data", "tools")
    to_ana = [c for c in done if c.conversation == chat(ANA)]
    assert len(to_ana) == 1 and "Shipped the release" in card_text(to_ana[0].body)


async def test_a_pulse_prompt_from_the_scheduler_is_answered_in_a_card_anonymously(teams):
    await tick(teams.deps, START + timedelta(hours=1))
    await teams.platform.idle()
    prompt = teams.last_card(chat(BO))
    assert "Team health" in card_text(prompt.body)
    opened = await teams.press(BO, prompt, "Answer")
    assert [c.method for c in opened] == ["reply"], "a button answers with a new card, the prompt stays"
    form = teams.last_card(chat(BO))
    ids = [i["id"] for i in inputs(form.body)]
    assert len(ids) == 2 and inputs(form.body)[1]["type"] == "Input.ChoiceSet"

    refused = await teams.press(BO, form, "Send answers", {ids[0]: "9", ids[1]: "1"})
    assert "Answer with a number from 1 to 5." in card_text(refused[0].body)
    assert refused[0].method == "update" and await rows(teams, SurveyAnswer) == []

    done = await teams.press(BO, form, "Send answers", {ids[0]: "4", ids[1]: "2"})
    assert done[0].method == "update" and not is_form(done[0].body)
    [sealed] = await rows(teams, SurveySubmission)
    assert await rows(teams, SurveyAnswer) == []  # sealed until the round closes; what the card said, inside:
    opened = json.loads(teams.deps.sealer.unseal_untimed(sealed.sealed))
    assert [values for _, values in opened["answers"]] == [{"score": 4}, {"choice": "Thursday"}]
    await tick(teams.deps, START + timedelta(hours=1, days=4))  # the round closes: one answer is too few to publish
    assert await rows(teams, SurveyAnswer) == [] and await rows(teams, SurveySubmission) == []


def is_form(activity: dict) -> bool:
    return bool(inputs(activity))


async def test_admins_create_a_survey_with_a_card_form(teams):
    await teams.say(ADMIN, "pulse create")
    form = teams.last_card(chat(ADMIN))
    assert "questions" in [i["id"] for i in inputs(form.body)]
    refused = await teams.press(ADMIN, form, "Create survey", {"key": "Bad Key", "title": "Platform",
                                                                 "audience": "everyone", "questions": "scale: Ok?"})
    assert "Use lowercase letters, digits and dashes" in card_text(refused[0].body)
    assert len(await rows(teams, Survey)) <= 1  # only the configured one, if it opened yet
    done = await teams.press(ADMIN, form, "Create survey", {"key": "platform", "title": "Platform",
                                                              "audience": "everyone", "questions": "scale: Ok?"})
    assert "Survey platform created" in card_text(done[0].body)
    assert "platform" in [s.key for s in await rows(teams, Survey)]


async def test_an_idea_vote_button_is_a_card_action(teams):
    await teams.say(BO, "idea Cut the build time by caching wheels")
    await teams.say(ANA, "idea show 1")
    shown = teams.last_card(chat(ANA))
    assert [a["data"] for a in actions(shown.body)] == [{"feedbot": "idea vote 1"}]
    answered = await teams.press(ANA, shown, "Vote")
    assert [c.method for c in answered] == ["reply"]
    assert "You voted for idea #1" in card_text(answered[0].body)
    assert len(await rows(teams, IdeaVote)) == 1


async def test_an_action_execute_invoke_is_answered_with_a_card_in_the_http_response(teams):
    await teams.say(BO, "idea Cut the build time by caching wheels")
    invoke = teams.activity("adaptive_card_action", ANA)
    response = await teams.http.post(f"{teams.server.url}/api/messages", json=invoke, headers={
        "Authorization": "Bearer " + teams.identity.sign("00000000-0000-0000-0000-00000000b07a",
                                                         invoke["serviceUrl"])})
    body = await response.json()
    assert response.status == 200
    assert body["statusCode"] == 200 and body["type"] == CONTENT_TYPE
    assert "You voted for idea #1" in "\n".join(e.get("text", "") for e in body["value"]["body"])
    assert len(await rows(teams, IdeaVote)) == 1
    again = await teams.http.post(f"{teams.server.url}/api/messages", json=invoke, headers={
        "Authorization": "Bearer " + teams.identity.sign("00000000-0000-0000-0000-00000000b07a",
                                                         invoke["serviceUrl"])})
    assert again.status == 200 and len(await rows(teams, IdeaVote)) == 1, "a replayed invoke is not a second vote"


async def test_a_card_action_that_fails_is_answered_with_an_error_card_and_runs_when_redelivered(teams, monkeypatch):
    failed = fail_once(monkeypatch, "handle_interaction")
    await teams.say(BO, "idea Cut the build time by caching wheels")
    invoke = teams.activity("adaptive_card_action", ANA)
    token = teams.identity.sign("00000000-0000-0000-0000-00000000b07a", invoke["serviceUrl"])
    for expected in ("Something went wrong on my side, and nothing was saved.", "You voted for idea #1"):
        response = await teams.http.post(f"{teams.server.url}/api/messages", json=invoke,
                                         headers={"Authorization": f"Bearer {token}"})
        body = await response.json()
        assert response.status == 200 and body["type"] == CONTENT_TYPE
        assert expected in "\n".join(e.get("text", "") for e in body["value"]["body"])
    assert [c.command for c in failed] == ["idea vote 1"] and len(await rows(teams, IdeaVote)) == 1


async def test_answers_to_a_form_whose_card_is_gone_come_as_a_new_card(teams):
    await teams.say(BO, "checkin")
    form = teams.last_card(chat(BO))
    form.answered_id = ""  # the client did not say which card it was
    done = await teams.press(BO, form, "Send check-in", {"well": "a", "next": "b", "mood": "3"})
    assert [c.method for c in done if c.conversation == chat(BO)] == ["reply"]
    assert "is saved" in card_text(done[0].body)
    assert len(await rows(teams, Checkin)) == 1


async def test_moving_an_idea_is_a_card_form_offering_only_the_allowed_steps(teams):
    await teams.say(BO, "idea Cut the build time by caching wheels")
    await teams.say(ADMIN, "idea status 1")
    form = teams.last_card(chat(ADMIN))
    status = next(i for i in inputs(form.body) if i["id"] == "status")
    assert [c["value"] for c in status["choices"]] == ["accepted", "declined"]
    refused = await teams.press(ADMIN, form, "Move it", {"status": "declined", "note": ""})
    assert refused[0].method == "update" and "Please say why it is declined." in card_text(refused[0].body)
    done = await teams.press(ADMIN, form, "Move it", {"status": "accepted", "note": "Let's plan it"})
    assert "Idea #1 moved from new to accepted (plan)" in card_text(done[0].body)
    to_bo = [c for c in done if c.conversation == chat(BO)]
    assert len(to_bo) == 1 and "Let's plan it" in card_text(to_bo[0].body)


async def test_1on1_notes_are_a_card_form(teams):
    from storage.models import OneOnOneEntry

    await teams.say(ANA, "1on1 note @bo")
    form = teams.last_card(chat(ANA))
    assert [i["id"] for i in inputs(form.body)] == ["note", "actions"]
    done = await teams.press(ANA, form, "Save notes", {"note": "Wants to lead", "actions": "Book the course"})
    assert "Note saved for your 1:1s with **@Bo Ek**" in card_text(done[0].body)
    assert sorted(e.kind for e in await rows(teams, OneOnOneEntry)) == ["action", "note"]


async def test_adopting_a_measured_idea_in_the_card_asks_for_its_result(teams):
    from storage.models import IdeaResult, Kudos

    await teams.say(BO, "idea Cut the build time by caching wheels")
    for line in ("status 1 accepted", "measure 1 baseline 11 target 6 minutes", "status 1 doing", "status 1 checking"):
        await teams.say(ADMIN, f"idea {line}")
    await teams.say(ADMIN, "idea status 1")
    form = teams.last_card(chat(ADMIN))
    result = next(i for i in inputs(form.body) if i["id"] == "result")
    assert result["type"] == "Input.Text" and not result["isRequired"] and "minutes" in result["label"]

    refused = await teams.press(ADMIN, form, "Move it", {"status": "adopted", "note": "", "result": ""})
    assert refused[0].method == "update"
    assert "It has a baseline, so it needs a result before it is adopted." in card_text(refused[0].body)
    assert await rows(teams, IdeaResult) == [] and await rows(teams, Kudos) == []

    done = await teams.press(ADMIN, form, "Move it", {"status": "adopted", "note": "Rolled out", "result": "5.5"})
    assert "Idea #1 moved from checking (check) to adopted (act)" in card_text(done[0].body)
    assert [r.value for r in await rows(teams, IdeaResult)] == [5.5] and len(await rows(teams, Kudos)) == 1
    to_bo = [card_text(c.body) for c in done if c.conversation == chat(BO)]
    assert any("11 → 5.5 minutes against a target of 6: -50%; the target is met." in text for text in to_bo)
