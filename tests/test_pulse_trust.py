"""Pulse promises under attack: a threshold lowered after the invitations went out, a manager whose report carries
another team's label (a matrix team), a manager counted in their own team's slice, and results read between a round's
close and the next tick."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, update

from bot.pulse.counted import tallied
from bot.pulse.report import digest_batch
from bot.rhythm.scheduler import tick
from storage.models import SurveyAnswer, SurveyRound, SurveySubmission
from tests.conftest import START
from tests.test_pulse import (
    ADMIN,
    CLOSE,
    HALF,
    OPEN,
    SURVEY,
    all_rows,
    answer_round,
    configured,
    lead,
    member,
    scope_for,
    setup,
)

APPS = [member("Apps", n) for n in range(1, 7)]
DESIGN = [member("Design", n) for n in range(1, 4)]


async def test_a_round_keeps_the_threshold_its_invitation_promised(deps_factory, settings, tmp_path, clock):
    deps, console = await setup(deps_factory, settings, tmp_path, anonymity_threshold=5)
    await tick(deps, START)
    await tick(deps, OPEN)
    assert "results are shown only for groups of at least 5 people" in console.out.getvalue()
    assert [r.anonymity_threshold for r in await all_rows(deps, SurveyRound)] == [5]
    # The admin lowers the threshold to 3 while the round is open: the same database, a new configuration.
    lowered, console = deps_factory(configured(settings, SURVEY, anonymity_threshold=3))
    await tick(lowered, HALF)
    assert "Your answers are anonymous: they are stored without your name, and results are shown only for groups " \
        "of at least 5 people." in console.out.getvalue()  # the reminders repeat the promise, not the new value
    clock.set(OPEN + timedelta(hours=1))
    await answer_round(console, APPS[:4], [5, 4, 2, 1], [10, 9, 3, 0], ["1", "2", "1", "2"])
    clock.set(CLOSE)
    out = await console.type("/pulse results team-health", as_=ADMIN)  # asked too: one more for them (6)
    assert "Too few answers to show (fewer than 6)." in out
    assert "4 of 21 answered" not in out and "average" not in out and "Apps: 4" not in out
    out = await console.type("/pulse results team-health", as_=lead("Apps"))
    assert "Apps: not enough answers to show (fewer than 5)." in out and "average" not in out
    async with lowered.uow() as uow:
        admin, apps_lead = await uow.people.by_email(ADMIN), await uow.people.by_email(lead("Apps"))
        end = CLOSE + timedelta(days=3)
        assert await digest_batch([scope_for(lowered, uow, admin, [], [], end, org_wide=True),
                                   scope_for(lowered, uow, apps_lead, [], ["Apps"], end)]) == [[], []]
    # Fewer than the round's 5: published as nothing at all, for no reader could ever be shown them.
    assert await all_rows(lowered, SurveyAnswer) == [] and await all_rows(lowered, SurveySubmission) == []


async def test_a_round_opened_before_thresholds_were_kept_uses_the_configured_one(deps_factory, settings, tmp_path,
                                                                                   clock):
    deps, console = await setup(deps_factory, settings, tmp_path, anonymity_threshold=3)
    await tick(deps, START)
    await tick(deps, OPEN)
    async with deps.uow() as uow:
        await uow.session.execute(update(SurveyRound).values(anonymity_threshold=None))
    clock.set(OPEN + timedelta(hours=1))
    await answer_round(console, APPS[:4], [5, 4, 2, 1], [10, 9, 3, 0], ["1", "2", "1", "2"])
    clock.set(CLOSE)
    out = await console.type("/pulse results team-health", as_=ADMIN)
    assert "4 of 21 answered (19%)." in out and "Apps: 4 answers" in out


async def test_the_answer_form_and_the_thank_you_quote_the_rounds_threshold_not_the_lowered_one(
        deps_factory, settings, tmp_path, clock):
    """Before: the form and the thank-you quoted the configuration (3) while the round's results keep to 5."""
    deps, _ = await setup(deps_factory, settings, tmp_path, anonymity_threshold=5)
    await tick(deps, START)
    await tick(deps, OPEN)
    _, console = deps_factory(configured(settings, SURVEY, anonymity_threshold=3))
    clock.set(OPEN + timedelta(hours=1))
    out = await console.type("/pulse answer 1", as_=APPS[0])
    assert "results are shown only for groups of at least 5 people, after the survey closes on 2026-11-27." in out
    for line in ("4", "9", "1"):
        out = await console.type(line)
    out = await console.type("")
    assert "Thank you — your answers to Team health are saved." in out
    assert "results are shown only for groups of at least 5 people." in out and "at least 3" not in out


