"""One-on-ones through the console adapter and the scheduler's tick, on real storage (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from adapters.console.render import render_text
from bot.kernel.sections import DigestScope
from bot.kernel.settings import OneOnOneSettings, ScheduleSettings
from bot.kernel.views import View
from bot.oneonones import agenda, pairs
from bot.rhythm.record import run_due
from bot.rhythm.scheduler import tick
from storage.models import Checkin, Delivery, OneOnOne, OneOnOneEntry
from tests.conftest import START

ANA, LEA, BO, ADMIN = "ana@example.com", "lea@example.com", "bo@example.com", "admin@example.com"
STOCKHOLM, NEW_YORK = "Europe/Stockholm", "America/New_York"


async def team(deps, console, *, zones: tuple[str | None, str | None] = (None, None)) -> None:
    """Ana manages Lea; Bo and the admin are outside the pair."""
    await console.people(ANA, LEA, BO, ADMIN)
    async with deps.uow() as uow:
        ana, lea = await uow.people.by_email(ANA), await uow.people.by_email(LEA)
        lea.manager_id = ana.id
        ana.timezone, lea.timezone = zones


async def reports_to(deps, report: str, manager: str) -> None:
    async with deps.uow() as uow:
        (await uow.people.by_email(report)).manager_id = (await uow.people.by_email(manager)).id


async def rows(deps, model) -> list:
    async with deps.uow() as uow:
        return list((await uow.session.scalars(select(model).order_by(model.id))).all())


async def count(deps, model) -> int:
    async with deps.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model))


def entries(found: list[OneOnOneEntry]) -> list[tuple]:
    return [(e.kind, e.text, e.held_on, e.done_at) for e in found]


async def ticked(deps, console, at: datetime) -> tuple[int, int, str]:
    """One tick at `at`: new agendas, new overdue flags, and what was delivered."""
    start = len(console.out.getvalue())
    recorded = await tick(deps, at)
    return recorded["1on1.agenda"], recorded["1on1.overdue"], console.out.getvalue()[start:]


# Commands


async def test_pairs_are_created_when_first_needed_with_the_configured_cadence(deps, console):
    await team(deps, console)
    assert await count(deps, OneOnOne) == 0
    out = await console.type("/1on1", as_=ANA)
    assert "Your 1:1s\nWith your reports\n  @lea  next 2026-12-07, last held never, every two weeks\n" \
           "Add a topic: /1on1 add @lea Career plans · the agenda: /1on1 agenda @lea · after the meeting: " \
           "/1on1 done @lea" in out
    out = await console.type("/1on1", as_=LEA)
    assert "With your manager\n  @ana  next 2026-12-07, last held never, every two weeks\n" \
           "Add a topic: /1on1 add @ana Career plans" in out
    [pair] = await rows(deps, OneOnOne)
    async with deps.uow() as uow:
        ana, lea = await uow.people.by_email(ANA), await uow.people.by_email(LEA)
    assert (pair.manager_id, pair.report_id, pair.cadence_days, pair.last_held_on, pair.created_at) == (
        ana.id, lea.id, 14, None, START)
    out = await console.type("/1on1", as_=BO)
    assert "You have no 1:1s: they are between a manager and their direct reports, and the org directory shows " \
           "neither for you." in out
    assert await count(deps, OneOnOne) == 1


async def test_default_cadence_comes_from_settings(deps_factory, settings):
    deps, console = deps_factory(settings.model_copy(update={"oneonone": OneOnOneSettings(cadence="monthly")}))
    await team(deps, console)
    out = await console.type("/1on1", as_=ANA)
    assert "@lea  next 2026-12-21, last held never, every four weeks" in out
    assert [p.cadence_days for p in await rows(deps, OneOnOne)] == [28]


async def test_a_new_manager_gets_a_new_pair_and_the_old_one_is_no_longer_reachable(deps, console):
    await team(deps, console)
    await console.type("/1on1 add @lea Career plans", as_=ANA)
    await reports_to(deps, LEA, BO)
    assert "You have no 1:1s" in await console.type("/1on1", as_=ANA)
    assert "Not allowed: @lea is neither your direct report nor your manager." in await console.type(
        "/1on1 agenda @lea", as_=ANA)
    out = await console.type("/1on1 agenda @lea", as_=BO)
    assert "No topics yet. Add one: /1on1 add @lea Career plans" in out
    assert "Career plans" not in out.replace("/1on1 add @lea Career plans", "")
    assert await count(deps, OneOnOne) == 2


async def test_topics_notes_and_action_items_are_recorded_without_messaging_anyone(deps, console):
    await team(deps, console)
    out = await console.type("/1on1 add @lea Career plans", as_=ANA)
    assert "Added to the agenda of your next 1:1 with @lea (2026-12-07): Career plans" in out
    out = await console.type("/1on1 add @ana Training budget", as_=LEA)
    assert "Added to the agenda of your next 1:1 with @ana (2026-12-07): Training budget" in out
    out = await console.type("/1on1 note @lea Wants to lead the next release", as_=ANA)
    assert "Note saved for your 1:1s with @lea; only the two of you can see it." in out
    out = await console.type("/1on1 action @lea Book the course", as_=ANA)
    assert "Action item #4 saved for your 1:1s with @lea: Book the course. Close it with /1on1 action done 4." in out
    assert await count(deps, Delivery) == 0
    found = await rows(deps, OneOnOneEntry)
    assert entries(found) == [("topic", "Career plans", None, None), ("topic", "Training budget", None, None),
                              ("note", "Wants to lead the next release", None, None),
                              ("action", "Book the course", None, None)]
    async with deps.uow() as uow:
        ana, lea = await uow.people.by_email(ANA), await uow.people.by_email(LEA)
    assert [e.author_id for e in found] == [ana.id, lea.id, ana.id, ana.id]

    out = await console.type("/1on1 action done 4", as_=LEA)
    assert "Action item #4 is done: Book the course" in out
    assert (await rows(deps, OneOnOneEntry))[3].done_at == START
    assert "Action item #4 is already done." in await console.type("/1on1 action done 4", as_=ANA)


async def test_closing_an_action_item_needs_a_number_of_an_action_of_my_own_pair(deps, console):
    await team(deps, console)
    await console.type("/1on1 add @lea Career plans", as_=ANA)
    await console.type("/1on1 action @ana Send the draft", as_=LEA)
    for text in ("/1on1 action done", "/1on1 action done two", "/1on1 action done 99999999999"):
        assert "Give the number of the action item: /1on1 action done 12" in await console.type(text, as_=ANA)
    for number in (1, 99):
        out = await console.type(f"/1on1 action done {number}", as_=ANA)
        assert f"There is no action item #{number}. The agenda lists the open ones: /1on1 agenda @lea" in out
    for outsider in (BO, ADMIN):
        out = await console.type("/1on1 action done 2", as_=outsider)
        assert "Not allowed: action item #2 belongs to a 1:1 you are not part of; only its two people can see or " \
               "change it." in out
    assert [e.done_at for e in await rows(deps, OneOnOneEntry)] == [None, None]


async def test_only_the_two_people_of_a_pair_can_read_or_write_it_not_even_an_admin(deps, console):
    await team(deps, console)
    await console.type("/1on1 add @lea Career plans", as_=ANA)
    commands = ["/1on1 agenda @lea", "/1on1 @lea", "/1on1 add @lea Hi", "/1on1 note @lea Hi",
                "/1on1 action @lea Hi", "/1on1 done @lea", "/1on1 cadence @lea weekly", "/1on1 agenda @ana"]
    for command in commands:
        out = await console.type(command, as_=BO)
        name = "@ana" if command.endswith("@ana") else "@lea"
        assert f"⚠ Not allowed: {name} is neither your direct report nor your manager. 1:1s are between a manager " \
               "and their direct report, and only those two see them." in out
        out = await console.type(command, as_=ADMIN)
        assert "⚠ Not allowed: 1:1s are private to the manager and the report, even for admins. The " \
               "organisation-wide digest shows only totals." in out
        assert "Career plans" not in out
    assert entries(await rows(deps, OneOnOneEntry)) == [("topic", "Career plans", None, None)]
    [pair] = await rows(deps, OneOnOne)
    assert (pair.cadence_days, pair.last_held_on) == (14, None)
    assert await count(deps, Delivery) == 0


async def test_mistakes_say_what_to_type_instead_and_write_nothing(deps, console):
    await team(deps, console)
    mention = "Mention the one person the 1:1 is with — your report or your manager: "
    cases = [
        ("/1on1 add Career plans", mention + "/1on1 add @lea Career plans"),
        ("/1on1 add @lea @bo Career plans", mention + "/1on1 add @lea Career plans"),
        ("/1on1 cadence weekly", mention + "/1on1 cadence @lea weekly"),
        ("/1on1 done", mention + "/1on1 done @lea"),
        ("/1on1 agenda", mention + "/1on1 agenda @lea"),
        ("/1on1 agenda @ana", "1:1s are between a manager and their direct report: mention your report or your "
                              "manager, not yourself: /1on1 agenda @lea"),
        ("/1on1 add @zed Hi", "I don't know anyone called @zed."),
        ("/1on1 add @lea", "Please add some text: /1on1 add @lea Career plans"),
        ("/1on1 action @lea", "Please add some text: /1on1 action @lea Book the course"),
        ("/1on1 add @lea " + "x" * 2001, "That text is 2001 characters long; the limit is 2000."),
        ("/1on1 done @lea today", "Only the person goes after /1on1 done: /1on1 done @lea"),
        ("/1on1 agenda @lea now", "Only the person goes after /1on1 agenda: /1on1 agenda @lea"),
        ("/1on1 plans", "There is no /1on1 plans. Use one of: /1on1 add, /1on1 agenda, /1on1 note, /1on1 action, "
                        "/1on1 done, /1on1 cadence, /1on1 why, /1on1 cause."),
    ]
    for command, error in cases:
        assert error in await console.type(command, as_=ANA), command
    assert await count(deps, OneOnOneEntry) == 0
    assert await count(deps, OneOnOne) == 0  # not even the pair: an error rolls everything back
    out = await console.type("/1on1 help", as_=ANA)
    assert "/1on1 done @lea — the meeting was held today; the next date moves by the cadence" in out


async def test_the_manager_sets_the_cadence(deps, console):
    await team(deps, console)
    out = await console.type("/1on1 cadence @lea weekly", as_=ANA)
    assert "Your 1:1s with @lea are now weekly; the next one is on 2026-11-30." in out
    assert [p.cadence_days for p in await rows(deps, OneOnOne)] == [7]
    out = await console.type("/1on1 cadence @lea Monthly", as_=ANA)
    assert "Your 1:1s with @lea are now every four weeks; the next one is on 2026-12-21." in out
    out = await console.type("/1on1 cadence @lea biweekly", as_=ANA)
    assert "Your 1:1s with @lea are now every two weeks; the next one is on 2026-12-07." in out
    for command in ("/1on1 cadence @lea daily", "/1on1 cadence @lea"):
        assert "Choose weekly, biweekly or monthly: /1on1 cadence @lea weekly" in await console.type(command, as_=ANA)
    out = await console.type("/1on1 cadence @ana weekly", as_=LEA)
    assert "Only your manager @ana sets how often you meet. Suggest a change as a topic: /1on1 add @ana " \
           "Career plans" in out
    assert [p.cadence_days for p in await rows(deps, OneOnOne)] == [14]


async def test_done_records_the_meeting_on_the_managers_date_and_moves_the_next_one(deps, console, clock):
    await team(deps, console, zones=(STOCKHOLM, NEW_YORK))
    await console.type("/1on1 add @lea Career plans", as_=ANA)
    await console.type("/1on1 add @ana Training budget", as_=LEA)
    await console.type("/1on1 action @lea Book the course", as_=ANA)
    clock.set(datetime(2026, 11, 25, 23, 30, tzinfo=UTC))  # Thursday 00:30 in Stockholm, Wednesday in New York
    out = await console.type("/1on1 done @ana", as_=LEA)
    assert "Your 1:1 with @ana is recorded as held on 2026-11-26, with 2 topics. The next one is on 2026-12-10." in out
    held = date(2026, 11, 26)
    assert [p.last_held_on for p in await rows(deps, OneOnOne)] == [held]
    assert entries(await rows(deps, OneOnOneEntry)) == [
        ("topic", "Career plans", held, None), ("topic", "Training budget", held, None),
        ("action", "Book the course", held, None)]

    await console.type("/1on1 note @lea Agreed to try pairing", as_=ANA)  # the same day: belongs to that meeting
    await console.type("/1on1 add @lea Conference talk", as_=ANA)  # a topic is for the next meeting
    assert [(e.kind, e.held_on) for e in await rows(deps, OneOnOneEntry)][3:] == [("note", held), ("topic", None)]
    out = await console.type("/1on1", as_=ANA)
    assert "@lea  next 2026-12-10, last held 2026-11-26, every two weeks" in out
    out = await console.type("/1on1 agenda @lea", as_=ANA)
    assert "Topics\n• Conference talk — from @ana\nOpen action items\n• #3 Book the course\n" \
           "Notes from last time\n• Agreed to try pairing — @ana\n" in out
    assert "Career plans" not in out.replace("Add one: /1on1 add @lea Career plans", "")

    clock.set(datetime(2026, 12, 9, 12, 0, tzinfo=UTC))
    out = await console.type("/1on1 done @lea", as_=ANA)
    assert "Your 1:1 with @lea is recorded as held on 2026-12-09, with 1 topic. The next one is on 2026-12-23." in out


async def agenda_material(deps, console, clock) -> None:
    """Topics from both, a note, an open and a closed action, check-ins, kudos and goals of Lea."""
    clock.set(datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    await console.type("/kudos @lea Before the pair started", as_=BO)
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))  # a Wednesday: the last meeting
    await console.type("/1on1 add @lea Old topic", as_=ANA)
    await console.type("/1on1 done @lea", as_=ANA)
    clock.set(datetime(2026, 11, 26, 10, 0, tzinfo=UTC))
    await console.type("/1on1 add @lea Career plans", as_=ANA)
    await console.type("/1on1 add @ana Training budget", as_=LEA)
    await console.type("/1on1 note @ana Wants to lead the next release", as_=LEA)
    await console.type("/1on1 action @lea Book the course", as_=ANA)
    await console.type("/1on1 action @ana Old action", as_=LEA)
    await console.type("/1on1 action done 6", as_=LEA)
    await console.type("/kudos @lea Great demo", as_=BO)
    await console.type("/goal add Reduce p95 latency to 200 ms by 2027-03-31", as_=LEA)
    await console.type("/goal progress 1 40%", as_=LEA)
    await console.type("/goal add Write the runbook", as_=LEA)
    await console.type("/goal add Finished already", as_=LEA)
    await console.type("/goal done 3", as_=LEA)
    async with deps.uow() as uow:
        lea = await uow.people.by_email(LEA)
        uow.checkins.add(
            Checkin(person_id=lea.id, period="2026-W47", answers={}, mood=5, blockers="Too old to show",
                    submitted_at=datetime(2026, 11, 20, 15, 0, tzinfo=UTC)),
            Checkin(person_id=lea.id, period="2026-W48", answers={}, mood=4, blockers=None,
                    submitted_at=datetime(2026, 11, 27, 15, 0, tzinfo=UTC)),
            Checkin(person_id=lea.id, period="2026-W49", answers={}, mood=2, blockers="Waiting for database access",
                    submitted_at=datetime(2026, 12, 4, 15, 0, tzinfo=UTC)))


AGENDA = ("Topics\n• Career plans — from @ana\n• Training budget — from @lea\n"
          "Open action items\n• #5 Book the course\n"
          "Notes from last time\n• Wants to lead the next release — @lea\n"
          "Check-ins of @lea since 2026-11-25\n• Week 48: mood 4/5\n"
          "• Week 49: mood 2/5 — ⚠ blocked: Waiting for database access\n"
          "Kudos @lea received since 2026-11-25\n• 2026-11-26 from @bo: Great demo\n"
          "Open goals of @lea\n• #1 Reduce p95 latency to 200 ms: 40% (due 2027-03-31)\n• #2 Write the runbook: 0%")


async def test_agenda_shows_topics_actions_checkins_kudos_and_goals_since_the_last_meeting(deps, console, clock):
    await team(deps, console)
    await agenda_material(deps, console, clock)
    out = await console.type("/1on1 agenda @lea", as_=ANA)
    assert "1:1 agenda: @ana and @lea, Wednesday 2026-12-09\n" + AGENDA in out
    assert await console.type("/1on1 @ana", as_=LEA) == "1:1 agenda: @ana and @lea, Wednesday 2026-12-09\n" \
        + AGENDA + "\n"  # the same agenda for the report, nothing else
    for hidden in ("Old topic", "Old action", "Too old", "Before the pair", "Finished already"):
        assert hidden not in out


async def test_empty_agenda_says_how_to_add_a_topic_to_each_reader(deps, console):
    await team(deps, console)
    out = await console.type("/1on1 agenda @ana", as_=LEA)
    assert "1:1 agenda: @ana and @lea, Monday 2026-12-07\nTopics\nNo topics yet. Add one: /1on1 add @ana Career " \
           "plans\nOpen action items\nNo open action items.\nCheck-ins of @lea since 2026-11-23\nNo check-ins yet.\n" \
           "Kudos @lea received since 2026-11-23\nNo kudos yet.\nOpen goals of @lea\nNo open goals." in out
    assert "No topics yet. Add one: /1on1 add @lea Career plans" in await console.type("/1on1 agenda @lea", as_=ANA)


# The rhythm


async def test_agenda_goes_to_both_the_day_before_at_each_ones_local_hour_exactly_once(deps, console, clock):
    await team(deps, console, zones=(STOCKHOLM, NEW_YORK))
    await agenda_material(deps, console, clock)  # next meeting: Wednesday 2026-12-09
    eve = datetime(2026, 12, 8, tzinfo=UTC)
    assert (await ticked(deps, console, eve + timedelta(hours=7, minutes=59)))[:2] == (0, 0)
    agendas, _, out = await ticked(deps, console, eve + timedelta(hours=8))  # 09:00 in Stockholm
    assert agendas == 1
    assert "→ ana@example.com: 1:1 agenda: @ana and @lea, Wednesday 2026-12-09\n  " + AGENDA.replace("\n", "\n  ") \
        in out
    assert "→ lea@example.com" not in out
    for hours in (8.5, 13.98):
        assert (await ticked(deps, console, eve + timedelta(hours=hours)))[0] == 0
    agendas, _, out = await ticked(deps, console, eve + timedelta(hours=14))  # 09:00 in New York
    assert agendas == 1
    assert "→ lea@example.com: 1:1 agenda: @ana and @lea, Wednesday 2026-12-09\n  " + AGENDA.replace("\n", "\n  ") \
        in out
    for hours in (14.1, 20, 26):
        assert (await ticked(deps, console, eve + timedelta(hours=hours)))[0] == 0
    async with deps.uow() as uow:
        ana, lea = await uow.people.by_email(ANA), await uow.people.by_email(LEA)
        keys = (await uow.session.scalars(select(Delivery.key).where(Delivery.kind == "1on1.agenda"))).all()
    [pair] = await rows(deps, OneOnOne)
    assert sorted(keys) == sorted(f"1on1-agenda:{pair.id}:2026-12-09:{uid}" for uid in (ana.uid, lea.uid))


async def test_a_late_tick_within_grace_still_sends_the_agenda(deps, console, clock):
    await team(deps, console, zones=(STOCKHOLM, NEW_YORK))
    await agenda_material(deps, console, clock)
    agendas, _, out = await ticked(deps, console, datetime(2026, 12, 8, 19, 59, tzinfo=UTC))  # Stockholm +12h
    assert agendas == 2
    assert "→ ana@example.com: 1:1 agenda" in out and "→ lea@example.com: 1:1 agenda" in out


async def test_a_day_off_skips_the_agenda_for_that_person_only(deps, console, clock):
    await team(deps, console, zones=(STOCKHOLM, NEW_YORK))
    await agenda_material(deps, console, clock)
    async with deps.uow() as uow:
        (await uow.people.by_email(LEA)).away_until = date(2026, 12, 8)
    for hour in (8, 14, 19):
        await tick(deps, datetime(2026, 12, 8, hour, tzinfo=UTC))
    async with deps.uow() as uow:
        ana = await uow.people.by_email(ANA)
        sent = (await uow.session.scalars(select(Delivery.recipient_id).where(Delivery.kind == "1on1.agenda"))).all()
    assert sent == [ana.id]


async def test_an_agenda_due_on_a_holiday_or_weekend_comes_the_working_day_before(deps_factory, settings, clock):
    holidays = settings.model_copy(update={"schedule": ScheduleSettings(holidays=[date(2026, 12, 8)])})
    deps, console = deps_factory(holidays)
    await team(deps, console, zones=(STOCKHOLM, NEW_YORK))
    await agenda_material(deps, console, clock)  # next meeting Wednesday 12-09; Tuesday 12-08 is a holiday
    for hour in (8, 14, 19):
        assert (await ticked(deps, console, datetime(2026, 12, 8, hour, tzinfo=UTC)))[0] == 0
    assert (await ticked(deps, console, datetime(2026, 12, 7, 8, tzinfo=UTC)))[0] == 1  # Monday, 09:00 Stockholm
    assert (await ticked(deps, console, datetime(2026, 12, 7, 14, tzinfo=UTC)))[0] == 1  # 09:00 New York
    async with deps.uow() as uow:
        [pair] = (await uow.session.scalars(select(OneOnOne))).all()
        pair.last_held_on = date(2026, 12, 7)  # a Monday: the next one is Monday 12-21
    for hour in (8, 14, 19):  # not on Sunday
        assert (await ticked(deps, console, datetime(2026, 12, 20, hour, tzinfo=UTC)))[0] == 0
    assert (await ticked(deps, console, datetime(2026, 12, 18, 8, tzinfo=UTC)))[0] == 1  # but on Friday


def test_a_meeting_never_falls_on_a_weekend():
    from zoneinfo import ZoneInfo

    from storage.models import OneOnOne as Row

    for held, expected in ((date(2026, 11, 20), date(2026, 12, 4)), (date(2026, 11, 21), date(2026, 12, 7)),
                           (date(2026, 11, 22), date(2026, 12, 7))):
        pair = pairs.Pair(Row(cadence_days=14, last_held_on=held), None, None, ZoneInfo("UTC"))  # type: ignore[arg-type]
        assert pair.next_day == expected


async def test_a_tick_creates_missing_pairs_once(deps, console):
    await console.people(ANA, LEA, BO)
    await reports_to(deps, LEA, ANA)
    await reports_to(deps, BO, ANA)
    at = START + timedelta(hours=1)
    await run_due(deps, at, finders=[agenda.due])
    await run_due(deps, at + timedelta(minutes=1), finders=[agenda.due])
    assert [(p.cadence_days, p.created_at) for p in await rows(deps, OneOnOne)] == [(14, at), (14, at)]


async def test_concurrent_creation_of_a_pair_makes_one_row(deps, console):
    await team(deps, console)
    inserted = asyncio.Event()

    async def first() -> None:
        async with deps.uow() as uow:
            await uow.oneonones.create_missing(14, START)
            inserted.set()
            await asyncio.sleep(0.2)  # the second one runs while this transaction is still open

    async def second() -> None:
        await inserted.wait()
        async with deps.uow() as uow:
            await uow.oneonones.create_missing(14, START)

    await asyncio.gather(first(), second())
    assert await count(deps, OneOnOne) == 1


async def test_an_overdue_pair_is_flagged_to_the_manager_once_a_week_on_monday_morning(deps, console, clock):
    await team(deps, console, zones=(STOCKHOLM, NEW_YORK))
    await console.type("/1on1", as_=ANA)  # created Monday 2026-11-23, every two weeks: overdue from 12-21
    assert (await ticked(deps, console, datetime(2026, 12, 14, 8, 0, tzinfo=UTC)))[1] == 0
    assert (await ticked(deps, console, datetime(2026, 12, 21, 7, 59, tzinfo=UTC)))[1] == 0
    _, overdue, out = await ticked(deps, console, datetime(2026, 12, 21, 8, 0, tzinfo=UTC))  # 09:00 in Stockholm
    assert overdue == 1
    assert "→ ana@example.com: Your 1:1s with @lea are overdue\n  You have not held a 1:1 with @lea since " \
           "2026-11-23, and you meet every two weeks. Hold one soon and record it with /1on1 done @lea.\n" \
           "  [Show the agenda: /1on1 agenda @lea@example.com]" in out
    assert "→ lea@example.com: Your 1:1s" not in out
    for at in (datetime(2026, 12, 21, 12, 0, tzinfo=UTC), datetime(2026, 12, 22, 8, 0, tzinfo=UTC),
               datetime(2026, 12, 24, 8, 0, tzinfo=UTC)):
        assert (await ticked(deps, console, at))[1] == 0
    assert (await ticked(deps, console, datetime(2026, 12, 28, 8, 30, tzinfo=UTC)))[1] == 1
    assert "1:1 agenda: @ana and @lea" in await console.type("/1on1 agenda @lea@example.com", as_=ANA)  # the button
    async with deps.uow() as uow:
        keys = (await uow.session.scalars(select(Delivery.key).where(Delivery.kind == "1on1.overdue"))).all()
    [pair] = await rows(deps, OneOnOne)
    assert sorted(keys) == [f"1on1-overdue:{pair.id}:2026-W52", f"1on1-overdue:{pair.id}:2026-W53"]

    clock.set(datetime(2026, 12, 29, 10, 0, tzinfo=UTC))
    await console.type("/1on1 done @lea", as_=ANA)
    assert (await ticked(deps, console, datetime(2027, 1, 4, 8, 0, tzinfo=UTC)))[1] == 0
    assert (await ticked(deps, console, datetime(2027, 1, 25, 8, 0, tzinfo=UTC)))[1] == 0  # 27 days
    _, overdue, out = await ticked(deps, console, datetime(2027, 2, 1, 8, 0, tzinfo=UTC))
    assert overdue == 1
    assert "Your last 1:1 with @lea was on 2026-12-29, and you meet every two weeks." in out


# The digest


async def digest(deps, reader: str, end: datetime, *, org_wide: bool = False) -> str:
    async with deps.uow() as uow:
        person = await uow.people.by_email(reader)
        people = list(await uow.people.all()) if org_wide else list(await uow.people.reports_of(person.id))
        scope = DigestScope(deps=deps, uow=uow, t=deps.catalogs.translator("en"), reader=person, people=people,
                            team_names=[], start=end - timedelta(days=7), end=end, org_wide=org_wide)
        return render_text(View(blocks=await agenda.digest_section(scope)))


async def test_digest_section_names_held_upcoming_and_overdue_for_the_manager_and_counts_org_wide(
        deps, console, clock):
    cy, dan, eve = "cy@example.com", "dan@example.com", "eve@example.com"
    await team(deps, console)
    await console.people(cy, dan, eve)
    for report in (cy, dan):
        await reports_to(deps, report, ANA)
    await console.type("/1on1", as_=ANA)  # three pairs from Monday 2026-11-23
    await console.type("/1on1 cadence @dan weekly", as_=ANA)  # next 11-30, overdue from 12-07
    await console.type("/1on1 add @lea Private topic", as_=ANA)
    clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=UTC))
    await console.type("/1on1 done @lea", as_=ANA)  # held in the week, next 12-16
    await reports_to(deps, eve, BO)  # Bo's pair is made when the digest first needs it
    end = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert await digest(deps, ANA, end) == (
        "1:1s\n"
        "  Held this week                @lea\n"
        "  Coming up in the next 7 days  @cy on 2026-12-07\n"
        "  Overdue                       @dan")
    assert await digest(deps, BO, end) == (
        "1:1s\n  Held this week                —\n  Coming up in the next 7 days  —\n  Overdue                       —")
    assert await digest(deps, ADMIN, end, org_wide=True) == (
        "1:1s: 4 manager–report pairs\n"
        "  Held this week                1\n"
        "  Coming up in the next 7 days  1\n"
        "  Overdue                       1")
    assert await digest(deps, LEA, end) == ""  # no reports: no section
    assert await count(deps, OneOnOne) == 4


async def test_1on1_note_alone_opens_a_form_for_notes_and_action_items(deps, console):
    await team(deps, console)
    out = await console.type("/1on1 note @lea", as_=ANA)
    assert out.startswith("1:1 notes with @lea\nOnly the two of you can see these.\n1:1 notes with @lea — /cancel")
    await console.type("", as_=ANA)
    out = await console.type("", as_=ANA)
    assert "Write a note or an action item." in out
    assert await count(deps, OneOnOneEntry) == 0
    out = await console.type("x" * 2001, as_=ANA)  # only the wrong answer (the note) is asked again
    assert "Please keep it under 2000 characters." in out
    await console.type("/cancel", as_=ANA)
    assert await count(deps, OneOnOneEntry) == 0
    await console.type("/1on1 note @lea", as_=ANA)
    await console.type("Wants to lead the next release", as_=ANA)
    out = await console.type("Book the course", as_=ANA)
    assert "Note saved for your 1:1s with @lea; only the two of you can see it." in out
    entries = await rows(deps, OneOnOneEntry)
    action = next(e for e in entries if e.kind == "action")
    assert f"Action item #{action.id} saved; close it with /1on1 action done {action.id}." in out
    entries = await rows(deps, OneOnOneEntry)
    assert sorted((e.kind, e.text) for e in entries) == [("action", "Book the course"),
                                                         ("note", "Wants to lead the next release")]
    agenda = await console.type("/1on1 agenda @ana", as_=LEA)  # the report sees them; nobody else can
    assert "Book the course" in agenda


async def test_a_digest_makes_only_the_pairs_its_reporting_lines_lack_and_none_for_a_manager_of_themselves(
        deps, console):
    await team(deps, console)  # Ana manages Lea
    await reports_to(deps, BO, ANA)
    await reports_to(deps, ANA, ANA)  # the head of a directory that lists them as their own manager
    async with deps.uow() as uow:
        ana, lea, bo = [(await uow.people.by_email(email)).id for email in (ANA, LEA, BO)]

    async def lines() -> list[tuple[int, int]]:
        return [(p.manager_id, p.report_id) for p in await rows(deps, OneOnOne)]

    end = START + timedelta(days=14)  # the pairs start now (Monday 2026-11-23): the first 1:1s are two weeks on
    shown = ("1:1s\n"
             "  Held this week                —\n"
             "  Coming up in the next 7 days  @bo on 2026-12-07, @lea on 2026-12-07\n"
             "  Overdue                       —")
    assert await digest(deps, ANA, end) == shown
    assert await lines() == [(ana, lea), (ana, bo)]
    assert await digest(deps, ANA, end) == shown  # read, none made again
    assert await lines() == [(ana, lea), (ana, bo)]
    await reports_to(deps, LEA, BO)  # Lea's line moves to Bo: their pair is made when Bo's digest needs it
    assert "@lea" in await digest(deps, BO, end)
    assert "@lea" not in await digest(deps, ANA, end)
    assert await lines() == [(ana, lea), (ana, bo), (bo, lea)]
