"""Gaps closed in the goals audit (issue 18): a goal measured by a percentage takes "no change" in the check-in, in
every language, which confirms it as it is (so it does not go stale) and stores nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.orgdir import import_people
from storage.models import Checkin, KeyResult, KeyResultUpdate

ORG = ("email,name,manager_email,team,timezone,locale\n"
       "ana@example.com,Ana Lima,,Apps,UTC,en\n"
       "lea@example.com,Lea Berg,ana@example.com,Apps,UTC,{locale}\n")


@pytest.mark.parametrize(("locale", "same"), [("en", "no change"), ("en", "same"), ("sv", "ingen ändring"),
                                             ("sv", "samma"), ("zh_Hans", "不变"), ("zh_Hant", "沒有變化")])
async def test_no_change_confirms_a_percentage_goal_in_every_language(deps, console, tmp_path, clock, locale, same):
    (tmp_path / "org.csv").write_text(ORG.format(locale=locale))
    await import_people(deps, tmp_path / "org.csv")
    await console.type("/goal add Learn Rust", as_="lea@example.com")
    await console.type("/goal progress 1 40%", as_="lea@example.com")
    clock.advance(timedelta(days=20))
    await console.type("/checkin", as_="lea@example.com")
    for line in ("Shipped it", "Docs", "", "4"):
        out = await console.type(line)
    assert "Learn Rust" in out and "40" in out  # the goal's question, which names "no change" in that language
    await console.type(f"{same}x")  # not a number, not "no change": asked again, nothing stored
    assert await count(deps) == (0, 1)
    out = await console.type(same)
    assert "Learn Rust" not in out or "40%" in out
    async with deps.uow() as uow:
        kr = (await uow.session.scalars(select(KeyResult))).one()
        assert (kr.current, kr.updated_at.replace(tzinfo=None)) == (40, clock.now().replace(tzinfo=None))
    assert await count(deps) == (1, 2)  # the check-in; the confirmation beside the 40% update


async def count(deps) -> tuple[int, int]:
    async with deps.uow() as uow:
        checkins = len((await uow.session.scalars(select(Checkin))).all())
        updates = len((await uow.session.scalars(select(KeyResultUpdate))).all())
    return checkins, updates


async def test_a_key_result_has_a_due_date_of_its_own(deps, console, tmp_path):
    (tmp_path / "org.csv").write_text(ORG.format(locale="sv"))
    await import_people(deps, tmp_path / "org.csv")
    await console.type("/goal add Make the app fast", as_="ana@example.com")
    out = await console.type("/goal kr 1 Cut p95 latency from 900 to 200 ms by 2027-03-31", as_="ana@example.com")
    assert "1.1 Cut p95 latency: 900 ms (900 → 200 ms, 0%) — due 2027-03-31" in out
    out = await console.type("/goal edit 1.1 by 2027-06-30", as_="ana@example.com")
    assert "1.1 Cut p95 latency: 900 ms (900 → 200 ms, 0%) — due 2027-06-30" in out  # the title kept
    out = await console.type("/goal edit 1.1 by 2026-01-01", as_="ana@example.com")
    assert "The due date 2026-01-01 has already passed" in out
    await console.type("/goal add Lär mig Rust", as_="lea@example.com")  # in Swedish, a quarter: its last day
    out = await console.type("/goal kr 2 Lösta övningar från 0 till 40 övningar senast 2027-Q1", as_="lea@example.com")
    assert "2.1 Lösta övningar: 0 övningar (0 → 40 övningar, 0 %)" in out.replace("0%", "0 %") and "2027-03-31" in out
    async with deps.uow() as uow:
        rows = [(k.goal_id, k.unit, k.due_date.isoformat()) for k in (await uow.session.scalars(
            select(KeyResult).order_by(KeyResult.id))).all()]
    assert rows == [(1, "ms", "2027-06-30"), (2, "övningar", "2027-03-31")]
    assert "— due 2027-06-30" in await console.type("/goal", as_="ana@example.com")
