"""Goals through the console adapter, on real storage: adding, listing, progress, done, manager visibility."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from storage.models import Delivery, Goal, GoalUpdate
from tests.conftest import START

LEA, MAX, BO, ADMIN = "lea@example.com", "max@example.com", "bo@example.com", "admin@example.com"
ADD_EXAMPLE = "/goal add Reduce p95 latency to 200 ms by 2027-03-31"


async def count(deps, model) -> int:
    async with deps.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model))


async def goal(deps, goal_id: int) -> Goal:
    async with deps.uow() as uow:
        return await uow.goals.get(goal_id)


async def updates(deps, goal_id: int) -> list[tuple[int, str]]:
    async with deps.uow() as uow:
        return [(u.progress, u.note) for u in await uow.goals.updates(goal_id)]


async def report_to(deps, report: str, manager: str) -> None:
    """Build a reporting line directly on the Person rows, as the org import would."""
    async with deps.uow() as uow:
        person, boss = await uow.people.by_email(report), await uow.people.by_email(manager)
        person.manager_id = boss.id


async def test_add_a_goal_with_a_due_date(deps, console):
    out = await console.type("/goal add Reduce p95 latency to 200 ms by 2027-03-31", as_=LEA)
    assert "Goal #1 added: Reduce p95 latency to 200 ms (due 2027-03-31).\nReport progress with /goal progress 1 40%." \
        in out
    row = await goal(deps, 1)
    async with deps.uow() as uow:
        lea = await uow.people.by_email(LEA)
    assert (row.person_id, row.title, row.due_date) == (lea.id, "Reduce p95 latency to 200 ms", date(2027, 3, 31))
    assert (row.progress, row.status, row.created_at, row.completed_at) == (0, "open", START, None)


async def test_a_title_may_contain_by_and_the_due_date_is_optional(deps, console):
    out = await console.type("/goal add Be trusted by customers", as_=LEA)
    assert "Goal #1 added: Be trusted by customers.\n" in out
    out = await console.type("/goal add Ship it BY 2026-11-23", as_=LEA)  # today is still in time
    assert "Goal #2 added: Ship it (due 2026-11-23)." in out
    assert (await goal(deps, 1)).due_date is None


async def test_add_errors_write_nothing(deps, console):
    cases = {
        "/goal add by 2027-03-31": f"Please add some text: {ADD_EXAMPLE}",
        "/goal add Ship it by 2027-02-30":
            f"2027-02-30 is not a real date. Write the due date as YYYY-MM-DD: {ADD_EXAMPLE}",
        "/goal add Ship it by 2026-11-22":
            f"The due date 2026-11-22 has already passed. Pick today or a later day: {ADD_EXAMPLE}",
        "/goal add " + "x" * 2001: "That text is 2001 characters long; the limit is 2000. Please shorten it.",
    }
    for line, error in cases.items():
        assert f"⚠ {error}" in await console.type(line, as_=LEA), line
    assert await count(deps, Goal) == 0


async def test_list_shows_open_goals_first_and_marks_done_and_overdue_ones(console, clock):
    await console.type("/goal add Write the runbook", as_=LEA)
    await console.type("/goal add Reduce p95 latency to 200 ms by 2027-03-31", as_=LEA)
    await console.type("/goal add Migrate the queue by 2026-12-01", as_=LEA)
    await console.type("/goal progress 2 40%", as_=LEA)
    clock.advance(timedelta(days=2))
    await console.type("/goal done 1", as_=LEA)
    clock.advance(timedelta(days=10))
    expected = ("Your goals\n"
                "#2 Reduce p95 latency to 200 ms — 40% (due 2027-03-31)\n"
                "#3 Migrate the queue — 0% (due 2026-12-01, overdue)\n"
                "#1 Write the runbook — done on 2026-11-25 ✓\n")
    assert await console.type("/goal list", as_=LEA) == expected
    assert await console.type("/goal", as_=LEA) == expected


async def test_empty_list_says_how_to_add_a_goal(console):
    assert await console.type("/goal", as_=LEA) == f"You have no goals yet. Add one: {ADD_EXAMPLE}\n"


async def test_the_person_and_their_manager_see_their_goals_nobody_else_does_admins_neither(deps, console):
    """The help's promise, "Goals are visible to you and your manager": an admin is refused like anyone else,
    unless they are the manager (admins see counts in the organisation-wide digest)."""
    await console.people(MAX, BO, ADMIN)
    await console.type("/goal add Write the runbook", as_=LEA)
    await report_to(deps, LEA, MAX)
    assert await console.type("/goal list @lea", as_=MAX) == "Goals of @lea\n#1 Write the runbook — 0%\n"
    assert "Your goals\n#1 Write the runbook" in await console.type("/goal list @lea", as_=LEA)
    refused = "⚠ You are not allowed to see @lea's goals: goals are visible to the person and their manager.\n"
    assert await console.type("/goal list @lea", as_=BO) == refused
    assert await console.type("/goal list @lea", as_=ADMIN) == refused  # used to list them
    # Lea cannot look up her manager's goals either: visibility runs down the reporting line.
    assert "not allowed to see @max's goals" in await console.type("/goal list @max", as_=LEA)
    await report_to(deps, BO, ADMIN)  # an admin who is the manager sees their own report's goals
    assert await console.type("/goal list @bo", as_=ADMIN) == "@bo has no goals yet.\n"


async def test_list_errors(console):
    await console.people(LEA, BO)
    usage = "To see your goals type /goal list; to see a report's goals type /goal list @lea."
    assert f"⚠ {usage}" in await console.type("/goal list everything", as_=LEA)
    assert f"⚠ {usage}" in await console.type("/goal list @lea @bo", as_=LEA)
    assert "⚠ I don't know anyone called @zed." in await console.type("/goal list @zed", as_=LEA)


async def test_progress_is_stored_with_an_optional_note(deps, console):
    await console.type("/goal add Reduce p95 latency to 200 ms", as_=LEA)
    out = await console.type("/goal progress 1 40% Caching is live on two services", as_=LEA)
    assert out == "Goal #1 is at 40% now: Reduce p95 latency to 200 ms\n"
    out = await console.type("/goal progress #1 55", as_=LEA)
    assert out == "Goal #1 is at 55% now: Reduce p95 latency to 200 ms\n"
    row = await goal(deps, 1)
    assert (row.progress, row.status) == (55, "open")
    assert await updates(deps, 1) == [(40, "Caching is live on two services"), (55, "")]


async def test_progress_of_100_does_not_close_the_goal(deps, console):
    await console.type("/goal add Reduce p95 latency to 200 ms", as_=LEA)
    out = await console.type("/goal progress 1 100%", as_=LEA)
    assert out == "Goal #1 is at 100% now: Reduce p95 latency to 200 ms\nFinished? Type /goal done 1 to close it.\n"
    row = await goal(deps, 1)
    assert (row.progress, row.status, row.completed_at) == (100, "open", None)


async def test_progress_and_done_errors_write_nothing(deps, console):
    await console.people(BO)
    await console.type("/goal add Reduce p95 latency to 200 ms", as_=LEA)
    await console.type("/goal add Write the runbook", as_=BO)
    await console.type("/goal add Migrate the queue", as_=LEA)
    await console.type("/goal done 3", as_=LEA)
    before = await count(deps, GoalUpdate), await count(deps, Delivery)
    cases = {
        "/goal progress": "Which goal? Give its number: /goal progress 3 40% Caching is live on two services. "
                          "See /goal list",
        "/goal progress first 40%": "first is not a goal number. Give the number from /goal list: "
                                    "/goal progress 3 40% Caching is live on two services",
        "/goal progress 9 40%": "There is no goal #9 of yours. See /goal list",
        "/goal progress 2 40%": "There is no goal #2 of yours. See /goal list",
        "/goal progress 99999999999 40%": "There is no goal #99999999999 of yours. See /goal list",
        "/goal progress 1": "How far along is it? Give a number from 0 to 100: /goal progress 1 40%",
        "/goal progress 1 140%": "140% is not a progress I understand: give a number from 0 to 100, like 40%: "
                                 "/goal progress 1 40%",
        "/goal progress 1 -5": "-5 is not a progress I understand",
        "/goal progress 1 half": "half is not a progress I understand",
        "/goal progress 1 40% " + "x" * 2001: "That text is 2001 characters long; the limit is 2000.",
        "/goal progress 3 40%": f"Goal #3 is already done. For a new target, add a goal: {ADD_EXAMPLE}",
        "/goal done": "Which goal? Give its number: /goal done 3. See /goal list",
        "/goal done x": "x is not a goal number. Give the number from /goal list: /goal done 3",
        "/goal done 2": "There is no goal #2 of yours. See /goal list",
        "/goal done 3": f"Goal #3 is already done. For a new target, add a goal: {ADD_EXAMPLE}",
        "/goal remove 1": "There is no /goal remove. Use one of: /goal add, /goal list, /goal kr, /goal update, "
                          "/goal progress, /goal align, /goal tree, /goal done, /goal edit, /goal drop, /goal carry.",
    }
    for line, error in cases.items():
        assert f"⚠ {error}" in await console.type(line, as_=LEA), line
    assert (await count(deps, GoalUpdate), await count(deps, Delivery)) == before
    assert (await goal(deps, 1)).progress == 0
    assert (await goal(deps, 2)).progress == 0


async def test_done_closes_the_goal_and_tells_the_manager(deps, console, clock):
    await console.people(MAX)
    await console.type("/goal add Write the runbook", as_=LEA)
    await report_to(deps, LEA, MAX)
    clock.advance(timedelta(days=1))
    out = await console.type("/goal done 1 Reviewed by the on-call team", as_=LEA)
    assert "Goal #1 is done: Write the runbook. Well done!\nI let @max know.\n" in out
    assert "→ max@example.com: @lea completed goal #1\n  Write the runbook\n  Reviewed by the on-call team\n" in out
    row = await goal(deps, 1)
    assert (row.status, row.progress, row.completed_at) == ("done", 100, START + timedelta(days=1))
    assert await updates(deps, 1) == [(100, "Reviewed by the on-call team")]


async def test_done_without_a_manager_tells_nobody(deps, console):
    await console.type("/goal add Write the runbook", as_=LEA)
    assert await console.type("/goal done 1", as_=LEA) == "Goal #1 is done: Write the runbook. Well done!\n"
    assert await count(deps, Delivery) == 0
    assert await updates(deps, 1) == [(100, "")]


async def test_help_explains_goals(console):
    out = await console.type("/help goal", as_=LEA)
    assert "/goal progress 3 40% Caching is live — report progress from 0 to 100%" in out
    assert "Your measurable goals" in await console.type("/help", as_=LEA)


async def test_odd_digits_and_huge_numbers_get_the_not_a_number_reply(console):
    await console.people("ana@example.com")
    for line in ("/goal done ²", "/goal progress ² 40%", "/goal done 99999999999999999999"):
        out = await console.type(line, as_="ana@example.com")
        assert out.startswith("⚠ ") and "Traceback" not in out, line