async def test_raising_the_threshold_later_applies_at_once(deps_factory, settings, tmp_path, clock):
    deps, console = await setup(deps_factory, settings, tmp_path, anonymity_threshold=3)
    await tick(deps, START)
    await tick(deps, OPEN)
    clock.set(OPEN + timedelta(hours=1))
    await answer_round(console, APPS[:4], [5, 4, 2, 1], [10, 9, 3, 0], ["1", "2", "1", "2"])
    clock.set(CLOSE)
    assert "Apps: 4 answers" in await console.type("/pulse results team-health", as_=lead("Apps"))  # published at 3
    _, console = deps_factory(configured(settings, SURVEY, anonymity_threshold=5))
    out = await console.type("/pulse results team-health", as_=lead("Apps"))
    assert "Apps: not enough answers to show (fewer than 5)." in out and "average" not in out


async def matrix_org(deps_factory, settings, tmp_path, survey: dict):
    """Design 3 moves to the Apps lead but keeps the Design label: the Apps lead's report carries another team's
    label, and the Design team now holds someone who does not report to the Design lead."""
    deps, console = await setup(deps_factory, settings, tmp_path, survey, anonymity_threshold=3, comment_threshold=3)
    async with deps.uow() as uow:
        moved, apps_lead = await uow.people.by_email(DESIGN[2]), await uow.people.by_email(lead("Apps"))
        moved.manager_id = apps_lead.id
    await tick(deps, START)
    await tick(deps, OPEN)
    return deps, console, [f"Design comment {n}" for n in range(1, 4)]


async def test_a_matrix_manager_sees_no_slice_holding_people_who_do_not_report_to_them(deps_factory, settings,
                                                                                       tmp_path, clock):
    """Before: the Apps lead saw "Design: 3 answers" with its averages — two of those three are the Design lead's
    people — and the Design lead saw a slice holding the Apps lead's report. After: neither; the admin still does."""
    deps, console, _ = await matrix_org(deps_factory, settings, tmp_path, SURVEY)
    clock.set(OPEN + timedelta(hours=1))
    await answer_round(console, APPS, [4] * 6, [9] * 6, ["1"] * 6)
    await answer_round(console, DESIGN, [1, 1, 2], [0, 0, 1], ["2"] * 3)
    clock.set(CLOSE)
    out = await console.type("/pulse results team-health", as_=lead("Apps"))
    assert "Apps: 6 answers\n  How is your workload?               average 4.0" in out  # all six are theirs
    assert "Design: 3 answers" not in out and "average 1.3" not in out
    assert "Design: not shown to you, because it includes people who do not report to you. Admins see it." in out
    out = await console.type("/pulse results team-health", as_=lead("Design"))
    assert "Design: 3 answers" not in out and "average 1.3" not in out
    assert "Design: not shown to you, because it includes people who do not report to you." in out
    assert "Design: 3 answers\n  How is your workload?               average 1.3" in await console.type(
        "/pulse results team-health", as_=ADMIN)
    async with deps.uow() as uow:
        apps_lead, design_lead = await uow.people.by_email(lead("Apps")), await uow.people.by_email(lead("Design"))
        end = CLOSE + timedelta(days=3)
        apps, design = await digest_batch([scope_for(deps, uow, apps_lead, [], ["Apps", "Design"], end),
                                           scope_for(deps, uow, design_lead, [], ["Design"], end)])
    assert [b.text for b in apps if hasattr(b, "text")] == ["Pulse Team health, round #1, team Apps: 6 answers"]
    assert design == []


async def test_a_matrix_report_does_not_open_another_teams_survey_and_its_comments(deps_factory, settings, tmp_path,
                                                                                   clock):
    """Before: a survey of the Design team was "about" the Apps lead's teams, so they got it whole — response
    count, scores and every comment, two of three written by people who do not report to them."""
    design_survey = {**SURVEY, "key": "design-retro", "title": "Design retro", "audience": "team:Design"}
    _, console, comments = await matrix_org(deps_factory, settings, tmp_path, design_survey)
    clock.set(OPEN + timedelta(hours=1))
    await answer_round(console, DESIGN, [1, 1, 2], [0, 0, 1], ["2"] * 3, comments)
    clock.set(CLOSE)
    out = await console.type("/pulse results design-retro", as_=lead("Apps"))
    assert "3 of 3 answered" not in out and all(comment not in out for comment in comments)
    assert "Design: not shown to you, because it includes people who do not report to you." in out
    out = await console.type("/pulse results design-retro", as_=ADMIN)
    assert "3 of 3 answered (100%)." in out and all(f"“{comment}”" in out for comment in comments)


