"""What the chat promises about check-ins and goals ("only you and your manager see the answers"), kept on every
surface and for every role: a member, a manager (their own report, someone else's), an admin who is not the manager,
an admin who is. The policy is bot/kernel/visibility.py; these tests go through the surfaces people use."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from adapters.console.chat import console_actor
from bot.dashboard import dashboard
from bot.datarights import export_person
from bot.kernel.visibility import aggregate_shown, own_teams, sees_personal
from bot.orgdir import import_people
from bot.rhythm.scheduler import tick
from tests.test_digest import checkin

# Ana manages Bo and Cy; Wei manages Yu; the admin manages Dan; Hanna is an admin who manages nobody.
ORG = """email,name,manager_email,team,timezone,locale
ana@example.com,Ana Lima,,Apps,Europe/Stockholm,en
bo@example.com,Bo Nilsson,ana@example.com,Apps,Europe/Stockholm,en
cy@example.com,Cy Walker,ana@example.com,Apps,Europe/Stockholm,en
wei@example.com,Wei Zhang,,Platform,Europe/Stockholm,en
yu@example.com,Yu Lin,wei@example.com,Platform,Europe/Stockholm,en
admin@example.com,Admin,,People,Europe/Stockholm,en
dan@example.com,Dan Berg,admin@example.com,People,Europe/Stockholm,en
hr@example.com,Hanna Rask,,People,Europe/Stockholm,en
"""
ANA, BO, CY, WEI, YU, ADMIN, DAN, HR = (f"{n}@example.com" for n in ("ana", "bo", "cy", "wei", "yu", "admin", "dan",
                                                                       "hr"))
FRIDAY = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Stockholm: digests are due
BLOCKERS = {BO: "Bo waits for review access", YU: "Yu has a pager storm", DAN: "Dan lacks a laptop"}
GOALS = {BO: "Bo learns Rust", YU: "Yu fixes the pager", DAN: "Dan writes the handbook"}


@pytest.fixture
def two_admins(deps_factory, settings):
    return deps_factory(settings.model_copy(update={"org": settings.org.model_copy(update={"admins": [ADMIN, HR]})}))


async def week(deps, console, clock, tmp_path) -> None:
    """The org, three check-ins with blockers and moods, and a goal each for Bo, Yu and Dan."""
    (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
    await import_people(deps, tmp_path / "org.csv")
    clock.set(FRIDAY)
    for number, ((person, blocker), mood) in enumerate(zip(BLOCKERS.items(), ("2", "3", "4"), strict=True), 1):
        assert "Thanks" in await checkin(console, person, "Things went well", blocker, mood)
        await console.type(f"/goal add {GOALS[person]}", as_=person)
        assert "is at 40% now" in await console.type(f"/goal progress {number} 40%", as_=person)
    clock.set(MONDAY)


def test_the_policy_itself():
    class P:
        def __init__(self, id_: int, manager_id: int | None) -> None:
            self.id, self.manager_id = id_, manager_id

    assert sees_personal(1, P(1, None)) and sees_personal(2, P(1, 2))  # the person, their manager
    assert not sees_personal(3, P(1, 2))  # anyone else: a peer, a skip-level manager, an admin
    members = {"Apps": {10: 1, 11: 1, 1: None}, "Design": {12: 1, 13: 2}}
    assert own_teams(1, members, ["Apps", "Design", "Nope"]) == {"Apps"}  # Design holds someone of manager 2
    assert own_teams(2, members, ["Design"]) == frozenset()
    assert aggregate_shown(1, 5, True) and not aggregate_shown(4, 5, False) and aggregate_shown(5, 5, False)


async def test_a_member_sees_their_own_and_nobody_elses(deps, console, clock, tmp_path):
    await week(deps, console, clock, tmp_path)
    history = await console.type("/checkin history", as_=BO)
    assert "Recent check-ins of @Bo Nilsson\nWeek 47\n⚠ Blocked (tools and environment): Bo waits" in history
    assert "Check-ins are seen by the person and their manager only." in await console.type(
        "/checkin history @cy", as_=BO)
    assert "You are not allowed to see @Cy Walker's goals" in await console.type("/goal list @cy", as_=BO)
    assert "The weekly digest is for managers" in await console.type("/digest", as_=BO)


async def test_a_manager_sees_their_own_reports_not_someone_elses(deps, console, clock, tmp_path):
    await week(deps, console, clock, tmp_path)
    assert BLOCKERS[BO] in await console.type("/checkin history @bo", as_=ANA)
    assert GOALS[BO] in await console.type("/goal list @bo", as_=ANA)
    assert "Check-ins are seen by the person and their manager only." in await console.type(
        "/checkin history @yu", as_=ANA)
    assert "You are not allowed to see @Yu Lin's goals" in await console.type("/goal list @yu", as_=ANA)
    digest = await console.type("/digest", as_=ANA)
    assert f"@Bo Nilsson: {BLOCKERS[BO]}" in digest and f"@Bo Nilsson  {GOALS[BO]} — 40%" in digest
    assert "Not yet: @Cy Walker" in digest and "  mood  ·······▃  2.0" in digest  # a mean of one: her own report
    assert all(text not in digest for text in (BLOCKERS[YU], BLOCKERS[DAN], GOALS[YU], GOALS[DAN]))
    assert "do not report to you" not in digest


async def test_an_admin_who_is_not_the_manager_gets_counts_never_texts(two_admins, clock, tmp_path):
    deps, console = two_admins
    await week(deps, console, clock, tmp_path)
    assert await console.type("/checkin history @bo", as_=HR) == \
        "⚠ Check-ins are seen by the person and their manager only.\n"
    assert await console.type("/goal list @bo", as_=HR) == \
        "⚠ You are not allowed to see @Bo Nilsson's goals: goals are visible to the person and their manager.\n"
    digest = await console.type("/digest org", as_=HR)
    assert digest.startswith("Weekly digest for the organisation\n")
    assert "Check-ins: 3 of 8 answered for week 47." in digest
    assert ("⚠ Blockers\nBlockers reported by people who do not report to you: 3. Only each of them and their "
            "manager read the text.") in digest
    assert "Goals: 3 open." in digest  # three people: fewer than the threshold, so no average of few either
    assert "Not yet: @Hanna Rask\n" in digest  # herself only: not who else skipped
    assert "mood" not in digest  # a mean of three people's moods is not shown to someone who manages none of them
    assert all(text not in digest for text in (*BLOCKERS.values(), *GOALS.values()))


async def test_an_admin_who_is_the_manager_sees_their_own_report_only(two_admins, clock, tmp_path):
    deps, console = two_admins
    await week(deps, console, clock, tmp_path)
    assert BLOCKERS[DAN] in await console.type("/checkin history @dan", as_=ADMIN)
    assert GOALS[DAN] in await console.type("/goal list @dan", as_=ADMIN)
    assert "You are not allowed to see @Bo Nilsson's goals" in await console.type("/goal list @bo", as_=ADMIN)
    digest = await console.type("/digest org", as_=ADMIN)
    assert (f"⚠ Blockers\n@Dan Berg: {BLOCKERS[DAN]}\nBlockers reported by people who do not report to you: 2. "
            "Only each of them and their manager read the text.") in digest
    assert f"@Dan Berg  {GOALS[DAN]} — 40%" in digest
    assert all(text not in digest for text in (BLOCKERS[BO], BLOCKERS[YU], GOALS[BO], GOALS[YU]))
    team = await console.type("/digest", as_=ADMIN)  # their own team's digest: all of it is theirs to see
    assert team.startswith("Weekly digest for @Admin's team\n") and f"@Dan Berg: {BLOCKERS[DAN]}" in team


async def test_the_org_average_appears_from_the_threshold_on(two_admins, clock, tmp_path):
    deps, console = two_admins
    await week(deps, console, clock, tmp_path)
    clock.set(FRIDAY)
    for person in (ANA, CY):
        await checkin(console, person, "Fine", "", "5")
        await console.type("/goal add Something measurable", as_=person)
    clock.set(MONDAY)
    digest = await console.type("/digest org", as_=HR)
    assert "Goals: 5 open, average progress 24%." in digest  # five people: an aggregate, no one's value
    assert "  mood  ·······▆  3.8" in digest  # 2, 3, 4, 5, 5 from five people


async def test_the_sent_org_digest_and_the_admins_export_hold_no_ones_texts(two_admins, clock, tmp_path):
    deps, console = two_admins
    await week(deps, console, clock, tmp_path)
    assert (await tick(deps, MONDAY))["digest-org"] == 2  # both admins, in their own morning
    exported = json.dumps(await export_person(deps, HR), ensure_ascii=False)
    assert "Blockers reported by people who do not report to you: 3." in exported
    assert all(text not in exported for text in (*BLOCKERS.values(), *GOALS.values()))


async def test_the_app_home_dashboard_shows_the_persons_own_goals_only(two_admins, clock, tmp_path):
    deps, console = two_admins
    await week(deps, console, clock, tmp_path)
    for email, own in ((HR, None), (ANA, None), (BO, GOALS[BO]), (ADMIN, None)):
        view = await dashboard(deps, console_actor(email))
        text = "\n".join(getattr(block, "text", "") for block in view.blocks)
        assert all(goal not in text for goal in GOALS.values() if goal != own), email
        assert own is None or own in text
