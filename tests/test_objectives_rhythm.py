"""Goals in the rhythm, on real storage: the check-in asks one question per key result ("no change" confirms it),
stale and off-track key results reach the manager's digest and the 1:1 agenda, admins see objectives at risk as
counts per team; development plans with who may see them, the growth topic every fourth 1:1, export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.datarights import export_person
from bot.rhythm.scheduler import tick
from storage.models import Delivery, GrowthItem, KeyResult, KeyResultUpdate
from tests.test_objectives import ADMIN, BO, CY, LEA, MAX, org

FORM_START = "? Key result 1.1 Cut p95 latency: now? — now 900 ms, target 200 ms; a number, then on track, at risk " \
             "or off track if you like; “no change” keeps it\n"


async def kr_rows(deps) -> list[tuple]:
    async with deps.uow() as uow:
        krs = (await uow.session.scalars(select(KeyResult).order_by(KeyResult.id))).all()
        updates = (await uow.session.scalars(select(KeyResultUpdate).order_by(KeyResultUpdate.id))).all()
        return [(k.goal_id, k.position, k.current, k.confidence) for k in krs] + [
            (u.value, u.confidence, u.note) for u in updates]


async def okrs(console) -> None:
    await console.type("/goal add Make the app fast", as_=LEA)
    await console.type("/goal kr 1 Cut p95 latency from 900 to 200 ms", as_=LEA)
    await console.type("/goal kr 1 Raise the Apdex from 0,6 to 0,9", as_=LEA)
    await console.type("/goal add Learn Rust", as_=LEA)


async def test_the_check_in_asks_each_key_result_and_no_change_confirms_it(deps, console, tmp_path):
    await org(deps, tmp_path)
    await okrs(console)
    out = await console.type("/checkin", as_=LEA)
    for line in ("Shipped it", "Docs", "", "4"):
        out = await console.type(line)
    assert out == FORM_START
    assert await console.type("450,5 at risk Cache is cold") == (
        "? Key result 1.2 Raise the Apdex: now? — now 0.6, target 0.9; a number, then on track, at risk or off "
        "track if you like; “no change” keeps it\n")
    assert await console.type("no change") == \
        "? Goal #2 Learn Rust: progress now? — 0–100%, now 0%; “no change” keeps it\n"
    out = await console.type("")
    assert "    Key result 1.1 Cut p95 latency                   450.5 ms — at risk — Cache is cold\n" \
           "    Key result 1.2 Raise the Apdex                   no change\n" in out
    assert await kr_rows(deps) == [(1, 1, 450.5, "at-risk"), (1, 2, 0.6, None), (2, 1, 0, None),
                                   (450.5, "at-risk", "Cache is cold"), (0.6, None, "check-in")]
    async with deps.uow() as uow:
        assert (await uow.goals.get(1)).progress == 32  # 64% and 0%, equal weights


async def test_a_wrong_key_result_answer_is_asked_again_and_nothing_is_stored(deps, console, tmp_path):
    await org(deps, tmp_path)
    await okrs(console)
    await console.type("/checkin", as_=LEA)
    for line in ("Shipped it", "Docs", "", "4", "fast", "", ""):
        out = await console.type(line)
    assert "⚠ Give a number, or “no change”; then on track, at risk or off track if you like, and a note.\n" + \
        FORM_START in out
    assert (await console.type("no change")).startswith("Thanks — your check-in for week 48 is saved")
    assert len(await kr_rows(deps)) == 3 + 1


async def test_stale_and_off_track_key_results_reach_the_digest_and_the_agenda(deps, console, tmp_path, clock):
    await org(deps, tmp_path)
    await okrs(console)
    await console.type("/goal update 1.2 0,7 off track Users complain", as_=LEA)
    await console.type("/goal add Ship offline mode", as_=BO)
    await console.type("/goal kr 3 Cut crash rate from 2 to 0,5 %", as_=BO)
    await console.type("/goal update 3.1 1,5 at risk", as_=BO)
    await console.type("/goal add --company Win the Nordic market", as_=ADMIN)
    out = await console.type("/digest", as_=MAX)
    assert "Key results that need attention\n@Lea: 1.2 Raise the Apdex — off track\n" in out
    assert "Cut p95 latency" not in out.split("Key results that need attention")[1]  # not stale yet
    clock.advance(timedelta(weeks=3))
    out = await console.type("/digest", as_=MAX)
    assert ("Key results that need attention\n@Bo: 3.1 Cut crash rate — no update since 2026-11-23\n"
            "@Lea: 1.1 Cut p95 latency — no update since 2026-11-23\n"
            "@Lea: 1.2 Raise the Apdex — off track\n@Lea: 2.1 Learn Rust — no update since 2026-11-23\n") in out
    out = await console.type("/digest org", as_=ADMIN)
    assert "Objectives at risk, by team\n  Apps  2\n" in out  # Lea's #1 (off track) and Bo's #3 (at risk)
    assert "Raise the Apdex" not in out and "crash" not in out
    out = await console.type("/1on1 agenda @lea", as_=MAX)
    assert "Key results of @Lea to talk about\n• 1.1 Cut p95 latency — no update since 2026-11-23\n" \
           "• 1.2 Raise the Apdex — off track\n• 2.1 Learn Rust — no update since 2026-11-23" in out
    assert "Growth:" not in out  # the first meeting
    for who in (CY, ADMIN):
        assert "Raise the Apdex" not in await console.type("/digest", as_=who)


async def test_development_plans_are_the_persons_agreed_with_their_manager(deps, console, tmp_path):
    await org(deps, tmp_path)
    out = await console.type("/grow add Learn query tuning by 2027-03-31 — pairing with Bo, the PostgreSQL course",
                             as_=LEA)
    assert "Added to your development plan as #1: #1 Learn query tuning (by 2027-03-31) — pairing with Bo, the " \
           "PostgreSQL course — not agreed yet\n@Max can comment and agree; only the two of you see it." in out
    assert "→ max@example.com: @Lea added to their development plan\n  #1 Learn query tuning\n" \
           "  [Agree: /grow agree 1]" in out
    out = await console.type("/grow agree 1", as_=MAX)
    assert "You agreed to #1 of @Lea's plan: Learn query tuning" in out
    assert "→ lea@example.com: @Max agreed to #1 of your development plan: Learn query tuning" in out
    out = await console.type("/grow comment 1 Let's pair on Tuesdays", as_=MAX)
    assert "→ lea@example.com: @Max commented on #1 of your development plan\n  Let's pair on Tuesdays" in out
    await console.type("/grow note 1 Finished the first part", as_=LEA)
    out = await console.type("/grow @lea", as_=MAX)
    assert "Development plan of @Lea\n#1 Learn query tuning (by 2027-03-31) — pairing with Bo, the PostgreSQL " \
           "course — agreed ✓\n    latest: Finished the first part (2026-11-23)" in out
    cases = {
        (BO, "/grow @lea"): "Development plans are seen by the person and their manager only.",
        (ADMIN, "/grow @lea"): "Development plans are seen by the person and their manager only.",
        (BO, "/grow agree 1"): "There is no open item #1 in a plan you can see. See /grow",
        (LEA, "/grow agree 1"): "Only @Lea's manager comments on and agrees to their plan; add a note with "
                                "/grow note 1 …",
        (MAX, "/grow done 1"): "Only @Lea changes their plan; you can /grow comment 1 … or /grow agree 1.",
        (LEA, "/grow add Learn Go by 2026-11-01"): "The due date 2026-11-01 has already passed.",
        (LEA, "/grow teach"): "There is no /grow teach. Use one of: /grow , /grow add, /grow note, /grow comment, "
                              "/grow agree, /grow done, /grow drop, /grow link.",
        (LEA, "/grow note x"): "Which item? Give its number from /grow: /grow note 3 Finished the first part",
    }
    for (who, line), error in cases.items():
        assert f"⚠ {error}" in await console.type(line, as_=who), line
    out = await console.type("/grow done 1", as_=LEA)
    assert "#1 is done: Learn query tuning. Well done!" in out
    assert "→ max@example.com: @Lea finished an item of their development plan: Learn query tuning" in out
    out = await console.type("/digest org", as_=ADMIN)
    assert "Development plans: 0 people with a plan; 1 items done in 2026-Q4." in out
    data = await export_person(deps, LEA)
    assert [(i["what"], i["status"], [n["text"] for n in i["notes"]]) for i in data["development_plan"]] == [
        ("Learn query tuning", "done", ["Let's pair on Tuesdays", "Finished the first part"])]


async def test_every_fourth_1on1_brings_a_growth_topic(deps, console, tmp_path, clock):
    await org(deps, tmp_path)
    await console.type("/grow add Learn query tuning — the PostgreSQL course", as_=LEA)
    for meeting in range(1, 4):
        out = await console.type("/1on1 agenda @lea", as_=MAX)
        assert "Growth:" not in out, meeting
        await console.type("/1on1 done @lea", as_=MAX)
        clock.advance(timedelta(days=14))
    out = await console.type("/1on1 agenda @lea", as_=MAX)
    assert "Growth: how is @Lea's development plan going?\n• #1 Learn query tuning — the PostgreSQL course" in out
    start = len(console.out.getvalue())
    day = clock.now().date() - timedelta(days=3)  # the next meeting is today, a Monday: its agenda came on Friday
    await tick(deps, datetime(day.year, day.month, day.day, 8, 5, tzinfo=UTC))  # 09:05 in Stockholm
    assert "Growth: how is @Lea's development plan going?" in console.out.getvalue()[start:]


async def test_growth_items_are_counted_for_admins_and_erased_with_the_person(deps, console, tmp_path):
    await org(deps, tmp_path)
    await console.type("/grow add Learn query tuning", as_=LEA)
    await console.type("/grow add Learn Go", as_=BO)
    out = await console.type("/digest org", as_=ADMIN)
    assert "Development plans: 2 people with a plan; 0 items done in 2026-Q4." in out and "Learn" not in out
    from bot.datarights import erase_person
    await erase_person(deps, LEA)
    async with deps.uow() as uow:
        assert [i.what for i in (await uow.session.scalars(select(GrowthItem))).all()] == ["Learn Go"]
        assert (await uow.session.scalars(select(Delivery.kind))).all() == ["growth.added"]  # Bo's, to Max