async def test_a_digest_read_before_the_next_tick_publishes_the_round_that_just_closed(deps_factory, settings,
                                                                                       tmp_path, clock):
    """Before: a /digest in the minute between a round's close and the next tick showed nothing of that round (its
    answers were still sealed); only /pulse results published first."""
    deps, console = await setup(deps_factory, settings, tmp_path)
    await tick(deps, START)
    await tick(deps, OPEN)
    clock.set(OPEN + timedelta(hours=1))
    await answer_round(console, APPS, [4] * 6, [9] * 6, ["1"] * 6)
    await answer_round(console, [member("Platform", n) for n in range(1, 6)], [2] * 5, [3] * 5, ["2"] * 5)
    clock.set(CLOSE + timedelta(seconds=30))  # closed; the scheduler has not ticked since
    assert len(await all_rows(deps, SurveySubmission)) == 11 and await all_rows(deps, SurveyAnswer) == []
    out = await console.type("/digest", as_=lead("Apps"))
    assert "Pulse Team health, round #1, team Apps: 6 answers" in out
    assert await all_rows(deps, SurveySubmission) == [] and len(await all_rows(deps, SurveyAnswer)) == 11 * 4
    assert "Pulse Team health, round #1: 11 answers" in await console.type("/digest org", as_=ADMIN)


async def test_answers_are_never_published_in_the_transaction_that_marks_someone_as_having_answered(
        deps_factory, settings, tmp_path, clock):
    deps, console = await setup(deps_factory, settings, tmp_path)
    await tick(deps, START)
    await tick(deps, OPEN)
    clock.set(OPEN + timedelta(hours=1))
    await answer_round(console, APPS, [4] * 6, [9] * 6, ["1"] * 6)
    clock.set(CLOSE)
    with pytest.raises(RuntimeError, match="never published in a transaction that marks someone as having answered"):
        async with deps.uow() as uow:
            platform = await uow.people.by_email(member("Platform", 1))
            assert await uow.surveys.mark_answered(1, platform.id)
            await tallied(deps, uow, [await uow.surveys.round(1)], [])
    assert await all_rows(deps, SurveyAnswer) == [] and len(await all_rows(deps, SurveySubmission)) == 6


async def own_label_org(deps_factory, settings, tmp_path):
    """The Apps lead carries the Apps label: their own answer is in their team's slice, and they know it."""
    deps, console = await setup(deps_factory, settings, tmp_path)
    async with deps.uow() as uow:
        apps_lead, apps1 = await uow.people.by_email(lead("Apps")), await uow.people.by_email(APPS[0])
        apps_lead.team_id = apps1.team_id
    await tick(deps, START)
    await tick(deps, OPEN)
    return deps, console


async def test_a_manager_in_their_own_teams_slice_needs_one_more_respondent(deps_factory, settings, tmp_path, clock):
    """The attack: the Apps lead answers 1 where four of their people answer 5. Before, they saw "Apps: 5 answers,
    average 4.2", took their own 1 out and knew the four others' answers exactly: a group of four, below the
    threshold of five. Now their slice needs six for them; the admin, not in it, still sees it at five."""
    deps, console = await own_label_org(deps_factory, settings, tmp_path)
    clock.set(OPEN + timedelta(hours=1))
    await answer_round(console, [lead("Apps"), *APPS[:4]], [1, 5, 5, 5, 5], [0, 10, 10, 10, 10], ["1"] * 5)
    await answer_round(console, [member("Platform", n) for n in range(1, 6)], [3] * 5, [7] * 5, ["2"] * 5)
    clock.set(CLOSE)
    out = await console.type("/pulse results team-health", as_=lead("Apps"))
    assert "Apps: not enough answers to show (fewer than 6)." in out
    assert "Apps: 5 answers" not in out and "average 4.2" not in out
    assert "You were asked in this round: a group that may include your own answer needs at least 6 respondents" in out
    out = await console.type("/pulse results team-health", as_=ADMIN)
    assert "Apps: 5 answers\n  How is your workload?               average 4.2" in out
    async with deps.uow() as uow:
        apps_lead, platform_lead = await uow.people.by_email(lead("Apps")), await uow.people.by_email(lead("Platform"))
        end = CLOSE + timedelta(days=3)
        apps, platform = await digest_batch([scope_for(deps, uow, apps_lead, [], ["Apps"], end),
                                             scope_for(deps, uow, platform_lead, [], ["Platform"], end)])
    assert apps == []  # the digest keeps to the same rule
    assert [b.text for b in platform if hasattr(b, "text")] == ["Pulse Team health, round #1, team Platform: 5 answers"]


