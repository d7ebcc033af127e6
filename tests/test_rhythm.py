"""The scheduler engine with check-ins: a fixed clock driven across weeks, time zones and the DST changes of 2026.

Every expected instant below is written out by hand from the zones' known offsets (never computed with
zoneinfo), so a shifted, doubled or dropped prompt or reminder shows up as a difference in the list.
Stockholm: CET +1, CEST +2 from 2026-03-29 01:00Z to 2026-10-25 01:00Z. New York: EST -5, EDT -4 from
2026-03-08 07:00Z to 2026-11-01 06:00Z. Shanghai: +8 all year. Cairo: EET +2, EEST +3 from Friday
2026-04-24 00:00 local (skipped hour) to Thursday 2026-10-29 24:00 local (repeated hour 23).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from bot.kernel.context import Deps
from bot.kernel.outbox import Recipient
from bot.kernel.settings import Settings, WeeklySlot
from bot.kernel.views import View
from bot.orgdir import import_people
from bot.rhythm.scheduler import tick
from feedbot.app import build_deps
from storage.db import Database
from storage.models import Delivery, Person

HEADER = "email,name,manager_email,team,timezone,locale\n"
STO, NYC, SHA = "sto@example.com", "nyc@example.com", "sha@example.com"
EARLY, NIGHT, SAT = "early@example.com", "night@example.com", "sat@example.com"
PROMPT = "Time for your weekly check-in (week {week})"
REMINDER = "A reminder: your check-in for week {week} is still open"
CHECKIN_TITLES = ("Time for your weekly check-in", "A reminder: your check-in")  # other features' sends are ignored


def utc(text: str) -> datetime:
    """'2026-03-06 14' or '2026-03-06 14:30' → an aware UTC instant."""
    return datetime.fromisoformat(text + (":00" if ":" not in text else "")).replace(tzinfo=UTC)


class Recording:
    """A messenger that remembers who got which title; the tick it happened in is added by `drive`."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, recipient: Recipient, view: View) -> None:
        self.sent.append((recipient.email or "?", view.title))


async def org(deps: Deps, tmp_path: Path, rows: str) -> None:
    (tmp_path / "org.csv").write_text(HEADER + rows, encoding="utf-8")
    await import_people(deps, tmp_path / "org.csv")


def every(start: str, end: str, step: timedelta = timedelta(hours=1)) -> list[datetime]:
    """Instants from start to end inclusive."""
    instants, at = [], utc(start)
    while at <= utc(end):
        instants.append(at)
        at += step
    return instants


async def drive(deps: Deps, clock, instants: list[datetime]) -> list[tuple[datetime, str, str]]:
    """Tick at each instant (in order); returns (tick instant, recipient, title) of each check-in message sent."""
    recording = Recording()
    worker = replace(deps, messenger=recording)
    log: list[tuple[datetime, str, str]] = []
    for at in sorted(set(instants)):
        clock.set(at)
        await tick(worker, at)
        log += [(at, email, title) for email, title in recording.sent if title.startswith(CHECKIN_TITLES)]
        recording.sent.clear()
    return sorted(log)  # within one tick, by recipient


def expected(table: dict[str, list[tuple[str, str, int]]]) -> list[tuple[datetime, str, str]]:
    """{email: [("prompt"|"reminder", "2026-03-06 14", week), ...]} → sorted (instant, email, title)."""
    rows = [(utc(when), email, (PROMPT if kind == "prompt" else REMINDER).format(week=week))
            for email, items in table.items() for kind, when, week in items]
    return sorted(rows)


async def delivery_rows(deps: Deps) -> list[tuple[str, str, str, datetime, str]]:
    """(email, kind, key, created_at, status) of every outbox row, in insertion order."""
    async with deps.uow() as uow:
        rows = await uow.session.execute(select(Person.email, Delivery.kind, Delivery.key, Delivery.created_at,
                                                Delivery.status).join(Person, Delivery.recipient_id == Person.id)
                                         .order_by(Delivery.id))
        return [tuple(row) for row in rows]


async def uid(deps: Deps, email: str) -> str:
    async with deps.uow() as uow:
        return (await uow.people.by_email(email)).uid


