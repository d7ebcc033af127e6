"""A recognition kudos is given by feedbot, for an idea: nobody's "given" (no self-kudos, no undo), worded when read in
the reader's language wherever kudos are listed, and it survives erasing whoever adopted the idea; erasing a recipient
takes out only their part, erasing the anonymous author names nobody. Migration 0019 converts the old rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from bot.datarights import erase_person, export_person
from bot.kernel.settings import Settings
from bot.orgdir import import_people
from storage.migrate import downgrade, upgrade
from storage.models import Delivery, IdeaRecognition, Kudos
from tests.fakes.slack_api import SlackEnv
from tests.fakes.slack_api import slack as slack  # the fixture
from tests.test_idea_recognition import ADMIN, ANA, BO, CY, ORG, QUINN, all_kudos, checking, emails
from tests.web_dashboard import dashboard

THANKS = ("Thank you for idea #1, adopted — Cut the build time by caching wheels #teamwork — 11 → 5.5 minutes "
          "against a target of 6: -50%; the target is met.")
TACK = ("Tack för idé #1, som har införts — Cut the build time by caching wheels #teamwork — 11 → 5,5 minutes "
        "mot målet 6: -50%; målet är nått.")


async def team(deps, clock, tmp_path) -> None:
    """Ana's team: Bo, Cy and Quinn report to her; 18 November."""
    path = tmp_path / "org.csv"
    path.write_text(ORG, encoding="utf-8")
    await import_people(deps, path)
    clock.set(datetime(2026, 11, 18, 9, 0, tzinfo=UTC))


async def adopted(deps, console, clock, tmp_path, author: str = BO, *, anonymous: bool = False,
                  org: bool = True) -> None:
    """Idea #1 adopted by Ana, its owner, on 18 November."""
    if org:
        await team(deps, clock, tmp_path)
    await checking(console, author, anonymous=anonymous)
    await console.type("/idea status 1 adopted", as_=ANA)


async def test_feedbot_gives_it_so_no_one_thanks_themselves_or_takes_it_back(deps, console, clock, tmp_path):
    await adopted(deps, console, clock, tmp_path)
    mine = await console.type("/kudos", as_=ANA)
    assert "feedbot → @Ana Lima, @Bo Nilsson, @Cy Walker: " + THANKS in mine and "@Ana Lima → @Ana Lima" not in mine
    undo = await console.type("/kudos undo", as_=ANA)  # only your own kudos: a recognition is nobody's
    assert "You have no kudos to take back." in undo
    assert len(await all_kudos(deps)) == 1
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    team = await console.type("/digest", as_=ANA)
    assert "Kudos: 0 given, 1 received this week." in team
    assert "feedbot → @Bo Nilsson: " + THANKS in team and "@Ana Lima → @" not in team
    org = await console.type("/digest org", as_=ADMIN)
    assert "Kudos: 0 given, 1 received this week." in org  # Ana adopted it, but gave nothing
    assert "feedbot → @Ana Lima: " + THANKS in org and "@Ana Lima → @" not in org


async def test_everyone_reads_it_in_their_own_language_the_channel_post_stays_in_the_organisations(
        deps, console, clock, tmp_path):
    await team(deps, clock, tmp_path)
    await console.type("/language sv", as_=BO)
    await console.type("/language zh_Hans", as_=CY)
    await console.type("/1on1 agenda @bo", as_=ANA)  # the pair starts now: its agenda lists kudos since
    await adopted(deps, console, clock, tmp_path, org=False)
    assert "feedbot → @Ana Lima, @Bo Nilsson, @Cy Walker: " + TACK in await console.type("/kudos", as_=BO)
    chinese = await console.type("/kudos", as_=CY)
    assert ("feedbot → @Ana Lima, @Bo Nilsson, @Cy Walker：感谢改进建议 #1，已落实 — "
            "Cut the build time by caching wheels #teamwork — 11 → 5.5 minutes，目标 6：-50%；已达到目标。") in chinese
    async with deps.uow() as uow:
        [post] = (await uow.session.scalars(select(Delivery).where(Delivery.channel == "#kudos"))).all()
    assert "Idea #1 is adopted: thank you" in json.dumps(post.payload)  # English, the organisation's default
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    await console.type("/language sv", as_=ANA)
    assert "feedbot → @Bo Nilsson: " + TACK in await console.type("/digest", as_=ANA)
    agenda = await console.type("/1on1 agenda @bo", as_=ANA)
    assert "från feedbot: " + TACK in agenda


