"""Objectives and key results through the console, on real storage: the three levels, key results and their
updates, roll-up in both directions, alignment and the tree, who sees what, periods, and the migration of goals."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import func, select, text

from bot.orgdir import import_people
from bot.rhythm.scheduler import tick
from storage.migrate import alembic_config, upgrade
from storage.models import Goal, GoalUpdate, KeyResult, KeyResultUpdate

LEA, MAX, BO, ADMIN, CY = "lea@example.com", "max@example.com", "bo@example.com", "admin@example.com", "cy@example.com"
ORG = ("email,name,manager_email,team,timezone,locale\n"
       "max@example.com,Max,,Apps,Europe/Stockholm,en\n"
       "lea@example.com,Lea,max@example.com,Apps,Europe/Stockholm,en\n"
       "bo@example.com,Bo,max@example.com,Apps,Europe/Stockholm,en\n"
       "cy@example.com,Cy,,Platform,Europe/Stockholm,en\n"
       "admin@example.com,Admin,,,Europe/Stockholm,en\n")


async def org(deps, tmp_path: Path) -> None:
    (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
    await import_people(deps, tmp_path / "org.csv")


async def count(deps, model) -> int:
    async with deps.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model))


async def krs(deps, goal_id: int) -> list[tuple]:
    async with deps.uow() as uow:
        return [(k.position, k.title, k.start, k.target, k.unit, k.current, k.weight, k.confidence, k.status)
                for k in await uow.goals.key_results([goal_id], include_dropped=True)]


async def progress(deps, goal_id: int) -> int:
    async with deps.uow() as uow:
        return (await uow.goals.get(goal_id)).progress


async def test_three_levels_and_who_may_add_them(deps, console, tmp_path):
    await org(deps, tmp_path)
    out = await console.type("/goal add --company Win the Nordic market by 2027-Q2", as_=ADMIN)
    assert "Company objective #1 added: Win the Nordic market. Due 2027-Q2.\n" \
           "Give it key results with /goal kr 1 Cut p95 latency from 900 to 200 ms; objectives align to it with " \
           "/goal align 12 to 1." in out
    out = await console.type("/goal add --team Make the app fast", as_=MAX)
    assert "Team objective #2 added: Make the app fast." in out
    cases = {
        (LEA, "/goal add --company Mine"): "Only admins add company objectives. Add a goal of your own: "
                                           "/goal add Reduce p95 latency to 200 ms by 2027-03-31",
        (LEA, "/goal add --team Mine"): "Team objectives are added by a team's manager: you need a team and people "
                                        "reporting to you in the org directory.",
        (ADMIN, "/goal add --team Ours"): "Team objectives are added by a team's manager",
        (LEA, "/goal add --everyone Mine"): "--everyone is not an option of /goal add. Use --company or --team, or "
                                            "leave it out for a goal of your own.",
        (LEA, "/goal add Ship it by 2026-Q3"): "The quarter 2026-Q3 is over. Pick this quarter or a later one",
    }
    for (who, line), error in cases.items():
        assert f"⚠ {error}" in await console.type(line, as_=who), line
    async with deps.uow() as uow:
        rows = (await uow.session.scalars(select(Goal).order_by(Goal.id))).all()
        max_ = await uow.people.by_email(MAX)
    assert [(g.level, g.quarter, g.team_id) for g in rows] == [("company", "2027-Q2", None),
                                                               ("team", None, max_.team_id)]
    assert await count(deps, KeyResult) == 0  # shared objectives roll up from what serves them until they get some


async def test_key_results_roll_up_in_both_directions_with_weights(deps, console):
    out = await console.type("/goal add Make the app fast", as_=LEA)
    assert "Or measure it with key results, /goal kr 1 Cut p95 latency from 900 to 200 ms, and align it to your " \
           "team's objective with /goal align 1 to 3." in out
    assert await krs(deps, 1) == [(1, "Make the app fast", 0, 100, "%", 0, 1, None, "open")]
    out = await console.type("/goal kr 1 Cut p95 latency from 900 to 200 ms", as_=LEA)
    assert "Key result 1.1 added: 1.1 Cut p95 latency: 900 ms (900 → 200 ms, 0%)" in out
    # the untouched 0–100 % it started with made room for the first real key result
    assert await krs(deps, 1) == [(1, "Cut p95 latency", 900, 200, "ms", 900, 1, None, "open")]
    await console.type("/goal kr 1 Raise the Apdex from 0,6 to 0,9 weight 2", as_=LEA)
    out = await console.type("/goal update 1.1 550 at risk The cache is not warm yet", as_=LEA)
    assert "1.1 Cut p95 latency: 550 ms (900 → 200 ms, 50%) — at risk. Goal #1 is at 17% now." in out
    out = await console.type("/goal update 1.2 0,75", as_=LEA)  # a decimal comma; 50% and 50% weighed 1:2
    assert "1.2 Raise the Apdex: 0.75 (0.6 → 0.9, 50%). Goal #1 is at 50% now." in out
    out = await console.type("/goal update 1.1 100 on track", as_=LEA)  # beyond the target counts as reached
    assert "1.1 Cut p95 latency: 100 ms (900 → 200 ms, 100%) — on track. Goal #1 is at 67% now." in out
    assert await progress(deps, 1) == 67
    async with deps.uow() as uow:
        kr = (await uow.goals.key_results([1]))[0]
        updates = [(u.value, u.confidence, u.note) for u in await uow.goals.key_result_updates(kr.id)]
    assert updates == [(550, "at-risk", "The cache is not warm yet"), (100, "on-track", "")]
    out = await console.type("/goal update 1.1 no change off track", as_=LEA)
    assert "— off track. Goal #1 is at 67% now." in out
    out = await console.type("/goal", as_=LEA)
    assert "#1 Make the app fast — 67%\n    1.1 Cut p95 latency: 100 ms (900 → 200 ms, 100%) — off track\n" \
           "    1.2 Raise the Apdex: 0.75 (0.6 → 0.9, 50%)" in out
    out = await console.type("/goal drop 1.2", as_=LEA)
    assert "Key result 1.2 dropped: Raise the Apdex. Goal #1 is at 100% now." in out
    out = await console.type("/goal edit 1.1 Cut p95 latency from 900 to 50 ms", as_=LEA)
    assert "1.1 Cut p95 latency: 100 ms (900 → 50 ms, 94%) — off track. Goal #1 is at 94% now." in out


async def test_key_result_mistakes_write_nothing(deps, console):
    await console.type("/goal add Make the app fast", as_=LEA)
    await console.type("/goal kr 1 Cut p95 latency from 900 to 200 ms", as_=LEA)
    before = await count(deps, KeyResult), await count(deps, KeyResultUpdate), await krs(deps, 1)
    cases = {
        "/goal kr 1 Cut p95 latency": "Say what you measure, from where and to where: "
                                      "/goal kr 1 Cut p95 latency from 900 to 200 ms",
        "/goal kr 1 Cut it from 5 to 5 ms": "The target is the start",
        "/goal kr 1 Cut it from 9 to 5 ms weight 0": "A weight is a number above zero, like 2",
        "/goal kr 9 Cut it from 9 to 5 ms": "There is no goal #9 of yours. See /goal list",
        "/goal update 1.1 fast": "Give the new value as a number, then optionally on track, at risk or off track "
                                 "and a note: /goal update 1.1 450 at risk The cache is not warm yet",
        "/goal update 1.4 450": "Goal #1 has no key result 1.4. See /goal list",
        "/goal update 1 450": "Goal #1 has 2 key results: say which, like /goal update 1.1 …",
        "/goal progress 1 40%": "Goal #1 is measured by its key results: update one, like /goal update 1.1 …",
        "/goal align 1 3": "Say which goal serves which: /goal align 12 to 3",
    }
    await console.type("/goal kr 1 Raise the Apdex from 0,6 to 0,9", as_=LEA)
    before = await count(deps, KeyResult), await count(deps, KeyResultUpdate), await krs(deps, 1)
    for line, error in cases.items():
        assert f"⚠ {error}" in await console.type(line, as_=LEA), line
    assert (await count(deps, KeyResult), await count(deps, KeyResultUpdate), await krs(deps, 1)) == before
    assert "⚠ There is no goal #1 of yours." in await console.type("/goal update 1.1 450", as_=BO)


async def test_alignment_and_the_tree_show_names_only_to_those_who_may_see_them(deps, console, tmp_path):
    await org(deps, tmp_path)
    await console.type("/goal add --company Win the Nordic market", as_=ADMIN)  # 1
    await console.type("/goal add --team Make the app fast", as_=MAX)  # 2
    await console.type("/goal add Cut latency", as_=LEA)  # 3
    await console.type("/goal add Ship offline mode", as_=BO)  # 4
    await console.type("/goal add Learn Rust", as_=BO)  # 5
    await console.type("/goal add Own the platform", as_=CY)  # 6
    out = await console.type("/goal align 2 to 1", as_=MAX)
    assert "Goal #2 now serves #1: #2 Make the app fast → #1 Win the Nordic market" in out
    await console.type("/goal align 3 to 2", as_=LEA)
    await console.type("/goal align 4 to 2", as_=BO)
    await console.type("/goal align 6 to 1", as_=CY)
    await console.type("/goal progress 3 40%", as_=LEA)
    await console.type("/goal progress 4 80%", as_=BO)
    await console.type("/goal progress 6 30%", as_=CY)
    # The team objective has no key results: it rolls up from #3 and #4 (60%); the company one from #2 and #6 (45%).
    out = await console.type("/goal tree", as_=LEA)
    assert out == ("Objectives, from the company's down\n"
                   "[company] #1 Win the Nordic market — 45%\n"
                   "  [team] #2 Make the app fast — 60%\n"
                   "    #3 Cut latency — 40% (@Lea)\n"
                   "    … and 1 objectives of others\n"
                   "  … and 1 objectives of others\n")
    out = await console.type("/goal tree", as_=MAX)  # the manager sees his reports' objectives, loose ones too
    assert "    #3 Cut latency — 40% (@Lea)\n    #4 Ship offline mode — 80% (@Bo)\n" in out
    assert "Not aligned yet:\n  #5 Learn Rust — 0% (@Bo)\n" in out
    out = await console.type("/goal tree", as_=ADMIN)  # admins: shared objectives by name, personal ones counted
    assert "Cut latency" not in out and "  [team] #2 Make the app fast — 60%\n    … and 2 objectives of others\n" in out
    cases = {
        (LEA, "/goal align 3 to 4"): "There is no goal #4 you can align to. See /goal tree",  # Bo's: not hers to see
        (MAX, "/goal align 1 to 2"): "There is no goal #1 of yours.",  # the company's belongs to admins
        (ADMIN, "/goal align 1 to 3"): "There is no goal #3 you can align to.",
        (MAX, "/goal align 2 to 3"): "Goal #2 is a team objective: it can serve a company objective or one at its "
                                     "own level, not #3.",
        (ADMIN, "/goal add --company Grow"): None,
    }
    for (who, line), error in cases.items():
        out = await console.type(line, as_=who)
        assert error is None or f"⚠ {error}" in out, line
    out = await console.type("/goal align 1 to 7", as_=ADMIN)
    assert "Goal #1 now serves #7" in out
    out = await console.type("/goal align 7 to 2", as_=ADMIN)
    assert "⚠ Goal #2 is a team objective" not in out  # company → team is refused by level first
    assert "⚠ Goal #7 is a company objective: it can serve a company objective or one at its own level, not #2." in out
    out = await console.type("/goal align 7 to 1", as_=ADMIN)
    assert "⚠ Goal #1 already serves #7: aligning them both ways would make a circle." in out


async def test_a_report_sees_their_own_and_their_manager_theirs_but_admins_only_count(deps, console, tmp_path):
    await org(deps, tmp_path)
    await console.type("/goal add Cut latency", as_=LEA)
    await console.type("/goal kr 1 Cut p95 latency from 900 to 200 ms", as_=LEA)
    assert "#1 Cut latency — 0%\n    1.1 Cut p95 latency: 900 ms" in await console.type("/goal list @lea", as_=MAX)
    for who in (BO, ADMIN, CY):
        assert "⚠ You are not allowed to see @Lea's goals" in await console.type("/goal list @lea", as_=who)
        assert "⚠ There is no goal #1 of yours." in await console.type("/goal update 1.1 500", as_=who)


async def test_the_end_of_a_period_asks_to_close_carry_over_or_drop(deps, console, tmp_path):
    await org(deps, tmp_path)
    await console.type("/goal add Cut latency by 2026-12-31", as_=LEA)  # a Thursday; New Year's Day is a Friday
    await console.type("/goal add Learn Rust by 2027-Q1", as_=LEA)
    start = len(console.out.getvalue())
    assert (await tick(deps, datetime(2026, 12, 31, 12, tzinfo=UTC)))["goal.period"] == 0
    recorded = await tick(deps, datetime(2027, 1, 1, 9, 30, tzinfo=UTC))  # 10:30 in Stockholm
    assert recorded["goal.period"] == 1
    assert (await tick(deps, datetime(2027, 1, 1, 10, tzinfo=UTC)))["goal.period"] == 0  # once
    out = console.out.getvalue()[start:]
    assert "→ lea@example.com: Goal #1 has reached the end of its period (2026-12-31)\n  Cut latency\n" \
           "  Close it, carry it over into 2027-Q1, or drop it.\n" \
           "  [Done: /goal done 1]  [Carry over: /goal carry 1]  [Drop: /goal drop 1]" in out
    out = await console.type("/goal carry 1", as_=LEA)
    assert "Goal #1 carries over into 2027-Q1: Cut latency" in out
    recorded = await tick(deps, datetime(2027, 4, 1, 9, tzinfo=UTC))
    assert recorded["goal.period"] == 2  # both end with the first quarter
    await console.type("/goal drop 2", as_=LEA)
    assert (await tick(deps, datetime(2027, 4, 2, 9, tzinfo=UTC)))["goal.period"] == 0


async def test_old_goals_become_objectives_with_one_percentage_key_result(database):
    config = alembic_config(database.engine.url.render_as_string(hide_password=False))

    def downgrade(connection: object) -> None:
        config.attributes["connection"] = connection
        command.downgrade(config, "0009")

    async with database.engine.begin() as conn:
        await conn.run_sync(downgrade)
    async with database.engine.begin() as conn:
        await conn.execute(text("INSERT INTO people (id, uid, email, name, created_at) VALUES "
                                "(1, 'u1', 'lea@example.com', 'Lea', '2026-11-01 09:00:00+00:00')"))
        await conn.execute(text("INSERT INTO goals (id, person_id, title, progress, status, created_at, updated_at) "
                                "VALUES (1, 1, 'Learn Rust', 40, 'open', '2026-11-01 09:00:00+00:00', "
                                "'2026-11-10 09:00:00+00:00'), (2, 1, 'Ship it', 100, 'done', "
                                "'2026-11-01 09:00:00+00:00', '2026-11-02 09:00:00+00:00')"))
        await conn.execute(text("INSERT INTO goal_updates (id, goal_id, progress, note, created_at) VALUES "
                                "(1, 1, 20, 'started', '2026-11-05 09:00:00+00:00'), "
                                "(2, 1, 40, '', '2026-11-10 09:00:00+00:00')"))
    await upgrade(database.engine)
    async with database.engine.connect() as conn:
        goals = (await conn.execute(text("SELECT id, level, parent_id, progress FROM goals ORDER BY id"))).all()
        rows = (await conn.execute(text(
            "SELECT goal_id, position, title, start, target, unit, \"current\", weight, status FROM key_results "
            "ORDER BY goal_id"))).all()
        updates = (await conn.execute(text("SELECT key_result_id, value, note FROM key_result_updates ORDER BY id")))
        updates = updates.all()
        kept = (await conn.execute(text("SELECT count(*) FROM goal_updates"))).scalar()
    assert goals == [(1, "personal", None, 40), (2, "personal", None, 100)]
    assert rows == [(1, 1, "Learn Rust", 0, 100, "%", 40, 1, "open"), (2, 1, "Ship it", 0, 100, "%", 100, 1, "open")]
    assert [(u[1], u[2]) for u in updates] == [(20, "started"), (40, "")] and kept == 2


async def test_old_goal_tests_still_hold_with_a_percentage_key_result(deps, console):
    await console.type("/goal add Learn Rust", as_=LEA)
    await console.type("/goal progress 1 40%", as_=LEA)
    assert await krs(deps, 1) == [(1, "Learn Rust", 0, 100, "%", 40, 1, None, "open")]
    async with deps.uow() as uow:
        assert [(u.progress, u.note) for u in await uow.goals.updates(1)] == [(40, "")]
    assert await count(deps, GoalUpdate) == 1


def test_quarters(clock):
    from bot.goals.common import next_quarter, quarter_end, quarter_of
    assert [str(quarter_end(q)) for q in ("2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4")] == [
        "2027-03-31", "2027-06-30", "2027-09-30", "2027-12-31"]
    assert next_quarter(clock.now().date()) == "2027-Q1"
    assert quarter_of(clock.now().date()) == "2026-Q4"