def with_settings(settings: Settings, **sections: dict) -> Settings:
    """A copy of `settings` with some fields of some sections replaced (validated like a config file)."""
    data = settings.model_dump()
    for section, values in sections.items():
        data[section] = {**data[section], **values}
    data["privacy"]["secret_key"] = "test-secret"
    return Settings.model_validate(data)


WEEKEND_TEAMS = {"Night": {"weekday": "sunday", "hour": 2}, "Sat": {"weekday": "saturday", "hour": 15}}
THREE_ZONES = (f"{STO},Sto,,,Europe/Stockholm,en\n{NYC},Nyc,,,America/New_York,en\n"
               f"{SHA},Sha,,,Asia/Shanghai,en\n{EARLY},Early,,,Europe/Stockholm,en\n"
               f"{NIGHT},Night,,Night,Europe/Stockholm,en\n{SAT},Sat,,Sat,America/New_York,en\n")


@pytest.fixture
def zones(deps_factory, settings, tmp_path):
    """Three zones at the default Friday 15:00, an early bird on Monday 02:00 Stockholm time (set with
    /checkin schedule), and two teams whose configured slot falls on a weekend (never asked)."""
    async def make() -> tuple[Deps, object]:
        # The settings refuse a weekend slot now (tests/test_settings.py); a slot built past them is still never asked.
        teams = {team: WeeklySlot.model_construct(**slot) for team, slot in WEEKEND_TEAMS.items()}
        checkin = settings.checkin.model_copy(update={"teams": teams})
        deps, console = deps_factory(with_settings(settings).model_copy(update={"checkin": checkin}))
        await org(deps, tmp_path, THREE_ZONES)
        out = await console.type("/checkin schedule monday 2", as_=EARLY)
        assert out.endswith("I ask for your check-in every Monday at 02:00 (Europe/Stockholm).\n")
        return deps, console
    return make


async def test_spring_2026_every_prompt_and_reminder_at_its_local_hour(zones, clock):
    deps, console = await zones()
    # Hourly from Thursday to Tuesday around New York's switch (Sunday 8 March), then down for two weeks
    # (those prompts are too late to send), then hourly over Stockholm's switch (Sunday 29 March) and a week.
    log = await drive(deps, clock, every("2026-03-05 00", "2026-03-10 23") + every("2026-03-26 00", "2026-04-06 23"))
    assert log == expected({
        # Friday 15:00 Stockholm: CET, then CEST; the reminder, 24 h later, falls on Saturday: Monday 15:00.
        STO: [("prompt", "2026-03-06 14", 10), ("reminder", "2026-03-09 14", 10),
              ("prompt", "2026-03-27 14", 13), ("reminder", "2026-03-30 13", 13),
              ("prompt", "2026-04-03 13", 14), ("reminder", "2026-04-06 13", 14)],
        # Friday 15:00 EST, then Monday 15:00 EDT.
        NYC: [("prompt", "2026-03-06 20", 10), ("reminder", "2026-03-09 19", 10),
              ("prompt", "2026-03-27 19", 13), ("reminder", "2026-03-30 19", 13),
              ("prompt", "2026-04-03 19", 14), ("reminder", "2026-04-06 19", 14)],
        SHA: [("prompt", "2026-03-06 07", 10), ("reminder", "2026-03-09 07", 10),
              ("prompt", "2026-03-27 07", 13), ("reminder", "2026-03-30 07", 13),
              ("prompt", "2026-04-03 07", 14), ("reminder", "2026-04-06 07", 14)],
        # Monday 02:00 Stockholm, the night after the switch included; reminder Tuesday 02:00.
        EARLY: [("prompt", "2026-03-09 01", 11), ("reminder", "2026-03-10 01", 11),
                ("prompt", "2026-03-30 00", 14), ("reminder", "2026-03-31 00", 14),
                ("prompt", "2026-04-06 00", 15)],
        # NIGHT (Sunday 02:00, which does not exist on 29 March) and SAT (Saturday 15:00): weekends, never asked.
    })
    assert (await console.type("/checkin schedule", as_=NIGHT)).endswith(
        "I ask for your check-in every Sunday at 02:00 (Europe/Stockholm).\n")
    rows = await delivery_rows(deps)
    # One outbox row per send, each recorded at the tick that sent it, under its (kind, person, week) key.
    assert sorted((created, email) for email, _, _, created, _ in rows) == [(at, email) for at, email, _ in log]
    assert {status for *_, status in rows} == {"sent"}
    sto = await uid(deps, STO)
    assert [key for email, _, key, _, _ in rows if email == STO] == [
        f"{kind}:{sto}:2026-W{week}" for week in (10, 13, 14) for kind in ("checkin", "checkin-reminder")]