async def test_the_dashboard_and_expectations_read_it_in_the_readers_language(deps_factory, clock, tmp_path):
    catalogue = [{"role": "developer", "kind": "behaviour", "text": "Helps the team", "value": "teamwork"}]
    deps, console = deps_factory(Settings.model_validate({"org": {"admins": [ADMIN]}, "privacy": {
        "secret_key": "test-secret"}, "expectations": {"catalogue": catalogue}}))
    await team(deps, clock, tmp_path)
    async with deps.uow() as uow:
        (await uow.people.by_email(BO)).role = "developer"
    await console.type("/language sv", as_=BO)
    await console.type("/language sv", as_=ANA)
    await adopted(deps, console, clock, tmp_path, org=False)
    evidence = await console.type("/expectations", as_=BO)
    assert "den senaste från feedbot den 2026-11-18: " + TACK in evidence
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    async with dashboard(deps) as web:
        async with web.client(BO) as bo:
            status, html = await web.get(bo, "/dashboard")
            assert status == 200 and "feedbot →" in html and "Tack för idé #1, som har införts" in html
        async with web.client(ANA) as ana:
            status, html = await web.get(ana, "/dashboard/team")
            assert status == 200 and "feedbot → " in html and "Tack för idé #1, som har införts" in html
            assert "Thank you for idea" not in html


async def test_the_export_says_from_feedbot_for_the_idea(deps, console, clock, tmp_path):
    await adopted(deps, console, clock, tmp_path)
    [received] = (await export_person(deps, CY))["kudos_received"]
    assert (received["from"], received["for_idea"], received["message"]) == (
        "feedbot", 1, "Cut the build time by caching wheels #teamwork")
    assert received["effect"] == {"baseline": 11, "target": 6, "unit": "minutes", "result": 5.5}
    assert (await export_person(deps, ANA))["kudos_given"] == []


async def test_erasing_the_adopter_keeps_everyone_elses_recognition(deps, console, clock, tmp_path):
    await adopted(deps, console, clock, tmp_path)
    report = await erase_person(deps, ANA)
    assert report.counts["kudos given"] == 0 and report.counts["kudos received (their name removed)"] == 1
    [kudos] = await all_kudos(deps)
    assert await emails(deps, [r.person_id for r in kudos.recipients]) == [BO, CY]
    assert "feedbot → @Bo Nilsson, @Cy Walker: " + THANKS in await console.type("/kudos", as_=BO)


async def test_erasing_a_recipient_removes_only_their_part(deps, console, clock, tmp_path):
    await adopted(deps, console, clock, tmp_path)
    await erase_person(deps, CY)
    [kudos] = await all_kudos(deps)
    assert await emails(deps, [r.person_id for r in kudos.recipients]) == [ANA, BO]
    assert (kudos.giver_id, kudos.idea_id, [v.value for v in kudos.values]) == (None, 1, ["teamwork"])
    assert "feedbot → @Ana Lima, @Bo Nilsson: " + THANKS in await console.type("/kudos", as_=BO)


async def test_erasing_the_anonymous_author_names_nobody_and_keeps_the_others_recognition(
        deps, console, clock, tmp_path):
    await adopted(deps, console, clock, tmp_path, QUINN, anonymous=True)
    report = await erase_person(deps, QUINN)
    assert report.counts["kudos received (their name removed)"] == 0
    [kudos] = await all_kudos(deps)
    assert await emails(deps, [r.person_id for r in kudos.recipients]) == [ANA, CY]
    async with deps.uow() as uow:
        assert len((await uow.session.scalars(select(IdeaRecognition))).all()) == 1
    listed = await console.type("/kudos", as_=CY)
    assert "feedbot → @Ana Lima, @Cy Walker: Thank you for idea #1" in listed and "quinn" not in listed.lower()
    assert "quinn" not in json.dumps([k.message for k in await all_kudos(deps)]).lower()