async def test_with_one_more_respondent_a_managers_own_slice_shows(deps_factory, settings, tmp_path, clock):
    deps, console = await own_label_org(deps_factory, settings, tmp_path)
    clock.set(OPEN + timedelta(hours=1))
    await answer_round(console, [lead("Apps"), *APPS[:5]], [1, 5, 5, 5, 5, 5], [0, 10, 10, 10, 10, 10], ["1"] * 6)
    clock.set(CLOSE)
    assert "Apps: 6 answers\n  How is your workload?               average 4.3" in await console.type(
        "/pulse results team-health", as_=lead("Apps"))
    async with deps.uow() as uow:
        apps_lead = await uow.people.by_email(lead("Apps"))
        [apps] = await digest_batch([scope_for(deps, uow, apps_lead, [], ["Apps"], CLOSE + timedelta(days=3))])
    assert [b.text for b in apps if hasattr(b, "text")] == ["Pulse Team health, round #1, team Apps: 6 answers"]


async def test_a_digest_batch_asks_who_was_asked_once_for_all_its_readers(deps_factory, settings, tmp_path, clock,
                                                                          database):
    """Set-based: as many statements for every manager's digest as for one."""
    deps, console = await own_label_org(deps_factory, settings, tmp_path)
    clock.set(OPEN + timedelta(hours=1))
    await answer_round(console, [lead("Apps"), *APPS[:5]], [4] * 6, [9] * 6, ["1"] * 6)
    clock.set(CLOSE)
    await tick(deps, CLOSE)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    async def batch(leads: list[str]) -> list[list]:
        async with deps.uow() as uow:
            scopes = [scope_for(deps, uow, await uow.people.by_email(lead(team)), [], [team], CLOSE + timedelta(days=3))
                      for team in leads]
            statements.clear()
            event.listen(database.engine.sync_engine, "before_cursor_execute", count)
            try:
                return await digest_batch(scopes)
            finally:
                event.remove(database.engine.sync_engine, "before_cursor_execute", count)

    await batch(["Apps"])
    assert sum(1 for s in statements if "survey_tallies" in s) == 2  # the round's tallies, read once a process
    await batch(["Apps"])
    one = len(statements)
    sections = await batch(["Apps", "Platform", "Design", "Data"])
    assert not any("survey_tallies" in s for s in statements)
    assert len(statements) == one and sum(1 for s in statements if "survey_participation" in s) == 1
    assert [b.text for b in sections[0] if hasattr(b, "text")] == ["Pulse Team health, round #1, team Apps: 6 answers"]


async def test_a_digest_alone_reads_its_own_teams_only_and_shows_what_the_batch_shows(deps_factory, settings,
                                                                                     tmp_path, clock, monkeypatch):
    """A `/digest` or a dashboard page reads the members of its reader's teams only; what it shows is what the same
    reader's digest shows in a batch that reads every team."""
    deps, console = await own_label_org(deps_factory, settings, tmp_path)
    clock.set(OPEN + timedelta(hours=1))
    await answer_round(console, [lead("Apps"), *APPS[:5]], [4] * 6, [9] * 6, ["1"] * 6)
    await answer_round(console, [member("Platform", n) for n in range(1, 6)], [3] * 5, [7] * 5, ["2"] * 5)
    clock.set(CLOSE)
    await tick(deps, CLOSE)
    teams = ["Apps", "Platform", "Design", "Data"]

    async def texts(leads: list[str]) -> list[list[str]]:
        async with deps.uow() as uow:
            scopes = [scope_for(deps, uow, await uow.people.by_email(lead(team)), [], [team], CLOSE + timedelta(days=3))
                      for team in leads]
            return [[b.text for b in blocks if hasattr(b, "text")] for blocks in await digest_batch(scopes)]

    alone = [(await texts([team]))[0] for team in teams]
    monkeypatch.setattr("bot.pulse.report.FEW_READERS", 0)  # every team's members, as a big batch reads them
    assert alone == await texts(teams)
    assert alone[0] == ["Pulse Team health, round #1, team Apps: 6 answers"]  # the lead's own slice, at k + 1
    assert alone[1] == ["Pulse Team health, round #1, team Platform: 5 answers"]