async def test_autumn_2026_every_prompt_and_reminder_at_its_local_hour(zones, clock):
    deps, _ = await zones()
    log = await drive(deps, clock, every("2026-10-22 00", "2026-11-03 23"))
    assert log == expected({
        # Stockholm falls back on Sunday 25 October; New York on Sunday 1 November.
        STO: [("prompt", "2026-10-23 13", 43), ("reminder", "2026-10-26 14", 43),
              ("prompt", "2026-10-30 14", 44), ("reminder", "2026-11-02 14", 44)],
        NYC: [("prompt", "2026-10-23 19", 43), ("reminder", "2026-10-26 19", 43),
              ("prompt", "2026-10-30 19", 44), ("reminder", "2026-11-02 20", 44)],
        SHA: [("prompt", "2026-10-23 07", 43), ("reminder", "2026-10-26 07", 43),
              ("prompt", "2026-10-30 07", 44), ("reminder", "2026-11-02 07", 44)],
        EARLY: [("prompt", "2026-10-26 01", 44), ("reminder", "2026-10-27 01", 44),
                ("prompt", "2026-11-02 01", 45), ("reminder", "2026-11-03 01", 45)],
    })


def cairo_has_weekday_dst() -> bool:
    """Egypt's 2023 rules (last Friday of April, last Thursday of October) are in this system's tz database."""
    cairo = ZoneInfo("Africa/Cairo")
    return (utc("2026-04-23 21:59").astimezone(cairo).hour, utc("2026-04-23 22").astimezone(cairo).hour,
            utc("2026-10-29 21").astimezone(cairo).hour) == (23, 1, 23)


@pytest.mark.skipif(not cairo_has_weekday_dst(), reason="tz database predates Egypt's 2023 DST rules")
async def test_a_weekday_slot_inside_the_skipped_and_the_repeated_hour_is_asked_exactly_once(deps, clock, tmp_path,
                                                                                             console):
    # Stockholm, New York and Shanghai switch on Sundays, which never prompt (see the spring test). Cairo
    # switches on a Friday (00:00 → 01:00) and a Thursday (23:00 twice), so a weekday slot can fall inside.
    await org(deps, tmp_path, "gap@example.com,Gap,,,Africa/Cairo,en\nfold@example.com,Fold,,,Africa/Cairo,en\n")
    await console.type("/checkin schedule friday 0", as_="gap@example.com")
    await console.type("/checkin schedule thursday 23", as_="fold@example.com")
    # Hourly through each transition week, and every 10 minutes around the switch itself.
    minutes = timedelta(minutes=10)
    spring = await drive(deps, clock, every("2026-04-23 00", "2026-04-27 00") + every("2026-04-23 20", "2026-04-23 23",
                                                                                       minutes))
    autumn = await drive(deps, clock, every("2026-10-29 00", "2026-11-02 00") + every("2026-10-29 19", "2026-10-29 23",
                                                                                       minutes))
    assert spring + autumn == expected({
        # Friday 24 April 00:00 never happens: asked when the clock jumps to 01:00 EEST (22:00Z); Monday 01:00.
        "gap@example.com": [("prompt", "2026-04-23 22", 17), ("reminder", "2026-04-26 22", 17),
                            # Friday 30 October 00:00 EET, the night after the repeated hour; Monday 00:00.
                            ("prompt", "2026-10-29 22", 44), ("reminder", "2026-11-01 22", 44)],
        # Thursday 23 April 23:00 EET; 24 h later is Saturday 00:00 EEST, a weekend, so Monday 00:00.
        "fold@example.com": [("prompt", "2026-04-23 21", 17), ("reminder", "2026-04-26 21", 17),
                             # Thursday 29 October has 23:00 EEST (20:00Z) and 23:00 EET (21:00Z): asked once,
                             # the first time; reminded 24 h later, Friday 22:00 EET.
                             ("prompt", "2026-10-29 20", 44), ("reminder", "2026-10-30 20", 44)],
    })


