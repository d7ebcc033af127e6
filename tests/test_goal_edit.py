"""/goal edit and /goal drop on real storage: only the owner; drop archives; whoever was told sees the edit."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Goal

ANA, LEA, BO = "ana@example.com", "lea@example.com", "bo@example.com"


async def team(deps, console) -> None:
    await console.people(ANA, LEA, BO)
    async with deps.uow() as uow:
        lea = await uow.people.by_email(LEA)
        lea.manager_id = (await uow.people.by_email(ANA)).id


async def test_edit_changes_the_title_or_the_due_date(console):
    await console.people(LEA)
    await console.type("/goal add Reduce p95 latency to 200 ms", as_=LEA)
    out = await console.type("/goal edit 1 Reduce p95 latency to 150 ms by 2027-06-30", as_=LEA)
    assert "Goal #1 is now: Reduce p95 latency to 150 ms (due 2027-06-30)." in out and "→" not in out
    out = await console.type("/goal edit 1 by 2027-09-30", as_=LEA)
    assert "Goal #1 is now: Reduce p95 latency to 150 ms (due 2027-09-30)." in out
    assert "#1 Reduce p95 latency to 150 ms — 0% (due 2027-09-30)" in await console.type("/goal list", as_=LEA)


async def test_only_the_owner_edits_or_drops(deps, console):
    await team(deps, console)
    await console.type("/goal add Ship the app", as_=LEA)
    for line in ("/goal edit 1 Ship it faster", "/goal drop 1"):
        assert "There is no goal #1 of yours." in await console.type(line, as_=ANA)
    async with deps.uow() as uow:
        goal = (await uow.session.scalars(select(Goal))).one()
    assert (goal.title, goal.status) == ("Ship the app", "open")


async def test_drop_archives_and_the_manager_told_of_it_hears(deps, console):
    await team(deps, console)
    await console.type("/goal add Ship the app", as_=LEA)
    await console.type("/goal done 1", as_=LEA)  # Ana was told
    out = await console.type("/goal drop 1", as_=LEA)
    assert "Goal #1 dropped: Ship the app. It is archived, no longer in your lists." in out
    assert "Those who were told of it see the edit." in out
    assert "→ ana@example.com: @lea dropped goal #1: Ship the app" in out
    assert "You have no goals yet." in await console.type("/goal list", as_=LEA)
    assert "There is no goal #1 of yours." in await console.type("/goal drop 1", as_=LEA)
    async with deps.uow() as uow:
        assert (await uow.session.scalars(select(Goal.status))).all() == ["dropped"]  # kept, not deleted


async def test_an_edit_reaches_the_manager_told_of_the_goal(deps, console):
    await team(deps, console)
    await console.type("/goal add Ship the app", as_=LEA)
    await console.type("/goal done 1", as_=LEA)
    out = await console.type("/goal edit 1 Ship the mobile app", as_=LEA)
    assert "→ ana@example.com: @lea edited goal #1: Ship the mobile app" in out


async def test_dropping_a_goal_nobody_was_told_of_tells_nobody(deps, console):
    await team(deps, console)
    await console.type("/goal add Ship the app", as_=LEA)
    out = await console.type("/goal drop 1", as_=LEA)
    assert "→" not in out and "Those who were told" not in out