async def test_migration_0019_turns_old_recognitions_into_feedbots_and_back(database, deps, console, clock, tmp_path):
    """Down to 0018 the idea's owner gives it again, in English; up again, feedbot gives it, with its facts — and on
    SQLite, where the table is rebuilt, no recipient, value or recognition link is lost."""
    await adopted(deps, console, clock, tmp_path)
    await console.type("/kudos @bo Thanks for the review #teamwork", as_=CY)
    before = [(k.id, k.giver_id, k.message, k.idea_id, k.effect, sorted(r.person_id for r in k.recipients),
               [v.value for v in k.values]) for k in await all_kudos(deps)]

    await downgrade(database.engine, "0018")
    async with database.engine.connect() as conn:
        rows = (await conn.exec_driver_sql("SELECT k.giver_id, k.message, p.email FROM kudos k "
                                           "JOIN people p ON p.id = k.giver_id ORDER BY k.id")).all()
        kept = (await conn.exec_driver_sql("SELECT count(*) FROM kudos_recipients")).scalar()
        linked = (await conn.exec_driver_sql("SELECT kudos_id FROM idea_recognitions")).scalar()
    assert [(message, email) for _, message, email in rows] == [
        ("Thank you for idea #1, adopted — Cut the build time by caching wheels #teamwork", ANA),
        ("Thanks for the review #teamwork", CY)]
    assert kept == 4 and linked == before[0][0]

    await upgrade(database.engine)
    after = [(k.id, k.giver_id, k.message, k.idea_id, k.effect, sorted(r.person_id for r in k.recipients),
              [v.value for v in k.values]) for k in await all_kudos(deps)]
    assert after == before
    async with deps.uow() as uow:
        assert (await uow.session.scalar(select(IdeaRecognition))).kudos_id == before[0][0]
    assert "feedbot → @Ana Lima, @Bo Nilsson, @Cy Walker: " + THANKS in await console.type("/kudos", as_=CY)


async def test_on_slack_the_channel_post_is_in_the_organisations_language_and_kudos_in_the_readers(
        slack: SlackEnv) -> None:
    slack.fake.add_user("U0CY", "cy@example.com", "Cy Lund", locale="sv-SE")
    await slack.command("/idea", "Cache wheels in CI", user="U0BO")
    await slack.command("/idea", "comment 1 I can help with the trial", user="U0CY")
    for step in ("accepted", "doing", "checking", "adopted"):
        await slack.command("/idea", f"status 1 {step}", user="U0ADMIN")
    posts = [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "#kudos"]
    assert len(posts) == 1 and "Idea #1 is adopted: thank you" in posts[0]["text"]  # English, the organisation's
    thanked = [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "D0CY"][-1]
    assert "Tack" in thanked["text"] and "Thank you" not in thanked["text"]
    await slack.command("/kudos", "", user="U0CY")
    listed = slack.fake.called("response")[-1]
    shown = listed["text"] + json.dumps(listed["blocks"], ensure_ascii=False)
    assert "feedbot → <@U0BO>, <@U0CY>: Tack för idé #1, som har införts — Cache wheels in CI #teamwork" in shown
    async with slack.deps.uow() as uow:
        [kudos] = (await uow.session.scalars(select(Kudos))).all()
    assert kudos.giver_id is None  # the admin who adopted it gave nothing


async def test_a_recognition_without_a_measure_stores_no_effect(database, deps, console, clock, tmp_path):
    """No measure: its `effect` is SQL NULL, as on every person's kudos, not a JSON `null` (on both databases)."""
    await team(deps, clock, tmp_path)
    await checking(console, measured=False)
    await console.type("/idea status 1 adopted", as_=ANA)
    await console.type("/kudos @bo Thanks for the review #teamwork", as_=CY)
    async with database.engine.connect() as conn:
        rows = (await conn.exec_driver_sql("SELECT idea_id, effect IS NULL FROM kudos ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [(1, True), (None, True)]