SOLO = f"{STO},Sto,,,Europe/Stockholm,en\n"


async def reopen(database: Database) -> Database:
    """A second Database (engine, pool, sessions) on the same data: another process, or a restart."""
    if database.engine.dialect.name == "sqlite":
        return Database(database.url)
    async with database.engine.connect() as conn:
        schema = await conn.scalar(text("SHOW search_path"))
    return Database(database.url, connect_args={"server_settings": {"search_path": schema}})


async def test_ticks_every_minute_repeated_ticks_and_a_restart_send_once(deps, clock, tmp_path, database, settings,
                                                                          catalogs):
    await org(deps, tmp_path, SOLO)
    log = await drive(deps, clock, every("2026-11-27 13", "2026-11-27 15", timedelta(minutes=1)))
    assert log == [(utc("2026-11-27 14"), STO, PROMPT.format(week=48))]
    for _ in range(3):  # a retried tick at the very same instant
        assert await tick(deps, utc("2026-11-27 14")) == Counter()
    restarted = await reopen(database)
    try:
        recording = Recording()
        again = build_deps(settings, restarted, recording, clock=clock, catalogs=catalogs)
        assert await tick(again, utc("2026-11-27 14:30")) == Counter()
        assert recording.sent == []
    finally:
        await restarted.dispose()
    sto = await uid(deps, STO)
    assert await delivery_rows(deps) == [(STO, "checkin.prompt", f"checkin:{sto}:2026-W48", utc("2026-11-27 14"),
                                          "sent")]


async def test_a_late_tick_sends_within_the_grace_and_not_after(deps, clock, tmp_path):
    await org(deps, tmp_path, SOLO)
    log = await drive(deps, clock, [utc("2026-11-27 17"),   # Friday 27 Nov 15:00 + 3 h (the bot was down)
                                    utc("2026-12-05 03"),   # Friday 4 Dec 15:00 + 13 h: too late, never sent
                                    utc("2026-12-12 02")])  # Friday 11 Dec 15:00 + 12 h: the last moment
    assert log == [(utc("2026-11-27 17"), STO, PROMPT.format(week=48)),
                   (utc("2026-12-12 02"), STO, PROMPT.format(week=50))]
    sto = await uid(deps, STO)
    assert [key for _, _, key, _, _ in await delivery_rows(deps)] == [f"checkin:{sto}:2026-W48",
                                                                       f"checkin:{sto}:2026-W50"]


async def test_the_grace_is_configurable(deps_factory, settings, clock, tmp_path):
    deps, _ = deps_factory(with_settings(settings, schedule={"grace_hours": 2}))
    await org(deps, tmp_path, SOLO)
    log = await drive(deps, clock, [utc("2026-11-27 17"),   # 3 h late: beyond a 2-hour grace
                                    utc("2026-12-04 16")])  # 2 h late: just in time
    assert log == [(utc("2026-12-04 16"), STO, PROMPT.format(week=49))]


async def test_team_slots_from_settings_and_personal_slots(deps_factory, settings, clock, tmp_path):
    deps, console = deps_factory(with_settings(settings, checkin={"teams": {"Apps": {"weekday": "thursday",
                                                                                     "hour": 16}}}))
    await org(deps, tmp_path, "app@example.com,App,,Apps,Europe/Stockholm,en\n"
                              "own@example.com,Own,,Apps,Europe/Stockholm,en\n"
                              "solo@example.com,Solo,,,Asia/Shanghai,en\n")
    assert (await console.type("/checkin schedule", as_="app@example.com")).endswith(
        "I ask for your check-in every Thursday at 16:00 (Europe/Stockholm).\n")
    assert (await console.type("/checkin schedule tue 9", as_="own@example.com")).endswith(
        "I ask for your check-in every Tuesday at 09:00 (Europe/Stockholm).\n")  # overrides the team's
    assert (await console.type("/checkin schedule", as_="solo@example.com")).endswith(
        "I ask for your check-in every Friday at 15:00 (Asia/Shanghai).\n")
    async with deps.uow() as uow:
        own = await uow.people.by_email("own@example.com")
        assert (own.checkin_weekday, own.checkin_hour) == (1, 9)
    log = await drive(deps, clock, every("2026-11-23 00", "2026-11-29 23"))
    assert log == expected({
        "app@example.com": [("prompt", "2026-11-26 15", 48), ("reminder", "2026-11-27 15", 48)],
        "own@example.com": [("prompt", "2026-11-24 08", 48), ("reminder", "2026-11-25 08", 48)],
        "solo@example.com": [("prompt", "2026-11-27 07", 48)],  # its reminder is on Monday 30 November
    })


