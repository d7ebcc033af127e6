"""Check-ins and /away through the console adapter, on real storage: the form, validation, the manager's copy,
history and who may read it, the personal schedule, and every mistake a person can make."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.core import handle_interaction
from bot.kernel.messages import Interaction
from bot.kernel.settings import Settings
from bot.orgdir import import_people
from bot.rhythm.scheduler import tick
from storage.models import Checkin, Delivery, GoalUpdate

LEA, MAX, BO, ADMIN = "lea@example.com", "max@example.com", "bo@example.com", "admin@example.com"
ORG = ("email,name,manager_email,team,timezone,locale\n"
       "max@example.com,Max,,Apps,Europe/Stockholm,en\n"
       "lea@example.com,Lea,max@example.com,Apps,Europe/Stockholm,en\n"
       "bo@example.com,Bo,max@example.com,Apps,Asia/Shanghai,en\n"
       "admin@example.com,Admin,,,Europe/Stockholm,en\n")
WELL = "? What went well this week?\n"
NEXT = "? What's next?\n"
BLOCKERS = "? Anything blocking you? (leave empty if not)\n"
KIND = ("? What kind of blocker is it? (1 waiting on others, 2 unclear requirements, 3 tools and environment, "
        "4 too many meetings, 5 skills or knowledge, 6 other) — only when something blocks you\n")
MOOD = "? How was your week, from 1 (rough) to 5 (great)? (1, 2, 3, 4, 5)\n"
ASK_AGAIN = "⚠ Some answers need another look.\n"
FORM_HINT = "/cancel to stop; end a line with \\ to write another line\n"


async def org(deps, tmp_path: Path) -> None:
    (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
    await import_people(deps, tmp_path / "org.csv")


async def count(deps, model) -> int:
    async with deps.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model))


async def checkins(deps) -> list[tuple[str, str, dict, int | None, str | None, datetime]]:
    async with deps.uow() as uow:
        rows = (await uow.session.scalars(select(Checkin).order_by(Checkin.id))).all()
        people = await uow.people.by_ids([row.person_id for row in rows])
        return [(people[r.person_id].email, r.period, r.answers, r.mood, r.blockers, r.submitted_at) for r in rows]


async def answer(console, who: str, *lines: str) -> str:
    """Open the form as `who` and type each line; returns everything printed after the /checkin."""
    out = await console.type("/checkin", as_=who)
    for line in lines:
        out += await console.type(line)
    return out


def goal_question(number: int, title: str, progress: int) -> str:
    return f"? Goal #{number} {title}: progress now? — 0–100%, now {progress}%; “no change” keeps it\n"


async def test_the_form_asks_every_question_and_the_manager_gets_it_with_blockers_flagged(deps, console, tmp_path):
    await org(deps, tmp_path)
    await console.type("/goal add Learn Rust", as_=LEA)
    await console.type("/goal add Ship the app", as_=LEA)
    out = await console.type("/checkin", as_=LEA)
    assert out == ("Check-in for week 48\nYour answers go to you and your manager.\n"
                   "Check-in for week 48 — " + FORM_HINT + WELL)
    assert await console.type("Shipped the release") == NEXT
    assert await console.type("Docs") == BLOCKERS
    assert await console.type("Waiting for review access") == KIND  # its kind: by number or name
    assert await console.type("1") == MOOD
    assert await console.type("4") == goal_question(1, "Learn Rust", 0)
    assert await console.type("") == goal_question(2, "Ship the app", 0)  # empty keeps goal #1 as it is
    out = await console.type("60%")
    assert out == ("Thanks — your check-in for week 48 is saved and shared with @Max.\n"
                   "→ max@example.com: Check-in from @Lea, week 48\n"
                   "  ⚠ Blocked (waiting on others): Waiting for review access\n"
                   "    What went well this week?                        Shipped the release\n"
                   "    What's next?                                     Docs\n"
                   "    How was your week, from 1 (rough) to 5 (great)?  4\n"
                   "    Goal #2 Ship the app                             60%\n"
                   "  Answer with /checkin reply 1 and your reply.\n"
                   "  [Add to our next 1:1: /checkin discuss 1]\n")
    assert await checkins(deps) == [(LEA, "2026-W48", {"well": "Shipped the release", "next": "Docs",
                                                       "blockers": "Waiting for review access", "mood": "4"},
                                     4, "Waiting for review access", datetime(2026, 11, 23, 9, tzinfo=UTC))]
    async with deps.uow() as uow:
        assert [(g.id, g.progress) for g in await uow.goals.of((await uow.people.by_email(LEA)).id)] == [(1, 0),
                                                                                                         (2, 60)]
        assert [(u.progress, u.note) for u in await uow.goals.updates(2)] == [(60, "check-in")]
        assert await uow.goals.updates(1) == []
        kinds = (await uow.session.scalars(select(Delivery.kind).order_by(Delivery.id))).all()
    assert kinds == ["checkin.shared"]


async def test_each_answer_is_checked_as_it_is_given_and_the_same_question_asked_again(deps, console, tmp_path):
    await org(deps, tmp_path)
    await console.type("/goal add Learn Rust", as_=LEA)
    out = await answer(console, LEA, "")
    assert out.endswith(WELL + "  ⚠ Please answer this one.\n" + WELL)  # a required answer left empty
    assert await console.type("Shipped it") == NEXT
    assert await console.type("Docs") == BLOCKERS
    assert await console.type("") == MOOD  # optional
    again = "  ⚠ Answer with one of: 1, 2, 3, 4, 5.\n" + MOOD
    for wrong in ("7", "²", "great"):  # a mood of 7 never slides into the next question as goal progress
        assert await console.type(wrong) == again, wrong
    assert await console.type("5") == goal_question(1, "Learn Rust", 0)
    progress_again = "  ⚠ Give a whole number from 0 to 100.\n" + goal_question(1, "Learn Rust", 0)
    for wrong in ("abc", "101", "-5", "²"):
        assert await console.type(wrong) == progress_again, wrong
    for model in (Checkin, GoalUpdate, Delivery):
        assert await count(deps, model) == 0
    out = await console.type("40 %")
    assert out.startswith("Thanks — your check-in for week 48 is saved and shared with @Max.\n")
    assert "    Goal #1 Learn Rust                               40%\n" in out
    assert [row[2:5] for row in await checkins(deps)] == [
        ({"well": "Shipped it", "next": "Docs", "blockers": "", "mood": "5"}, 5, None)]
    async with deps.uow() as uow:
        assert (await uow.goals.get(1)).progress == 40
    # The core stays the authority: answers sent past the console's checks (a hand-made submit, another platform)
    # are refused together, and nothing changes.
    views = await handle_interaction(deps, Interaction(actor=console.chat.actor, command="checkin submit 2026-W48",
                                                       values={"well": "", "next": "Docs", "mood": "7", "goal_1": "x"}))
    assert views[0].field_errors == {"well": "Please answer this one.", "mood": "Answer with a number from 1 to 5.",
                                     "goal_1": "Give a number from 0 to 100, like 40%."}
    assert len(await checkins(deps)) == 1


async def test_an_answer_over_the_length_limit_is_asked_again(deps_factory, settings, tmp_path):
    deps, console = deps_factory(settings.model_copy(update={"limits": settings.limits.model_copy(
        update={"max_text_length": 50})}))
    await org(deps, tmp_path)
    out = await answer(console, BO, "x" * 51, "Docs", "", "3")
    assert out.endswith(ASK_AGAIN + "  ⚠ Please keep it under 50 characters.\n" + WELL)
    out = await console.type("x" * 50)
    assert out.startswith("Thanks — your check-in for week 48 is saved and shared with @Max.\n")


async def test_cancel_leaves_a_form_and_saves_nothing(deps, console, tmp_path):
    await org(deps, tmp_path)
    await answer(console, LEA, "Shipped", "Docs")
    assert await console.type("/cancel") == "Cancelled — nothing was saved.\n"
    assert await count(deps, Checkin) == 0


async def test_a_command_in_the_middle_of_a_form_is_answered_and_the_form_goes_on(deps, console, tmp_path):
    await org(deps, tmp_path)
    await answer(console, LEA, "Shipped")
    out = await console.type("/kudos @bo thanks")
    assert out.startswith("Kudos sent to @Bo")
    assert out.endswith("  thanks\n" + NEXT)  # and the question it was at, again
    assert await console.type("/checkin history") == "No check-ins yet. Start one with /checkin.\n" + NEXT
    assert await console.type("Docs") == BLOCKERS  # the answers so far were kept
    assert await console.type("") == MOOD
    out = await console.type("4")
    assert out.startswith("Thanks — your check-in for week 48 is saved")
    assert [row[2] for row in await checkins(deps)] == [{"well": "Shipped", "next": "Docs", "blockers": "",
                                                         "mood": "4"}]


async def test_a_multi_line_answer_continues_after_a_backslash(deps, console, tmp_path):
    await org(deps, tmp_path)
    await answer(console, LEA, "Shipped the release \\")
    assert await console.type("and the docs\\") == ""  # still the same answer
    assert await console.type("/cancel is just text here \\") == ""  # a command only on a line of its own
    assert await console.type("and fixed CI") == NEXT
    await console.type("Docs")
    await console.type("")
    await console.type("4")
    assert (await checkins(deps))[0][2]["well"] == ("Shipped the release\nand the docs\n/cancel is just text here\n"
                                                    "and fixed CI")


async def test_answering_again_in_the_same_week_replaces_the_answers(deps, console, tmp_path, clock):
    await org(deps, tmp_path)
    await answer(console, LEA, "Shipped", "Docs", "Blocked on review", "1", "2")
    clock.set(datetime(2026, 11, 25, 12, tzinfo=UTC))
    out = await answer(console, LEA)
    assert out.startswith("Check-in for week 48\nYou already checked in this week; answering again replaces it.\n")
    for line in ("Shipped, reviewed", "Docs", "-"):  # Enter would keep the blocker shown; - empties it
        await console.type(line)
    out = await console.type("4")
    assert out == ("Thanks — your check-in for week 48 is saved and shared with @Max.\n"
                   "→ max@example.com: @Lea edited their check-in for week 48\n"
                   "    What went well this week?                        Shipped, reviewed\n"
                   "    What's next?                                     Docs\n"
                   "    How was your week, from 1 (rough) to 5 (great)?  4\n"
                   "  Answer with /checkin reply 1 and your reply.\n"
                   "  [Add to our next 1:1: /checkin discuss 1]\n")  # no blocker: no flag; Max is told of the edit
    assert await checkins(deps) == [(LEA, "2026-W48", {"well": "Shipped, reviewed", "next": "Docs", "blockers": "",
                                                       "mood": "4"}, 4, None, datetime(2026, 11, 25, 12, tzinfo=UTC))]


async def test_without_a_manager_the_check_in_is_only_saved(deps, console, tmp_path):
    await org(deps, tmp_path)
    out = await answer(console, MAX, "Hiring", "Planning", "", "3")
    assert out.endswith("? How was your week, from 1 (rough) to 5 (great)? (1, 2, 3, 4, 5)\n"
                        "Thanks — your check-in for week 48 is saved.\n")
    assert "→" not in out
    assert await count(deps, Delivery) == 0


async def test_the_prompts_button_opens_the_week_it_asked_about(deps, console, tmp_path, clock):
    await org(deps, tmp_path)
    await tick(deps, datetime(2026, 11, 27, 14, tzinfo=UTC))  # Friday 15:00 in Stockholm
    assert ("→ lea@example.com: Time for your weekly check-in (week 48)\n"
            "  Three short questions and your mood; it takes two minutes. Your manager sees your answers.\n"
            "  [Check in: /checkin 2026-W48]\n") in console.out.getvalue()
    clock.set(datetime(2026, 11, 30, 8, tzinfo=UTC))  # Monday of week 49: last week's prompt is still open
    assert (await console.type("/checkin", as_=LEA)).startswith("Check-in for week 48\n")
    await console.type("/cancel")
    out = await console.type("/checkin 2026-w48", as_=LEA)  # the button, typed
    assert out.startswith("Check-in for week 48\n")
    for line in ("Shipped", "Docs", ""):
        await console.type(line)
    assert (await console.type("3")).startswith("Thanks — your check-in for week 48 is saved")
    assert (await console.type("/checkin", as_=LEA)).startswith("Check-in for week 49\n")  # week 48 is done


CUSTOM = [{"key": "win", "text": "Your win this week?"}, {"key": "energy", "text": "Energy, 1 to 5?", "kind": "mood"},
          {"key": "blockers", "text": "Stuck on anything?", "optional": True}]


async def test_questions_come_from_the_settings(deps_factory, settings, tmp_path):
    configured = Settings.model_validate({**settings.model_dump(), "privacy": {"secret_key": "test-secret"},
                                          "checkin": {"questions": CUSTOM}})
    deps, console = deps_factory(configured)
    await org(deps, tmp_path)
    assert (await console.type("/checkin", as_=LEA)).endswith("? Your win this week?\n")
    assert await console.type("The demo") == "? Energy, 1 to 5? (1, 2, 3, 4, 5)\n"
    assert await console.type("9") == "  ⚠ Answer with one of: 1, 2, 3, 4, 5.\n? Energy, 1 to 5? (1, 2, 3, 4, 5)\n"
    assert await console.type("2") == "? Stuck on anything?\n"
    out = await console.type("")
    assert out == ("Thanks — your check-in for week 48 is saved and shared with @Max.\n"
                   "→ max@example.com: Check-in from @Lea, week 48\n"
                   "    Your win this week?  The demo\n"
                   "    Energy, 1 to 5?      2\n"
                   "  Answer with /checkin reply 1 and your reply.\n"
                   "  [Add to our next 1:1: /checkin discuss 1]\n")
    assert [row[2:5] for row in await checkins(deps)] == [({"win": "The demo", "energy": "2", "blockers": ""},
                                                            None, None)]


async def test_history_for_yourself_and_for_a_report_but_nobody_else(deps, console, tmp_path, clock):
    await org(deps, tmp_path)
    assert (await console.type("/checkin history", as_=LEA)).endswith(
        "No check-ins yet. Start one with /checkin.\n")
    for week, day in enumerate((6, 13, 20, 27)):  # Fridays, weeks 45 to 48, after 15:00 in Stockholm
        clock.set(datetime(2026, 11, day, 16, tzinfo=UTC))
        blocker = "Waiting for access" if week == 3 else ""
        await answer(console, LEA, f"Week {45 + week} went fine", "More", blocker, *(["1"] if blocker else []),
                     str(week + 1))
    clock.set(datetime(2026, 10, 30, 16, tzinfo=UTC))
    await answer(console, LEA, "Week 44 went fine", "More", "", "5")
    expected = ("Recent check-ins of @Lea\n"
                "Week 48\n"
                "⚠ Blocked (waiting on others): Waiting for access\n"
                "  What went well this week?                        Week 48 went fine\n"
                "  What's next?                                     More\n"
                "  How was your week, from 1 (rough) to 5 (great)?  4\n"
                "Week 47\n"
                "  What went well this week?                        Week 47 went fine\n"
                "  What's next?                                     More\n"
                "  How was your week, from 1 (rough) to 5 (great)?  3\n"
                "Week 46\n"
                "  What went well this week?                        Week 46 went fine\n"
                "  What's next?                                     More\n"
                "  How was your week, from 1 (rough) to 5 (great)?  2\n"
                "Week 45\n"
                "  What went well this week?                        Week 45 went fine\n"
                "  What's next?                                     More\n"
                "  How was your week, from 1 (rough) to 5 (great)?  1\n")  # the four latest: not week 44
    assert await console.type("/checkin history", as_=LEA) == expected
    assert await console.type("/checkin history @lea", as_=LEA) == expected
    assert await console.type("/checkin history @lea", as_=MAX) == expected  # her manager
    refused = "⚠ Check-ins are seen by the person and their manager only.\n"
    assert await console.type("/checkin history @lea", as_=BO) == refused  # a colleague
    assert await console.type("/checkin history @lea", as_=ADMIN) == refused  # admins see aggregates, not answers
    assert await console.type("/checkin history @max", as_=LEA) == refused  # not upwards either
    whose = "⚠ Whose check-ins? Give one @name: /checkin history @lea\n"
    assert await console.type("/checkin history lea", as_=MAX) == whose  # not quietly his own
    assert await console.type("/checkin history @lea @bo", as_=MAX) == whose
    assert await console.type("/checkin history @nobody", as_=LEA) == (
        "⚠ I don't know anyone called @nobody. Check the spelling, or write their full email address.\n")


async def test_schedule_mistakes_are_explained_and_change_nothing(deps, console, tmp_path):
    await org(deps, tmp_path)
    wrong_day_or_hour = ("⚠ Pick a weekday from Monday to Friday and an hour from 0 to 23: "
                         "/checkin schedule thursday 16\n")
    unreadable = "⚠ Give a weekday and an hour: /checkin schedule friday 15\n"
    for text, reply in (("saturday 10", wrong_day_or_hour), ("sun 9", wrong_day_or_hour),
                        ("friday 24", wrong_day_or_hour), ("friday -1", wrong_day_or_hour),
                        ("someday 10", unreadable), ("friday ten", unreadable), ("15", unreadable),
                        ("friday 15 and 16", unreadable)):
        assert await console.type(f"/checkin schedule {text}", as_=BO) == reply, text
    async with deps.uow() as uow:
        bo = await uow.people.by_email(BO)
        assert (bo.checkin_weekday, bo.checkin_hour) == (None, None)
    assert await console.type("/checkin schedule", as_=BO) == (
        "I ask for your check-in every Friday at 15:00 (Asia/Shanghai).\n")
    assert await console.type("/checkin schedule Wed 0", as_=BO) == (
        "I ask for your check-in every Wednesday at 00:00 (Asia/Shanghai).\n")
    assert await console.type("/checkin bogus", as_=BO) == (
        "⚠ I don't know /checkin bogus. Try /checkin, /checkin history or /checkin schedule friday 15.\n")
    assert await console.type("/checkin submit soon", as_=BO) == "⚠ Start a check-in with /checkin.\n"
    out = await console.type("/checkin submit 2026-W48", as_=BO)  # typed by hand, without answers
    assert out == ASK_AGAIN + "  ⚠ Please answer this one.\n" * 3  # went well, next, mood
    assert await count(deps, Checkin) == 0


async def test_away_mistakes_are_explained_and_change_nothing(deps, console, tmp_path, clock):
    await org(deps, tmp_path)
    say_until = "⚠ Say until when: /away until 2026-12-01\n"
    for text, reply in (
            ("until", say_until), ("2026-12-01", say_until), ("from 2026-12-01", say_until),
            ("until 2026-12-01 2026-12-02", say_until),
            ("until 2026-02-30", "⚠ 2026-02-30 is not a date I understand; write it as YYYY-MM-DD: "
                                 "/away until 2026-12-01\n"),
            ("until friday", "⚠ friday is not a date I understand; write it as YYYY-MM-DD: /away until 2026-12-01\n"),
            ("until 2026-11-22", "⚠ 2026-11-22 has already passed. Give a day from today on.\n"),
            ("off", "You are not marked away, so prompts are already on.\n")):
        assert await console.type(f"/away {text}", as_=LEA) == reply, text
    # Monday 23 November 20:00Z is already Tuesday in Shanghai: Monday has passed there, not in Stockholm.
    clock.set(datetime(2026, 11, 23, 20, tzinfo=UTC))
    assert await console.type("/away until 2026-11-23", as_=BO) == (
        "⚠ 2026-11-23 has already passed. Give a day from today on.\n")
    async with deps.uow() as uow:
        assert [p.away_until for p in await uow.people.all()] == [None] * 4
    assert await console.type("/away until 2026-11-23", as_=LEA) == (
        "Enjoy your time off. No check-ins or reminders until 2026-11-23 (included).\n")
    async with deps.uow() as uow:
        assert (await uow.people.by_email(LEA)).away_until == date(2026, 11, 23)


async def test_only_a_week_that_exists_and_has_begun_can_be_answered(deps, console, tmp_path):
    await org(deps, tmp_path)
    start = "⚠ Start a check-in with /checkin.\n"
    # Monday 23 November 2026 is in week 48; 2025 had 52 weeks, 2026 has 53.
    for period in ("2026-W99", "2026-W00", "2025-W53", "2026-W49", "2026-W53", "2027-W01"):
        assert await console.type(f"/checkin {period}", as_=LEA) == start, period
        assert await console.type(f"/checkin submit {period}", as_=LEA) == start, period
    assert (await console.type("/checkin 2026-W40", as_=LEA)).startswith("Check-in for week 40\n")  # a late one
    for line in ("Shipped", "Docs", ""):
        await console.type(line)
    assert (await console.type("3")).startswith("Thanks — your check-in for week 40 is saved")
    assert [row[1] for row in await checkins(deps)] == ["2026-W40"]
