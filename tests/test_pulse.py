"""Pulse surveys through the console and the scheduler's tick, on real storage (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from adapters.console.chat import console_actor
from bot.core import handle_command
from bot.kernel.messages import Command
from bot.kernel.sections import DigestScope
from bot.kernel.settings import PulseSettings, Settings
from bot.kernel.views import Chart, Fields
from bot.orgdir import import_people
from bot.pulse.report import digest_batch, digest_section
from bot.pulse.results import average, enps
from bot.pulse.series import digest_series
from bot.rhythm.record import run_due
from bot.rhythm.scheduler import tick
from storage.models import (
    Delivery,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyRound,
    SurveySubmission,
)
from tests.conftest import START

ADMIN = "admin@example.com"
TEAMS = {"Apps": 6, "Platform": 5, "Design": 3, "Data": 2}
OPEN = START + timedelta(hours=1)  # Monday 2026-11-23 10:00 UTC: round 1 of SURVEY
HALF = OPEN + timedelta(days=2)  # reminders
CLOSE = OPEN + timedelta(days=4)  # Friday 2026-11-27 10:00
QUESTIONS = [{"kind": "scale", "text": "How is your workload?"},
             {"kind": "enps", "text": "How likely would you recommend us?"},
             {"kind": "choice", "text": "Best day for demos?", "options": ["Tuesday", "Thursday"]},
             {"kind": "text", "text": "Anything else?"}]
SURVEY = {"key": "team-health", "title": "Team health", "audience": "everyone", "every_weeks": 2,
          "weekday": "monday", "hour": 10, "open_days": 4, "questions": QUESTIONS}


def member(team: str, n: int) -> str:
    return f"{team.lower()}{n}@example.com"


def lead(team: str) -> str:
    return f"{team.lower()}.lead@example.com"


def configured(settings: Settings, *surveys: dict, **pulse: object) -> Settings:
    return settings.model_copy(update={"pulse": PulseSettings.model_validate({"surveys": list(surveys), **pulse})})


async def make_org(deps, tmp_path: Path, teams: dict[str, int] = TEAMS) -> None:
    """An admin without a team; per team a lead (no team) managing its members."""
    rows = ["email,name,manager_email,team,timezone,locale", f"{ADMIN},Admin,,,,"]
    for team, size in teams.items():
        rows.append(f"{lead(team)},{team} Lead,,,,")
        rows += [f"{member(team, n)},{team} {n},{lead(team)},{team},," for n in range(1, size + 1)]
    (tmp_path / "org.csv").write_text("\n".join(rows) + "\n")
    await import_people(deps, tmp_path / "org.csv")


async def setup(deps_factory, settings, tmp_path, *surveys: dict, teams: dict[str, int] = TEAMS, **pulse: object):
    deps, console = deps_factory(configured(settings, *(surveys or (SURVEY,)), **pulse))
    await make_org(deps, tmp_path, teams)
    return deps, console


async def answer(console, email: str, *lines: str, round_id: int = 1) -> str:
    out = await console.type(f"/pulse answer {round_id}", as_=email)
    for line in lines:
        out += await console.type(line)
    return out


async def all_rows(deps, model) -> list:
    async with deps.uow() as uow:
        return list((await uow.session.scalars(select(model))).all())


async def count(deps, model, *where) -> int:
    async with deps.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model).where(*where))


async def views(deps, email: str, line: str) -> list:
    name, _, text = line.lstrip("/").partition(" ")
    return await handle_command(deps, Command(actor=console_actor(email), name=name, text=text))


async def test_config_surveys_are_synced_by_key_and_questions_change_only_before_answers(deps_factory, settings,
                                                                                          tmp_path, clock):
    deps, console = await setup(deps_factory, settings, tmp_path)
    await tick(deps, START)
    await tick(deps, START)
    (survey,) = await all_rows(deps, Survey)
    assert (survey.key, survey.title, survey.audience, survey.every_weeks, survey.weekday, survey.hour,
            survey.open_days, survey.active, survey.from_config, survey.created_at) == (
        "team-health", "Team health", "everyone", 2, 0, 10, 4, True, True, START)
    assert [(q.position, q.kind, q.text, q.options) for q in await all_rows(deps, SurveyQuestion)] == [
        (0, "scale", "How is your workload?", []), (1, "enps", "How likely would you recommend us?", []),
        (2, "choice", "Best day for demos?", ["Tuesday", "Thursday"]), (3, "text", "Anything else?", [])]

    changed = {**SURVEY, "title": "Team pulse", "hour": 11, "questions": [{"kind": "scale", "text": "Workload?"}]}
    deps, console = deps_factory(configured(settings, changed))
    await tick(deps, START)
    (survey,) = await all_rows(deps, Survey)
    assert (survey.title, survey.hour, survey.created_at) == ("Team pulse", 11, START)
    assert [(q.kind, q.text) for q in await all_rows(deps, SurveyQuestion)] == [("scale", "Workload?")]

    clock.set(START + timedelta(hours=2))
    await tick(deps, clock.now())
    await answer(console, member("Apps", 1), "4")
    again = {**changed, "title": "Team pulse 2", "questions": QUESTIONS}
    deps, console = deps_factory(configured(settings, again))
    await tick(deps, clock.now())
    assert [s.title for s in await all_rows(deps, Survey)] == ["Team pulse 2"]
    assert [q.text for q in await all_rows(deps, SurveyQuestion)] == ["Workload?"]  # answered: kept

    deps, console = deps_factory(configured(settings))
    await tick(deps, clock.now())
    assert [s.active for s in await all_rows(deps, Survey)] == [False]


async def create(console, *answers: str, as_: str = ADMIN) -> str:
    out = await console.type("/pulse create", as_=as_)
    for line in answers:
        out += await console.type(line)
    return out


async def test_admins_create_a_survey_with_a_form(deps_factory, settings, tmp_path):
    settings = settings.model_copy(update={"org": settings.org.model_copy(update={"dependencies": {
        "Apps": ["Platform"]}})})
    deps, console = await setup(deps_factory, settings, tmp_path)
    out = await create(console)
    assert ("New pulse survey — /cancel to stop; end a line with \\ to write another line\n"
            "? Short name — lowercase letters, digits and dashes") in out
    out = ""
    for line in ["platform-service", "Platform service", "customers:platform", "1", "wednesday", "", "3",
                 "scale: How well does Platform support you?; choice: What matters most? | speed | docs | uptime"]:
        out = await console.type(line)
    assert "Survey platform-service created for customers of Platform. Round 1 opens on 2026-11-25 at 10:00 (UTC)." \
        in out
    survey = next(s for s in await all_rows(deps, Survey) if s.key == "platform-service")
    assert (survey.title, survey.audience, survey.every_weeks, survey.weekday, survey.hour, survey.open_days,
            survey.from_config, survey.active) == ("Platform service", "customers:Platform", 1, 2, 10, 3, False, True)
    assert [(q.kind, q.text, q.options) for q in survey.questions] == [
        ("scale", "How well does Platform support you?", []),
        ("choice", "What matters most?", ["speed", "docs", "uptime"])]
    out = await console.type("/pulse list", as_=member("Apps", 1))
    assert "Pulse surveys\n  platform-service  Platform service · customers of Platform · next round 2026-11-25" in out


async def test_the_create_form_says_what_is_wrong_and_writes_nothing(deps_factory, settings, tmp_path):
    settings = settings.model_copy(update={"org": settings.org.model_copy(update={"dependencies": {
        "Apps": ["Platform"]}})})
    deps, console = await setup(deps_factory, settings, tmp_path)
    await tick(deps, START)  # the configured team-health exists now
    out = await create(console, as_=member("Apps", 1))
    assert "⚠ Only admins can create and stop surveys." in out
    out = await create(console, "Bad Key", "", "A title", "team:Nope", "x", "someday", "", "25", "40", "scale How?")
    assert "  ⚠ Please answer this one.\n? Title\n" in out  # asked again at once
    assert "  ⚠ Answer with one of: Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday.\n" in out
    for message in ["Use lowercase letters, digits and dashes, starting with a letter, like platform-service.",
                    "There is no team Nope. Teams: Apps, Data, Design, Platform.",
                    "Give a number of weeks from 1 to 52.", "Give an hour from 0 to 23.",
                    "Give a number of days from 1 to 28, so a round closes before the next one opens.",
                    "Question 1: start it with scale:, enps:, choice: or text:, like scale: How well does Platform "
                    "support you?"]:
        assert f"  ⚠ {message}\n" in out
    cases = [
        ("team-health", "everyone", "1", "8", "scale: Ok?", "There is already a survey team-health."),
        ("new", "customers:Apps", "", "", "scale: Ok?", "No team depends on Apps, so it has no internal customers."),
        ("new", "people", "", "", "scale: Ok?", "Write everyone, team:NAME or customers:NAME, like team:Platform."),
        ("new", "everyone", "1", "8", "scale: Ok?", "Give a number of days from 1 to 7, so a round closes"),
        ("new", "everyone", "", "", ";", "Add at least one question, like scale: How well does Platform support you?"),
        ("new", "everyone", "", "", "scale: Ok?; choice: Which? | only one",
         "Question 2: a choice question needs at least two options, like choice: Which day? | Monday | Friday"),
        ("new", "everyone", "", "", "text: Why? | a | b", "Question 1: only choice questions have options (after |)."),
        ("new", "everyone", "", "", "enps:", "Question 1: the question is missing after enps:"),
        ("new", "everyone", "", "", "poll: Why?", "Question 1: start it with scale:, enps:, choice: or text:"),
    ]
    for key, audience, every, days, questions, message in cases:
        out = await create(console, key, "A title", audience, every, "", "", days, questions)
        assert "⚠ Some answers need another look." in out and f"  ⚠ {message}" in out, (message, out)
    out = await console.type("/pulse create now", as_=ADMIN)
    assert "⚠ Type just /pulse create; I ask for the rest." in out
    assert [s.key for s in await all_rows(deps, Survey)] == ["team-health"]
    assert await count(deps, SurveyQuestion) == 4


async def test_rounds_open_on_the_survey_schedule(deps_factory, settings, tmp_path):
    deps, _ = await setup(deps_factory, settings, tmp_path)
    assert (await tick(deps, START))["pulse.invite"] == 0  # 09:00: synced, nothing open yet
    assert await all_rows(deps, SurveyRound) == []
    assert (await tick(deps, OPEN))["pulse.invite"] == 21  # everyone: admin, 4 leads, 16 members
    (rnd,) = await all_rows(deps, SurveyRound)
    assert (rnd.number, rnd.opens_at, rnd.closes_at, rnd.invited) == (1, OPEN, CLOSE, 21)
    assert await count(deps, SurveyParticipation, SurveyParticipation.answered.is_(False)) == 21
    for later in (CLOSE, OPEN + timedelta(weeks=1), OPEN + timedelta(weeks=2) - timedelta(minutes=1)):
        assert not (await tick(deps, later))["pulse.invite"]
    assert (await tick(deps, OPEN + timedelta(weeks=2)))["pulse.invite"] == 21
    assert [(r.number, r.opens_at, r.closes_at) for r in await all_rows(deps, SurveyRound)] == [
        (1, OPEN, CLOSE), (2, OPEN + timedelta(weeks=2), CLOSE + timedelta(weeks=2))]


async def test_rounds_follow_the_organisations_wall_clock_across_dst(deps_factory, settings, tmp_path, clock):
    settings = settings.model_copy(update={"org": settings.org.model_copy(update={
        "default_timezone": "Europe/Stockholm"})})
    deps, _ = await setup(deps_factory, settings, tmp_path, {**SURVEY, "every_weeks": 1})
    monday = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)  # 09:00 CET; DST starts on Sunday 28 March
    await tick(deps, monday)
    await tick(deps, monday + timedelta(hours=1))  # 10:00 CET
    await tick(deps, monday + timedelta(days=7))  # 10:00 CEST, one hour earlier in UTC
    assert [(r.number, r.opens_at, r.closes_at) for r in await all_rows(deps, SurveyRound)] == [
        (1, datetime(2027, 3, 22, 9, tzinfo=UTC), datetime(2027, 3, 26, 9, tzinfo=UTC)),
        (2, datetime(2027, 3, 29, 8, tzinfo=UTC), datetime(2027, 4, 2, 8, tzinfo=UTC))]


async def test_invitations_go_out_once_across_repeated_late_and_concurrent_ticks(deps_factory, settings, tmp_path):
    deps, console = await setup(deps_factory, settings, tmp_path)
    await tick(deps, START)
    late = OPEN + timedelta(days=1)  # the bot was down when the round opened
    await asyncio.gather(run_due(deps, late), run_due(deps, late))  # two bot processes on one database
    await tick(deps, late)
    await tick(deps, late + timedelta(minutes=1))
    invites = [d for d in await all_rows(deps, Delivery) if d.kind == "pulse.invite"]
    assert len(invites) == 21 and len({d.recipient_id for d in invites}) == 21
    assert {d.status for d in invites} == {"sent"}
    assert await count(deps, SurveyRound) == 1
    assert await count(deps, SurveyParticipation) == 21
    out = console.out.getvalue()
    assert out.count("→ apps1@example.com: New survey: Team health\n"
                     "  4 short questions, open until 2026-11-27.\n"
                     "  Your answers are anonymous: they are stored without your name, and results are shown only "
                     "for groups of at least 5 people.\n  [Answer: /pulse answer 1]") == 1
    assert not (await tick(deps, CLOSE + timedelta(days=3)))["pulse.invite"]  # nothing between rounds


async def test_a_round_missed_entirely_is_skipped(deps_factory, settings, tmp_path):
    deps, _ = await setup(deps_factory, settings, tmp_path)
    await tick(deps, START)
    await tick(deps, CLOSE + timedelta(hours=1))
    assert await all_rows(deps, SurveyRound) == []
    await tick(deps, OPEN + timedelta(weeks=2))
    assert [r.number for r in await all_rows(deps, SurveyRound)] == [2]


async def test_one_reminder_at_half_time_to_those_who_have_not_answered(deps_factory, settings, tmp_path, clock):
    deps, console = await setup(deps_factory, settings, tmp_path, {**SURVEY, "audience": "team:Apps"})
    await tick(deps, START)
    assert (await tick(deps, OPEN))["pulse.invite"] == 6
    clock.set(OPEN + timedelta(hours=3))
    await answer(console, member("Apps", 1), "4", "9", "1", "")
    await answer(console, member("Apps", 2), "3", "7", "2", "")
    assert not (await tick(deps, HALF - timedelta(minutes=1)))["pulse.reminder"]
    assert (await tick(deps, HALF))["pulse.reminder"] == 4
    assert not (await tick(deps, HALF + timedelta(hours=1)))["pulse.reminder"]
    reminded = {d.recipient_id for d in await all_rows(deps, Delivery) if d.kind == "pulse.reminder"}
    async with deps.uow() as uow:
        assert reminded == {(await uow.people.by_email(member("Apps", n))).id for n in range(3, 7)}
    assert "→ apps3@example.com: A reminder: the survey Team health is open until 2026-11-27" in console.out.getvalue()
    assert not (await tick(deps, CLOSE))["pulse.reminder"]


async def test_people_away_are_invited_when_they_are_back_and_not_reminded_at_once(deps_factory, settings, tmp_path,
                                                                                  clock):
    deps, console = await setup(deps_factory, settings, tmp_path, {**SURVEY, "audience": "team:Apps"})
    await console.type("/away until 2026-11-25", as_=member("Apps", 1))
    await tick(deps, START)
    assert (await tick(deps, OPEN))["pulse.invite"] == 5
    assert (await tick(deps, HALF))["pulse.reminder"] == 5  # Wednesday the 25th: still away
    back = await tick(deps, HALF + timedelta(days=1))
    assert (back["pulse.invite"], back["pulse.reminder"]) == (1, 0)
    assert not (await tick(deps, HALF + timedelta(days=1, hours=1)))["pulse.reminder"]
    assert await count(deps, SurveyRound, SurveyRound.invited == 6) == 1  # asked all along: it counts in the rate


async def test_answering_stores_anonymous_rows_and_marks_participation(deps_factory, settings, tmp_path, clock):
    deps, console = await setup(deps_factory, settings, tmp_path)
    await tick(deps, START)
    await tick(deps, OPEN)
    clock.set(OPEN + timedelta(hours=1))
    out = await console.type("/pulse", as_=member("Apps", 1))
    assert "Surveys waiting for you\nTeam health — open until 2026-11-27\n[Answer: /pulse answer 1]" in out
    out = await console.type("/pulse answer 1")
    assert ("Team health\nYour answers are anonymous: they are stored without your name, and results are shown only "
            "for groups of at least 5 people, after the survey closes on 2026-11-27.\nTeam health — /cancel to stop; "
            "end a line with \\ to write another line\n"
            "? How is your workload? (1, 2, 3, 4, 5) — 1 = not at all, 5 = completely") in out
    assert "? How likely would you recommend us? (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10) — 0 = not at all likely, 10 = " \
           "extremely likely" in await console.type("4")
    assert "? Best day for demos? (1 Tuesday, 2 Thursday)" in await console.type("9")
    assert "? Anything else? — optional; comments are shown only when at least 10 people answer" in \
        await console.type("2")
    out = await console.type("More demos please")
    assert ("Thank you — your answers to Team health are saved. Your answers are anonymous: they are stored without "
            "your name, and results are shown only for groups of at least 5 people.") in out
    assert await count(deps, SurveyAnswer) == 0  # sealed until the round closes
    [sealed] = await all_rows(deps, SurveySubmission)
    assert sealed.round_id == 1 and "More demos" not in sealed.sealed
    async with deps.uow() as uow:
        me = await uow.people.by_email(member("Apps", 1))
        assert (await uow.surveys.participation(1, me.id)).answered is True
    assert await count(deps, SurveyParticipation, SurveyParticipation.answered.is_(True)) == 1
    out = await console.type("/pulse", as_=member("Apps", 1))
    assert "No survey is waiting for you. /pulse list lists all surveys." in out
    await answer(console, member("Design", 1), "5", "10", "Tuesday", "")  # a choice by its text; no comment
    await answer_round(console, [member("Apps", n) for n in range(2, 6)], [1] * 4, [0] * 4, ["1"] * 4)
    await answer_round(console, [member("Design", 2), member("Design", 3), member("Data", 1), member("Data", 2)],
                       [3] * 4, [7] * 4, ["1"] * 4)
    assert await count(deps, SurveyAnswer) == 0
    await tick(deps, CLOSE)  # the round closes: its sealed submissions become answer rows
    assert await count(deps, SurveySubmission) == 0
    answers = await all_rows(deps, SurveyAnswer)
    apps = [(a.score, a.choice, a.text) for a in answers if a.group_name == "Apps"]
    mine = [(4, None, None), (9, None, None), (None, "Thursday", None), (None, None, "More demos please")]
    assert len(apps) == 5 * 4 and all(row in apps for row in mine)
    others = [(a.score, a.choice, a.text) for a in answers if a.group_name is None]  # Design and Data: too small
    assert len(others) == 5 * 4 and all(row in others for row in [(5, None, None), (10, None, None),
                                                                  (None, "Tuesday", None), (None, None, None)])


async def test_every_refusal_when_answering(deps_factory, settings, tmp_path, clock):
    deps, console = await setup(deps_factory, settings, tmp_path, {**SURVEY, "audience": "team:Apps"})
    await tick(deps, START)
    await tick(deps, OPEN)
    clock.set(OPEN + timedelta(hours=1))
    out = await answer(console, member("Apps", 1), "0", "4", "11", "9", "3", "1", "x" * 2001)
    for message, question in (("Answer with one of: 1, 2, 3, 4, 5.", "? How is your workload?"),
                              ("Answer with one of: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10.", "? How likely"),
                              ("Answer with one of: Tuesday, Thursday.", "? Best day for demos?")):
        assert f"  ⚠ {message}\n{question}" in out  # asked again at once
    assert "⚠ Some answers need another look.\n  ⚠ Please keep it under 2000 characters.\n? Anything else?" in out
    assert await count(deps, SurveyAnswer) == 0
    await console.type("/cancel")
    out = await console.type("/pulse submit 1", as_=member("Apps", 1))
    assert "⚠ Some answers need another look." in out and "⚠ Please answer this one." in out
    assert await count(deps, SurveyAnswer) == 0
    await answer(console, member("Apps", 1), "3", "8", "1", "")
    for line in ("/pulse answer 1", "/pulse submit 1"):
        out = await console.type(line, as_=member("Apps", 1))
        assert "⚠ You have already answered this survey — thank you. Results appear after it closes on 2026-11-27." \
            in out
    out = await console.type("/pulse answer 1", as_=member("Design", 1))
    assert "⚠ You were not asked to answer this survey. /pulse lists the ones waiting for you." in out
    assert "⚠ You were not asked" in await console.type("/pulse answer 99", as_=member("Design", 1))
    assert "⚠ Which survey? /pulse lists the ones waiting for you." in await console.type("/pulse answer x")
    out = await console.type("/pulse answer 1", as_=member("Apps", 2))
    clock.set(CLOSE)
    out = await console.type("3")
    for line in ("8", "1", "late"):
        out += await console.type(line)
    assert "⚠ This survey closed on 2026-11-27; answers are no longer taken." in out
    assert await count(deps, SurveySubmission) == 1
    assert await count(deps, SurveyParticipation, SurveyParticipation.answered.is_(True)) == 1
    out = await console.type("/pulse vote", as_=member("Apps", 2))
    assert "⚠ I don't know /pulse vote. Try /pulse, /pulse list or /pulse results." in out


async def answer_round(console, emails: list[str], scores: list[int], nps: list[int], choices: list[str],
                       comments: list[str] | None = None, round_id: int = 1) -> None:
    for n, email in enumerate(emails):
        comment = comments[n] if comments else ""
        out = await answer(console, email, str(scores[n]), str(nps[n]), choices[n], comment, round_id=round_id)
        assert "Thank you" in out, out


async def test_results_wait_for_the_close_and_show_rate_average_distribution_enps_and_choices(
        deps_factory, settings, tmp_path, clock):
    deps, console = await setup(deps_factory, settings, tmp_path)
    await tick(deps, START)
    await tick(deps, OPEN)
    clock.set(OPEN + timedelta(hours=1))
    apps = [member("Apps", n) for n in range(1, 7)]
    await answer_round(console, apps, [5, 4, 4, 3, 2, 5], [10, 9, 8, 7, 6, 0], ["1", "2", "2", "1", "2", "2"])
    out = await console.type("/pulse results team-health", as_=ADMIN)
    assert "Pulse results: Team health\nResults appear when the round closes on 2026-11-27." in out
    assert "⚠ Survey results are shown to admins, and to managers for their own team." in await console.type(
        "/pulse results", as_=member("Apps", 1))
    clock.set(CLOSE)
    out = await console.type("/pulse results team-health", as_=ADMIN)
    assert ("Pulse results: Team health\nRound #1, closed on 2026-11-27.\nYou were asked in this round: a group that "
            "may include your own answer needs at least 6 respondents to be shown to you.\n6 of 21 answered (29%).\n"
            "  How is your workload?               average 3.8 · 1: 0 · 2: 1 · 3: 1 · 4: 2 · 5: 2\n"
            "  How likely would you recommend us?  eNPS +0 · promoters 33% · passives 33% · detractors 33%\n"
            "  Best day for demos?                 Tuesday: 2 · Thursday: 4\n"
            "Comments on “Anything else?” are shown when at least 11 people answer.\n") in out
    assert ("By team. Smaller groups are merged into “other teams” so that no group of fewer than 5 can be shown or "
            "worked out.\nApps: 6 answers\n  How is your workload?") in out
    out = await console.type("/pulse results team-health", as_=lead("Apps"))
    assert "Apps: 6 answers\n  How is your workload?               average 3.8" in out
    assert "of 21 answered" not in out and "By team" not in out
    out = await console.type("/pulse results nope", as_=ADMIN)
    assert "⚠ There is no survey nope. /pulse list lists them." in out


def test_average_and_enps_math():
    from collections import Counter
    assert average(Counter({1: 1, 5: 3})) == 4.0
    assert average(Counter({None: 2})) is None
    assert enps(Counter({10: 3, 9: 1, 8: 2, 7: 1, 6: 1, 0: 2})) == 10  # 4 promoters, 3 detractors of 10
    assert enps(Counter({0: 1})) == -100 and enps(Counter({9: 2})) == 100 and enps(Counter()) is None


async def test_the_trend_over_three_rounds(deps_factory, settings, tmp_path, clock):
    deps, console = await setup(deps_factory, settings, tmp_path, {**SURVEY, "audience": "team:Apps"})
    await tick(deps, START)
    apps = [member("Apps", n) for n in range(1, 7)]
    for number, (score, nps) in enumerate([(2, 5), (3, 8), (5, 10)], 1):
        opens = OPEN + timedelta(weeks=2 * (number - 1))
        await tick(deps, opens)
        clock.set(opens + timedelta(hours=1))
        await answer_round(console, apps[:5], [score] * 5, [nps] * 5, ["1"] * 5, round_id=number)
    clock.set(CLOSE + timedelta(weeks=4))
    (view,) = await views(deps, ADMIN, "/pulse results team-health")
    charts = [b for b in view.blocks if isinstance(b, Chart)]
    assert [(c.title, c.labels, c.series, c.low, c.high) for c in charts] == [
        ("Trend: average per round (1–5)", ["#1", "#2", "#3"], [("How is your workload?", [2.0, 3.0, 5.0])], 1, 5),
        ("Trend: eNPS per round", ["#1", "#2", "#3"], [("How likely would you recommend us?", [-100, 0, 100])],
         -100, 100)]
    out = await console.type("/pulse results team-health", as_=lead("Apps"))
    assert "Trend: average per round (1–5)\n  How is your workload?  ▃▅█  5.0" in out


async def test_customers_of_a_team_are_asked_and_the_team_manager_sees_the_whole(deps_factory, settings, tmp_path,
                                                                                 clock):
    settings = settings.model_copy(update={"org": settings.org.model_copy(update={"dependencies": {
        "Apps": ["Platform"], "Design": ["Platform", "Data"]}})})
    service = {**SURVEY, "key": "platform-service", "title": "Platform service", "audience": "customers:Platform"}
    deps, console = await setup(deps_factory, settings, tmp_path, service)
    await tick(deps, START)
    assert (await tick(deps, OPEN))["pulse.invite"] == 9  # Apps 6 + Design 3
    async with deps.uow() as uow:
        asked = {p.email for p in await uow.surveys.waiting(1, unsent="none")}
    assert asked == {member("Apps", n) for n in range(1, 7)} | {member("Design", n) for n in range(1, 4)}
    clock.set(OPEN + timedelta(hours=1))
    await answer_round(console, [member("Apps", n) for n in range(1, 6)], [4] * 5, [9] * 5, ["1"] * 5)
    out = await console.type("/pulse answer 1", as_=member("Platform", 1))
    assert "⚠ You were not asked to answer this survey." in out
    clock.set(CLOSE)
    out = await console.type("/pulse results", as_=lead("Platform"))
    assert "Pulse results: Platform service\nRound #1, closed on 2026-11-27.\n5 of 9 answered (56%).\n" in out
    out = await console.type("/pulse results", as_=lead("Apps"))
    assert "Apps: 5 answers" in out and "of 9 answered" not in out
    out = await console.type("/pulse results platform-service", as_=lead("Data"))
    assert "This survey does not ask your team, so there is nothing to show you." in out


async def test_list_and_stop(deps_factory, settings, tmp_path, clock):
    deps, console = await setup(deps_factory, settings, tmp_path)
    assert "No surveys yet. Admins create one with /pulse create." in await console.type("/pulse list", as_=ADMIN)
    await tick(deps, START)
    await tick(deps, OPEN)
    clock.set(OPEN)
    await create(console, "retro", "Retro", "team:Apps", "1", "friday", "16", "1", "text: What should change?")
    out = await console.type("/pulse list", as_=member("Data", 1))
    assert ("  retro        Retro · team Apps · next round 2026-11-27\n"
            "  team-health  Team health · everyone · round #1 open until 2026-11-27") in out
    assert "⚠ Only admins can create and stop surveys." in await console.type("/pulse stop retro")
    assert "⚠ Which survey? For example /pulse stop team-health" in await console.type("/pulse stop", as_=ADMIN)
    assert "⚠ There is no survey nope. /pulse list lists them." in await console.type("/pulse stop nope")
    assert "⚠ The survey team-health is defined in the configuration; remove it there to stop it." in \
        await console.type("/pulse stop team-health")
    out = await console.type("/pulse stop retro")
    assert "The survey retro is stopped: no new rounds. Past results stay available with /pulse results retro." in out
    assert "⚠ The survey retro is already stopped." in await console.type("/pulse stop retro")
    assert "retro        Retro · team Apps · stopped" in await console.type("/pulse list")
    await tick(deps, datetime(2026, 11, 27, 16, tzinfo=UTC))
    assert [r.survey_id for r in await all_rows(deps, SurveyRound)] == [1]


async def test_help_lists_the_commands(console):
    out = await console.type("/pulse help", as_=ADMIN)
    assert "/pulse results team-health — the last closed round: for admins, and for managers their own team" in out


def scope_for(deps, uow, reader, people, teams, end, org_wide=False) -> DigestScope:
    return DigestScope(deps=deps, uow=uow, t=deps.catalogs.translator("en"), reader=reader, people=people,
                       team_names=teams, start=end - timedelta(days=7), end=end, org_wide=org_wide)


async def test_digest_section_for_managers_and_admins(deps_factory, settings, tmp_path, clock):
    deps, console = await setup(deps_factory, settings, tmp_path)
    await tick(deps, START)
    await tick(deps, OPEN)
    clock.set(OPEN + timedelta(hours=1))
    await answer_round(console, [member("Apps", n) for n in range(1, 7)], [4] * 6, [9] * 6, ["1"] * 6)
    await answer_round(console, [member("Platform", n) for n in range(1, 6)], [2] * 5, [3] * 5, ["2"] * 5)
    await tick(deps, CLOSE)  # as the digest's own tick does first: the closed round is published
    async with deps.uow() as uow:
        admin, apps_lead = await uow.people.by_email(ADMIN), await uow.people.by_email(lead("Apps"))
        before = scope_for(deps, uow, apps_lead, [], ["Apps"], CLOSE - timedelta(minutes=1))
        assert await digest_section(before) == []  # the round is still open
        manager = scope_for(deps, uow, apps_lead, [], ["Apps"], CLOSE + timedelta(days=3))
        org = scope_for(deps, uow, admin, [], ["Apps", "Platform"], CLOSE + timedelta(days=3), org_wide=True)
        small = scope_for(deps, uow, admin, [], ["Data"], CLOSE + timedelta(days=3))
        blocks, org_blocks, nothing = await digest_batch([manager, org, small])
    assert blocks[0].text == "Pulse Team health, round #1, team Apps: 6 answers"
    assert isinstance(blocks[1], Fields) and blocks[1].fields[0] == (
        "How is your workload?", "average 4.0 · 1: 0 · 2: 0 · 3: 0 · 4: 6 · 5: 0")
    assert org_blocks[0].text == "Pulse Team health, round #1: 11 answers"
    assert org_blocks[1].fields[1] == ("How likely would you recommend us?",
                                       "eNPS +9 · promoters 55% · passives 0% · detractors 45%")
    assert nothing == []


async def test_worded_results_are_kept_between_batches_until_an_admin_edits_a_text(deps_factory, settings,
                                                                                    tmp_path, clock):
    """A published round's slices and series are put into words once a process, and never outlive their texts."""
    deps, console = await setup(deps_factory, settings, tmp_path)
    await tick(deps, START)
    await tick(deps, OPEN)
    clock.set(OPEN + timedelta(hours=1))
    await answer_round(console, [member("Apps", n) for n in range(1, 7)], [4] * 6, [9] * 6, ["1"] * 6)
    await tick(deps, CLOSE)  # published, and committed: final

    async def batch() -> tuple[list, list]:
        async with deps.uow() as uow:
            apps_lead = await uow.people.by_email(lead("Apps"))
            scope = scope_for(deps, uow, apps_lead, [], ["Apps"], CLOSE + timedelta(days=3))
            return (await digest_batch([scope]))[0], (await digest_series([scope]))[0]

    blocks, series = await batch()
    again, series_again = await batch()
    assert again[0] is blocks[0] and series_again[0] is series[0]  # kept: not worded again
    async with deps.uow() as uow:
        survey = (await uow.surveys.listing())[0]
        survey.title = "Team pulse"
        survey.questions[0].text = "How is your load?"
    edited, series_edited = await batch()
    assert blocks[0].text == "Pulse Team health, round #1, team Apps: 6 answers"
    assert edited[0].text == "Pulse Team pulse, round #1, team Apps: 6 answers"
    assert edited[1].fields[0] == ("How is your load?", "average 4.0 · 1: 0 · 2: 0 · 3: 0 · 4: 6 · 5: 0")
    assert [s.name for s in series] == ["Pulse Team health: How is your workload? (team Apps)"]
    assert [s.name for s in series_edited] == ["Pulse Team pulse: How is your load? (team Apps)"]