async def test_holidays_skip_prompts_and_push_reminders_and_weeks_run_over_new_year(deps_factory, settings, clock,
                                                                                   tmp_path):
    deps, _ = deps_factory(with_settings(settings, schedule={"holidays": ["2026-12-07", "2026-12-25"]}))
    await org(deps, tmp_path, SOLO)
    log = await drive(deps, clock, every("2026-12-04 12", "2026-12-08 16") + every("2026-12-24 12", "2026-12-28 16")
                      + [utc("2027-01-01 14"), utc("2027-01-04 14"), utc("2027-01-08 14")])
    assert log == expected({STO: [
        ("prompt", "2026-12-04 14", 49),
        ("reminder", "2026-12-08 14", 49),  # Monday 7 December is a holiday: Tuesday 15:00
        # Friday 25 December is a holiday: no prompt, so no reminder on Monday 28th either.
        ("prompt", "2027-01-01 14", 53), ("reminder", "2027-01-04 14", 53),  # 1 January 2027 is in 2026-W53
        ("prompt", "2027-01-08 14", "01")]})
    sto = await uid(deps, STO)
    assert [key for _, _, key, _, _ in await delivery_rows(deps)][-3:] == [
        f"checkin:{sto}:2026-W53", f"checkin-reminder:{sto}:2026-W53", f"checkin:{sto}:2027-W01"]


async def test_away_means_no_prompt_and_no_reminder_until_the_day_after(deps, console, clock, tmp_path):
    await org(deps, tmp_path, SOLO)
    out = await console.type("/away until 2026-12-04", as_=STO)  # Monday 23 November
    assert out.endswith("Enjoy your time off. No check-ins or reminders until 2026-12-04 (included).\n")
    assert (await console.type("/away", as_=STO)).endswith(
        "You are away until 2026-12-04. Back earlier? /away off\n")
    days = [at for day in ("11-27", "12-04", "12-11") for at in every(f"2026-{day} 00", f"2026-{day} 23")]
    log = await drive(deps, clock, days)
    assert log == [(utc("2026-12-11 14"), STO, PROMPT.format(week=50))]  # the first Friday after 4 December

    # Prompted on Friday 18th, then away from Saturday to Tuesday 22nd: that week's reminder is dropped, not
    # saved for the return (the week was before the leave); the next Friday asks again.
    log = await drive(deps, clock, every("2026-12-18 13", "2026-12-18 15"))
    clock.set(utc("2026-12-19 10"))
    assert (await console.type("/away until 2026-12-22", as_=STO)).endswith(
        "Enjoy your time off. No check-ins or reminders until 2026-12-22 (included).\n")
    log += await drive(deps, clock, [*every("2026-12-21 00", "2026-12-23 23"), utc("2026-12-25 14")])
    assert log == [(utc("2026-12-18 14"), STO, PROMPT.format(week=51)),
                   (utc("2026-12-25 14"), STO, PROMPT.format(week=52))]

    clock.set(utc("2027-01-04 10"))
    await console.type("/away until 2027-06-30", as_=STO)
    assert (await console.type("/away off", as_=STO)).endswith("Welcome back — prompts are on again.\n")
    assert (await console.type("/away", as_=STO)).endswith(
        "You are not away. Going on leave? /away until 2026-12-01\n")
    assert await drive(deps, clock, [utc("2027-01-08 14")]) == [(utc("2027-01-08 14"), STO, PROMPT.format(week="01"))]


async def answer(console, who: str, mood: str = "4") -> str:
    """Fill in the default form (no goals): went well, next, blockers, mood; returns the first reply."""
    first = await console.type("/checkin", as_=who)
    for line in ("Good week", "More of it", "", mood):
        await console.type(line)
    return first


