"""The weekly digest: a manager's team only, every section, at each manager's own slot, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.orgdir import import_people
from bot.rhythm.scheduler import tick

ORG = """email,name,manager_email,team,timezone,locale
ana@example.com,Ana Lima,,Apps,Europe/Stockholm,en
bo@example.com,Bo Nilsson,ana@example.com,Apps,Europe/Stockholm,en
cy@example.com,Cy Walker,ana@example.com,Apps,America/New_York,en
wei@example.com,Wei Zhang,,Platform,Asia/Shanghai,en
yu@example.com,Yu Lin,wei@example.com,Platform,Asia/Taipei,en
hr@example.com,Hanna Rask,,People,Europe/Stockholm,en
"""
ANA, BO, CY, WEI, YU, HR = (f"{n}@example.com" for n in ("ana", "bo", "cy", "wei", "yu", "hr"))


async def org(deps, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(ORG, encoding="utf-8")
    await import_people(deps, path)


async def checkin(console, who, well, blockers, mood):
    await console.type("/checkin", as_=who)
    for answer in (well, "Next things", blockers, *(["tools"] if blockers else []), mood):
        out = await console.type(answer)
    return out


async def test_a_managers_digest_covers_their_reports_only(deps, console, clock, tmp_path):
    await org(deps, tmp_path)
    clock.set(datetime(2026, 11, 20, 15, 0, tzinfo=UTC))  # Friday
    await checkin(console, BO, "Shipped the release", "Waiting for review access", "4")
    await checkin(console, YU, "Fixed the pager", "Platform secret blocker", "2")
    await console.type("/kudos @bo Great release #teamwork", as_=CY)
    await console.type("/goal add Learn Rust", as_=BO)
    await console.type("/goal progress 1 40%", as_=BO)
    await console.type("/idea Cache wheels in CI", as_=CY)
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))  # Monday 09:00 in Stockholm
    out = await console.type("/digest", as_=ANA)
    assert out.startswith("Weekly digest for @Ana Lima's team\n")
    for line in ("Check-ins: 1 of 2 answered for week 47.", "Not yet: @Cy Walker", "⚠ Blockers",
                 "@Bo Nilsson: Waiting for review access", "Kudos: 1 given, 1 received this week.",
                 "@Cy Walker → @Bo Nilsson: Great release #teamwork", "Goals: 1 open, average progress 40%.",
                 "@Bo Nilsson  Learn Rust — 40%", "Ideas from the team\nNew: #1 Cache wheels in CI"):
        assert line in out, line
    assert "Platform secret blocker" not in out and "Yu Lin" not in out  # another manager's team
    assert "  mood  ·······▆  4.0" in out  # the console's sparkline of the mood trend


async def test_the_mood_trend_spans_weeks(deps, console, clock, tmp_path):
    await org(deps, tmp_path)
    for week, mood in ((0, "2"), (1, "3"), (2, "5")):
        clock.set(datetime(2026, 11, 6, 15, 0, tzinfo=UTC) + timedelta(weeks=week))
        await checkin(console, BO, "Work", "", mood)
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    out = await console.type("/digest", as_=ANA)
    assert "  mood  ·····▃▅█  5.0" in out  # 2, 3, 5 on a 1–5 scale; earlier weeks had no answers


async def test_who_gets_which_digest(deps, console, tmp_path, deps_factory, settings):
    await org(deps, tmp_path)
    assert "The weekly digest is for managers, and nobody reports to you." in await console.type("/digest", as_=BO)
    assert "The organisation-wide digest is for admins." in await console.type("/digest org", as_=ANA)
    assert "Type /digest for your team's digest" in await console.type("/digest please", as_=ANA)
    admin_settings = settings.model_copy(update={"org": settings.org.model_copy(update={"admins": [HR]})})
    _, admin_console = deps_factory(admin_settings)
    out = await admin_console.type("/digest", as_=HR)
    assert out.startswith("Weekly digest for the organisation\n")
    assert "Check-ins: 0 of 6 answered" in out


async def test_digests_arrive_at_each_managers_morning_once(deps, console, clock, tmp_path):
    await org(deps, tmp_path)
    await tick(deps, datetime(2026, 11, 23, 0, 59, tzinfo=UTC))  # 08:59 in Shanghai: nobody yet
    out = console.out.getvalue()
    assert "→ wei@example.com: Weekly digest" not in out
    recorded = await tick(deps, datetime(2026, 11, 23, 1, 0, tzinfo=UTC))  # 09:00 in Shanghai
    assert recorded["digest"] == 1
    assert "→ wei@example.com: Weekly digest for @Wei Zhang's team" in console.out.getvalue()
    recorded = await tick(deps, datetime(2026, 11, 23, 8, 0, tzinfo=UTC))  # 09:00 in Stockholm
    assert recorded["digest"] == 1
    assert "→ ana@example.com: Weekly digest for @Ana Lima's team" in console.out.getvalue()
    assert (await tick(deps, datetime(2026, 11, 23, 8, 1, tzinfo=UTC)))["digest"] == 0
    assert console.out.getvalue().count("Weekly digest for") == 2


async def test_kudos_within_the_team_are_listed_once(deps, console, clock, tmp_path):
    await org(deps, tmp_path)
    await console.type("/kudos @bo Pairing was great", as_=CY)
    out = await console.type("/digest", as_=ANA)
    assert "Kudos: 1 given, 1 received this week." in out
    assert out.count("@Cy Walker → @Bo Nilsson: Pairing was great") == 1
