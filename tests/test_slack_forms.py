"""Forms as modals: opened with the trigger id, submitted as view_submission, wrong answers shown inline
(`response_action: errors`) with nothing stored, right ones stored and answered."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.orgdir import import_people
from bot.rhythm.scheduler import tick
from storage.models import Checkin, Survey, SurveyAnswer, SurveyParticipation, SurveySubmission
from tests.conftest import START
from tests.fakes.slack_api import SlackEnv, add_crowd, add_people, running_slack
from tests.fakes.slack_api import slack as slack  # the fixture

ORG = """email,name,manager_email,team,timezone,locale
ana@example.com,Ana Andersson,,Apps,UTC,en
bo@example.com,Bo Berg,ana@example.com,Apps,UTC,en
"""
SURVEY = {"key": "team-health", "title": "Team health check for everyone", "audience": "everyone",
          "every_weeks": 2, "weekday": "monday", "hour": 10, "open_days": 4,
          "questions": [{"kind": "scale", "text": "How is your workload?"},
                        {"kind": "text", "text": "Anything else?"}]}
OPEN = START + timedelta(hours=1)  # Monday 10:00 UTC: round 1


def inputs(modal: dict) -> dict[str, dict]:
    return {block["block_id"]: block for block in modal["blocks"] if block["type"] == "input"}


@pytest.fixture
async def surveyed(database, clock, catalogs, tmp_path) -> AsyncIterator[SlackEnv]:
    async with running_slack(database, clock, catalogs, extra={"pulse": {"surveys": [SURVEY]}}) as env:
        add_people(env.fake)
        await add_crowd(env, tmp_path)
        yield env


async def test_the_check_in_modal_shows_wrong_answers_inline_and_stores_right_ones(slack: SlackEnv, tmp_path) -> None:
    (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
    await import_people(slack.deps, tmp_path / "org.csv")
    await slack.command("/feedbot", "help", user="U0ANA")  # the manager has talked to the bot once
    await slack.command("/goal", "add Learn Rust", user="U0BO")
    await slack.command("/checkin", "", user="U0BO")
    opened = slack.fake.called("views.open")[-1]
    assert opened["trigger_id"] == "111.222.abc"
    modal = slack.last_modal()
    assert modal["type"] == "modal" and len(modal["title"]["text"]) <= 24
    fields = inputs(modal)
    assert fields["mood"]["element"]["type"] == "radio_buttons" and len(fields["mood"]["element"]["options"]) == 5
    assert fields["blockers"]["element"]["multiline"] and fields["goal_1"]["optional"]
    kinds = fields["blocker_category"]  # the blocker's kind, right after the blockers question
    assert list(fields).index("blocker_category") == list(fields).index("blockers") + 1 and kinds["optional"]
    assert kinds["element"]["type"] == "radio_buttons" and [o["value"] for o in kinds["element"]["options"]] == [
        "waiting", "requirements", "tools", "meetings", "skills", "other"]
    assert kinds["element"]["options"][0]["text"]["text"] == "waiting on others"
    answers = {"well": "Shipped it", "next": "Docs", "blockers": "Waiting for review", "mood": "4"}

    status, body = await slack.submit(modal, answers | {"goal_1": "lots"}, user="U0BO")
    assert status == 200
    ack = json.loads(body)
    assert ack["response_action"] == "errors" and set(ack["errors"]) == {"goal_1", "blocker_category"}
    assert "0 to 100" in ack["errors"]["goal_1"] and "1 waiting on others" in ack["errors"]["blocker_category"]
    assert await slack.count(Checkin) == 0

    status, body = await slack.submit(modal, answers | {"goal_1": "40", "blocker_category": "waiting"}, user="U0BO")
    assert (status, body) == (200, "")  # closes the modal
    assert await slack.count(Checkin) == 1
    assert "saved and shared with" in slack.fake.called("response")[-1]["text"]  # the command's response_url
    assert "Blocked (waiting on others): Waiting for review" in slack.fake.called("chat.postMessage")[-1]["text"]
    async with slack.deps.uow() as uow:
        assert [c.blocker_category for c in (await uow.session.scalars(select(Checkin))).all()] == ["waiting"]
    assert slack.fake.called("chat.postMessage")[-1]["channel"] == "D0ANA"

    slack.deps.clock.set(START + timedelta(days=7))
    await slack.command("/digest", "")  # the manager's digest now has a mood trend: a chart image by DM
    uploads = slack.fake.called("files.completeUploadExternal")
    assert len(uploads) == 1 and uploads[0]["channel_id"] == "D0ANA"
    assert [call["png"] for call in slack.fake.called("upload")] == [True]


async def test_a_survey_prompt_button_opens_the_modal_and_the_answer_is_stored_without_a_name(
        surveyed: SlackEnv) -> None:
    await surveyed.command("/feedbot", "help", user="U0BO")
    await tick(surveyed.deps, OPEN)
    prompt = next(call for call in surveyed.fake.called("chat.postMessage") if call["channel"] == "D0BO")
    button = next(e for block in prompt["blocks"] if block["type"] == "actions" for e in block["elements"])
    assert button["value"].startswith("pulse answer ")

    await surveyed.press(button["value"], user="U0BO")
    modal = surveyed.last_modal()
    assert modal["title"]["text"] == "Team health check for e…"  # 24 characters at most
    assert "Team health check for everyone" in json.dumps(modal["blocks"])  # the full title inside
    workload, comment = inputs(modal)
    too_long = "x" * 2500
    status, body = await surveyed.submit(modal, {workload: "4", comment: too_long}, user="U0BO")
    assert json.loads(body)["response_action"] == "errors" and await surveyed.count(SurveyAnswer) == 0

    status, body = await surveyed.submit(modal, {workload: "4", comment: "Fine"}, user="U0BO")
    assert (status, body) == (200, "")
    assert await surveyed.count(SurveySubmission) == 1 and await surveyed.count(SurveyAnswer) == 0  # sealed
    async with surveyed.deps.uow() as uow:
        answered = await uow.session.scalar(select(func.count()).select_from(SurveyParticipation).where(
            SurveyParticipation.answered.is_(True)))
    assert answered == 1

    status, body = await surveyed.submit(modal, {workload: "5", comment: ""}, user="U0BO")
    ack = json.loads(body)  # answered already: the modal says so instead of taking a second answer
    assert ack["response_action"] == "update" and "already answered" in json.dumps(ack["view"])
    assert await surveyed.count(SurveySubmission) == 1
    async with surveyed.deps.uow() as uow:  # what the modal said, inside the seal
        [sealed] = (await uow.session.scalars(select(SurveySubmission.sealed))).all()
    assert [values for _, values in json.loads(surveyed.deps.sealer.unseal_untimed(sealed))["answers"]] == [
        {"score": 4}, {"text": "Fine"}]
    await tick(surveyed.deps, OPEN + timedelta(days=4))  # the round closes: one answer is too few to publish
    assert await surveyed.count(SurveyAnswer) == 0 and await surveyed.count(SurveySubmission) == 0


async def test_admins_create_a_survey_in_a_modal(slack: SlackEnv, tmp_path) -> None:
    await add_crowd(slack, tmp_path)
    await slack.command("/pulse", "create", user="U0ADMIN")
    modal = slack.last_modal()
    fields = inputs(modal)
    answers = {name: "" for name in fields} | {"key": "Bad Key!", "title": "Workload", "audience": "everyone",
                                               "every_weeks": "2", "weekday": "monday", "hour": "10",
                                               "open_days": "4", "questions": "scale: How is your workload?"}
    _, body = await slack.submit(modal, answers, user="U0ADMIN")
    assert set(json.loads(body)["errors"]) == {"key"} and await slack.count(Survey) == 0
    _, body = await slack.submit(modal, answers | {"key": "workload"}, user="U0ADMIN")
    assert body == "" and await slack.count(Survey) == 1


async def test_moving_an_idea_opens_a_modal_with_only_the_allowed_steps(slack: SlackEnv) -> None:
    await slack.command("/idea", "Cache wheels in CI", user="U0BO")
    await slack.command("/idea", "status 1", user="U0ADMIN")
    modal = slack.last_modal()
    fields = inputs(modal)
    options = [o["value"] for o in fields["status"]["element"]["options"]]
    assert options == ["accepted", "declined"] and fields["note"]["optional"]

    status, body = await slack.submit(modal, {"status": "declined"}, user="U0ADMIN")
    ack = json.loads(body)
    assert status == 200 and ack["response_action"] == "errors" and set(ack["errors"]) == {"note"}
    async with slack.deps.uow() as uow:
        assert (await uow.ideas.get(1)).status == "new"

    status, body = await slack.submit(modal, {"status": "declined", "note": "Out of scope"}, user="U0ADMIN")
    assert (status, body) == (200, "")
    async with slack.deps.uow() as uow:
        assert (await uow.ideas.get(1)).status == "declined"
    dm = slack.fake.called("chat.postMessage")[-1]
    assert dm["channel"] == "D0BO" and "Out of scope" in dm["text"]  # the author hears why


async def test_1on1_notes_open_as_a_modal_and_stay_with_the_pair(slack: SlackEnv, tmp_path) -> None:
    from storage.models import OneOnOneEntry

    (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
    await import_people(slack.deps, tmp_path / "org.csv")
    await slack.command("/1on1", "note <@U0BO|bo>", user="U0ANA")
    modal = slack.last_modal()
    assert set(inputs(modal)) == {"note", "actions"}
    status, body = await slack.submit(modal, {}, user="U0ANA")
    assert json.loads(body)["response_action"] == "errors" and await slack.count(OneOnOneEntry) == 0
    status, body = await slack.submit(modal, {"note": "Wants to lead", "actions": "Book the course\nRead RFC"},
                                      user="U0ANA")
    assert (status, body) == (200, "")
    async with slack.deps.uow() as uow:
        entries = (await uow.session.scalars(select(OneOnOneEntry).order_by(OneOnOneEntry.id))).all()
    assert [(e.kind, e.text) for e in entries] == [("note", "Wants to lead"), ("action", "Book the course"),
                                                    ("action", "Read RFC")]
    assert "Action items #2, #3 saved" in slack.fake.called("response")[-1]["text"]


async def test_a_chinese_speaker_gets_the_whole_modal_in_chinese(slack: SlackEnv) -> None:
    slack.fake.add_user("U0WEI", "wei@example.com", "Wei Zhang", tz="Asia/Shanghai", locale="zh-CN")
    await slack.command("/checkin", "", user="U0WEI")
    modal = slack.last_modal()
    shown = [modal["title"]["text"], modal["submit"]["text"], modal["close"]["text"]]
    shown += [block["label"]["text"] for block in modal["blocks"] if block["type"] == "input"]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in shown), shown  # no English left
    _, body = await slack.submit(modal, {"mood": "4"}, user="U0WEI")  # required answers missing
    errors = json.loads(body)["errors"]
    assert errors and all(any("\u4e00" <= ch <= "\u9fff" for ch in e) for e in errors.values()), errors


async def test_a_form_asked_for_with_a_mention_whose_trigger_expired_still_opens_from_its_button(
        slack: SlackEnv, tmp_path) -> None:
    (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
    await import_people(slack.deps, tmp_path / "org.csv")
    slack.fake.fail("views.open", "expired_trigger_id")
    await slack.command("/1on1", "note <@U0BO|bo>", user="U0ANA")
    button = next(e for block in slack.fake.called("response")[-1]["blocks"] if block["type"] == "actions"
                  for e in block["elements"])
    await slack.press(button["value"], user="U0ANA")  # the value holds Slack's <@U0BO|bo>: resolved again
    assert set(inputs(slack.last_modal())) == {"note", "actions"}



async def test_a_submission_is_acknowledged_in_time_while_slack_is_slow_to_say_who_submitted(
        slack: SlackEnv, tmp_path) -> None:
    await add_crowd(slack, tmp_path)
    await slack.command("/pulse", "create", user="U0ADMIN")
    modal = slack.last_modal()
    slack.platform.profiles._cache.clear()  # the profile expired meanwhile
    slack.fake.slow("users.info", 4)  # longer than Slack waits for the acknowledgement (SlackEnv.post: 3 s)
    answers = {name: "" for name in inputs(modal)} | {"key": "workload", "title": "Workload", "audience": "everyone",
                                                      "every_weeks": "2", "weekday": "monday", "hour": "10",
                                                      "open_days": "4", "questions": "scale: How is your workload?"}
    status, body = await slack.submit(modal, answers, user="U0ADMIN")
    assert (status, body) == (200, "") and await slack.count(Survey) == 1  # her stored account knew her


async def test_adopting_a_measured_idea_in_the_modal_asks_for_its_result(slack: SlackEnv) -> None:
    from storage.models import IdeaResult, Kudos

    await slack.command("/idea", "Cache wheels in CI", user="U0BO")
    for line in ("status 1 accepted", "measure 1 baseline 11 target 6 minutes", "status 1 doing", "status 1 checking"):
        await slack.command("/idea", line, user="U0ADMIN")
    await slack.command("/idea", "status 1", user="U0ADMIN")
    modal = slack.last_modal()
    fields = inputs(modal)
    assert fields["result"]["optional"] and "minutes" in fields["result"]["label"]["text"]
    assert fields["result"]["element"]["type"] == "plain_text_input"  # a decimal comma is accepted too

    for answers in ({"status": "adopted"}, {"status": "adopted", "result": "fast"}):
        _, body = await slack.submit(modal, answers, user="U0ADMIN")
        assert set(json.loads(body)["errors"]) == {"result"}
        assert await slack.count(IdeaResult) == 0 and await slack.count(Kudos) == 0

    status, body = await slack.submit(modal, {"status": "adopted", "result": "5,5"}, user="U0ADMIN")
    assert (status, body) == (200, "")
    async with slack.deps.uow() as uow:
        assert (await uow.ideas.get(1)).status == "adopted"
        assert [r.value for r in await uow.ideas.results(1)] == [5.5]
    assert await slack.count(Kudos) == 1
    dm = next(m for m in reversed(slack.fake.called("chat.postMessage")) if m["channel"] == "D0BO")
    assert "11 → 5.5 minutes against a target of 6: -50%; the target is met." in json.dumps(dm, ensure_ascii=False)


async def test_an_unmeasured_idea_is_adopted_in_the_modal_without_a_result(slack: SlackEnv) -> None:
    await slack.command("/idea", "Cache wheels in CI", user="U0BO")
    for line in ("status 1 accepted", "status 1 doing", "status 1 checking"):
        await slack.command("/idea", line, user="U0ADMIN")
    await slack.command("/idea", "status 1", user="U0ADMIN")
    modal = slack.last_modal()
    assert "result" not in inputs(modal)
    assert await slack.submit(modal, {"status": "adopted"}, user="U0ADMIN") == (200, "")