async def test_one_reminder_only_to_those_who_have_not_answered(deps, console, clock, tmp_path):
    await org(deps, tmp_path, SOLO + "bo@example.com,Bo,,,Europe/Stockholm,en\n")
    log = await drive(deps, clock, every("2026-11-27 13", "2026-11-27 15"))
    clock.set(utc("2026-11-28 10"))  # Saturday: Sto answers last night's prompt
    assert "Check-in for week 48\n" in await answer(console, STO)
    log += await drive(deps, clock, every("2026-11-30 00", "2026-12-02 23"))
    clock.set(utc("2026-12-01 10"))
    assert "Check-in for week 48\n" in await answer(console, "bo@example.com")  # after the reminder: still week 48
    log += await drive(deps, clock, every("2026-12-03 00", "2026-12-03 23"))
    assert log == expected({STO: [("prompt", "2026-11-27 14", 48)],
                            "bo@example.com": [("prompt", "2026-11-27 14", 48), ("reminder", "2026-11-30 14", 48)]})
    clock.set(utc("2026-12-02 10"))
    assert "Check-in for week 49\n" in await console.type("/checkin", as_="bo@example.com")  # week 48 is done


async def test_who_already_answered_this_week_is_not_asked(deps, console, clock, tmp_path):
    await org(deps, tmp_path, SOLO + "bo@example.com,Bo,,,Europe/Stockholm,en\n")
    # Monday 23 November: Bo was never asked about week 47, so his check-in is for this week.
    assert "Check-in for week 48\n" in await answer(console, "bo@example.com")
    log = await drive(deps, clock, every("2026-11-27 13", "2026-11-27 15") + every("2026-11-30 13", "2026-11-30 15"))
    assert log == expected({STO: [("prompt", "2026-11-27 14", 48), ("reminder", "2026-11-30 14", 48)]})


async def test_one_tick_sends_to_a_whole_office_at_once(deps, clock, tmp_path):
    rows = "".join(f"p{n:03d}@example.com,P{n},,,Europe/Stockholm,en\n" for n in range(250))
    await org(deps, tmp_path, rows)
    recording = Recording()
    assert await tick(replace(deps, messenger=recording), utc("2026-11-27 14")) == Counter({"checkin.prompt": 250})
    assert sorted(recording.sent) == [(f"p{n:03d}@example.com", PROMPT.format(week=48)) for n in range(250)]
    assert {status for *_, status in await delivery_rows(deps)} == {"sent"}


ROOT = Path(__file__).resolve().parent.parent


def test_run_due_from_the_command_line(tmp_path):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FEEDBOT_")}
    environ.update({"FEEDBOT_DATABASE__URL": f"sqlite:///{tmp_path / 'feedbot.db'}", "PYTHONPATH": str(ROOT),
                    "PYTHONIOENCODING": "utf-8"})

    def feedbot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "feedbot.cli", *args], cwd=tmp_path, env=environ,
                              capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)

    (tmp_path / "people.csv").write_text(HEADER + "ana@example.com,Ana Lima,,,Europe/Stockholm,en\n"
                                                  "lea@example.com,Lea Berg,,,America/New_York,en\n", encoding="utf-8")
    assert feedbot("org", "import", "people.csv").returncode == 0
    done = feedbot("run-due", "--at", "2026-11-27T14:00")  # 15:00 in Stockholm, 09:00 in New York
    assert done.returncode == 0
    # The log says what kind and how many, never to whom.
    assert done.stderr.endswith(" INFO bot.rhythm.scheduler: tick recorded {'checkin.prompt': 1}\n")
    assert "example.com" not in done.stderr
    assert done.stdout == ("→ ana@example.com: Time for your weekly check-in (week 48)\n"
                           "  Three short questions and your mood; it takes two minutes. Your manager sees your "
                           "answers.\n"
                           "  [Check in: /checkin 2026-W48]\n"
                           "1 checkin.prompt\n")
    assert feedbot("run-due", "--at", "2026-11-27T14:30").stdout == "nothing due\n"
    done = feedbot("run-due", "--at", "2026-11-27T15:00-05:00")  # an offset is honoured: 20:00Z
    assert done.stdout.startswith("→ lea@example.com: Time for your weekly check-in (week 48)\n")
    assert done.stdout.endswith("\n1 checkin.prompt\n")
    done = feedbot("run-due", "--at", "friday")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "feedbot: --at friday: not an ISO date and time such as 2026-11-27T15:00\n"