async def test_weekday_and_dates_in_the_form_use_the_organisation_zone(deps_factory, settings, tmp_path):
    settings = settings.model_copy(update={"org": settings.org.model_copy(update={
        "default_timezone": "Asia/Shanghai"})})
    _, console = await setup(deps_factory, settings, tmp_path)
    out = await create(console, "late-news", "Late", "everyone", "", "monday", "8", "", "scale: Fine?")
    # 2026-11-23 09:00 UTC is 17:00 in Shanghai: Monday 08:00 has passed, so round 1 is next Monday.
    assert "Round 1 opens on 2026-11-30 at 08:00 (Asia/Shanghai)." in out
    assert date(2026, 11, 30).weekday() == 0


async def test_odd_digits_and_huge_round_numbers_are_refused_politely(console):
    await console.people("ana@example.com")
    for line in ("/pulse answer ²", "/pulse answer 99999999999", "/pulse answer #12"):
        out = await console.type(line, as_="ana@example.com")
        assert out.startswith("⚠ "), line


async def test_a_survey_whose_audience_can_never_be_shown_is_refused_with_the_reason(deps_factory, settings,
                                                                                     tmp_path):
    deps, console = await setup(deps_factory, settings, tmp_path)
    out = await create(console, "design-retro", "Retro", "team:Design", "", "", "", "", "text: What should change?")
    assert "  ⚠ team Design reaches 3, fewer than the anonymity threshold of 5 people: no result could ever be " \
           "shown. Ask a larger group, like everyone.\n" in out
    assert [s.key for s in await all_rows(deps, Survey)] == []
    out = await create(console, "platform-retro", "Retro", "team:Platform", "", "", "", "", "text: Change?")
    assert "Survey platform-retro created for team Platform." in out  # 5 people: exactly enough


async def test_survey_hours_are_in_the_creating_admins_zone_and_the_form_says_so(deps_factory, settings, tmp_path):
    deps, console = await setup(deps_factory, settings, tmp_path)
    (tmp_path / "admin.csv").write_text(f"email,name,timezone\n{ADMIN},Admin,America/New_York\n", encoding="utf-8")
    await import_people(deps, tmp_path / "admin.csv")
    out = await create(console, "ny-pulse", "NY pulse", "everyone", "1", "tuesday", "9", "", "scale: Fine?")
    assert "At which hour, in your time zone (America/New_York)?" in out
    assert "Round 1 opens on 2026-11-24 at 09:00 (America/New_York)." in out
    (survey,) = [s for s in await all_rows(deps, Survey) if s.key == "ny-pulse"]
    assert survey.timezone == "America/New_York"
    assert (await tick(deps, datetime(2026, 11, 24, 14, 0, tzinfo=UTC)))["pulse.invite"] == 21  # 09:00 EST
