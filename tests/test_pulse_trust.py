"""Pulse promises under attack: a threshold lowered after the invitations went out, and a manager whose report
carries another team's label (a matrix team)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.pulse.report import digest_batch
from bot.rhythm.scheduler import tick
from storage.models import SurveyRound
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
    out = await console.type("/pulse results team-health", as_=ADMIN)
    assert "Not enough answers to show (fewer than 5)." in out
    assert "4 of 21 answered" not in out and "average" not in out and "Apps: 4" not in out
    out = await console.type("/pulse results team-health", as_=lead("Apps"))
    assert "Apps: not enough answers to show (fewer than 5)." in out and "average" not in out
    async with lowered.uow() as uow:
        admin, apps_lead = await uow.people.by_email(ADMIN), await uow.people.by_email(lead("Apps"))
        end = CLOSE + timedelta(days=3)
        assert await digest_batch([scope_for(lowered, uow, admin, [], [], end, org_wide=True),
                                   scope_for(lowered, uow, apps_lead, [], ["Apps"], end)]) == [[], []]
    # A round opened before thresholds were kept falls back to the configuration: the same answers now show.
    async with lowered.uow() as uow:
        await uow.session.execute(update(SurveyRound).values(anonymity_threshold=None))
    assert "4 of 21 answered (19%)." in await console.type("/pulse results team-health", as_=ADMIN)


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
    _, console = deps_factory(configured(settings, SURVEY, anonymity_threshold=5))
    clock.set(CLOSE)
    assert "Not enough answers to show (fewer than 5)." in await console.type("/pulse results team-health",
                                                                                as_=ADMIN)


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
