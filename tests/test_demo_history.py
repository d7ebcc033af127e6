"""The sample organisation's check-in history (`feedbot console --demo`): written once, through the check-ins table the
form writes, and enough for the manager's digest to flag a real shift with the product's own control chart."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.kernel.calendar import iso_week
from bot.orgdir import import_people
from feedbot.cli import DEMO_ORG
from feedbot.demo_history import MOODS, fresh, seed_history

FRIDAY = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # week 48, as in the README sessions
# Sunday 23:35 in Stockholm: seven weeks back in UTC is 00:35 on a Monday there, summer time (until 25 October)
SUNDAY_NIGHT = datetime(2026, 12, 6, 22, 35, tzinfo=UTC)


def test_the_history_is_for_the_reports_of_one_manager_and_enough_of_them_for_anonymity():
    with DEMO_ORG.open(encoding="utf-8") as file:
        managers = {row["email"]: row["manager_email"] for row in csv.DictReader(file)}
    assert {managers[email] for email in MOODS} == {"ana@example.com"}
    assert sorted(MOODS) == sorted(email for email, manager in managers.items() if manager == "ana@example.com")
    assert len(MOODS) > 5  # the anonymity threshold, even in the week Bo answers in the session
    assert len({len(moods) for moods in MOODS.values()}) == 1


async def test_the_managers_digest_flags_the_drop_and_only_the_drop(deps, console, clock):
    clock.set(FRIDAY)
    assert fresh(await import_people(deps, DEMO_ORG))
    assert await seed_history(deps) == "added 65 sample check-ins, weeks 37–47, from the reports of ana@example.com"
    digest = await console.type("/digest", as_="ana@example.com")
    signals = digest.split("Signals (control charts, last 12 weeks)\n")[1].split("————")[0]
    assert signals.splitlines()[0] == "⚠ Mood of your team, week 47: a point beyond the control limits, down."
    assert signals.count("⚠") == 1  # the nine steady weeks before it are normal variation, not flagged
    assert "  mean  ▅▆▄▆▅▄▆▅▄▂▁  3.2\n" in signals  # weeks 37 to 47; week 48 has no answers yet


async def test_a_start_late_on_a_sunday_writes_one_check_in_a_week_across_a_summer_time_change(deps, clock):
    clock.set(SUNDAY_NIGHT)  # a start at this hour once failed: two of a Stockholm report's weeks fell in one
    await import_people(deps, DEMO_ORG)
    assert await seed_history(deps) == "added 65 sample check-ins, weeks 38–49, from the reports of ana@example.com"
    async with deps.uow() as uow:
        for email, moods in MOODS.items():
            person = await uow.people.by_email(email)
            assert person is not None
            weeks = [c.period for c in await uow.checkins.recent(person.id, len(moods))]
            assert len(weeks) == len(set(weeks)) == len(moods) - moods.count(".")
            local = SUNDAY_NIGHT.astimezone(ZoneInfo(person.timezone or "UTC"))  # Monday already in Shanghai
            assert max(weeks) < iso_week(local.date())  # their own current week is left to them


async def test_the_history_leaves_this_week_to_the_people(deps, console, clock):
    clock.set(FRIDAY)
    await import_people(deps, DEMO_ORG)
    await seed_history(deps)
    async with deps.uow() as uow:
        bo = await uow.people.by_email("bo@example.com")
        assert bo is not None
        assert [c.period for c in await uow.checkins.recent(bo.id, 2)] == ["2026-W46", "2026-W45"]
        assert not await uow.checkins.answered([iso_week(FRIDAY.date())])
    reply = await console.type("/checkin 2026-W47", as_="bo@example.com")  # Bo's week 47 is left for the session
    assert "avstämning för vecka 47" in reply.lower()


async def test_only_a_first_start_gets_the_history(deps, console):
    assert fresh(await import_people(deps, DEMO_ORG))
    assert not fresh(await import_people(deps, DEMO_ORG))  # the second start: everyone is unchanged

    await console.people("someone@example.com")  # a directory that had someone else first
    report = await import_people(deps, DEMO_ORG)
    assert not fresh(report)
