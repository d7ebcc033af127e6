"""/away @bo: a manager or an admin sets someone's away dates; the person is told; nobody else may."""

from __future__ import annotations

from datetime import date

from tests.test_checkins import ADMIN, BO, LEA, MAX, org


async def away_until(deps, email: str) -> date | None:
    async with deps.uow() as uow:
        return (await uow.people.by_email(email)).away_until


async def test_a_manager_sets_a_reports_away_dates_and_the_report_is_told(deps, console, tmp_path):
    await org(deps, tmp_path)
    out = await console.type("/away @lea until 2026-12-20", as_=MAX)
    assert "@Lea is away until 2026-12-20 (included); I told them." in out
    assert "→ lea@example.com: @Max marked you away until 2026-12-20 (included)" in out
    assert await away_until(deps, LEA) == date(2026, 12, 20)
    assert "@Lea is away until 2026-12-20." in await console.type("/away @lea", as_=MAX)
    out = await console.type("/away @lea off", as_=MAX)
    assert "@Lea is marked back; prompts are on again." in out and "→ lea@example.com: @Max marked you back" in out
    assert await away_until(deps, LEA) is None


async def test_an_admin_may_and_a_colleague_may_not(deps, console, tmp_path):
    await org(deps, tmp_path)
    out = await console.type("/away @lea until 2026-12-20", as_=BO)
    assert "Only @Lea's manager or an admin can set their away dates." in out
    assert await away_until(deps, LEA) is None
    assert "I told them" in await console.type("/away @lea until 2026-12-24", as_=ADMIN)
    assert await away_until(deps, LEA) == date(2026, 12, 24)


async def test_mistakes_for_someone_else_write_nothing(deps, console, tmp_path):
    await org(deps, tmp_path)
    assert "already passed" in await console.type("/away @lea until 2020-01-01", as_=MAX)
    assert "Say until when" in await console.type("/away @lea tomorrow", as_=MAX)
    assert "@Lea is not marked away." in await console.type("/away @lea off", as_=MAX)
    assert await away_until(deps, LEA) is None
