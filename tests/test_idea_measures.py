"""Measured PDCA through the console on real storage (SQLite and PostgreSQL): a baseline, target and unit in Plan,
dated results (the latest counts), no adoption without a result, the numbers in /idea show and in the notices, every
wrong command refused with what to type and nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.kernel.settings import ConfigError, load_settings
from storage.models import Delivery, IdeaMeasure, IdeaResult, IdeaStatusChange

ANA, BO, CY, ADMIN = "ana@example.com", "bo@example.com", "cy@example.com", "admin@example.com"
QUINN = "quinn.hidden@example.com"  # an anonymous author
IDEA = "Cut the build time by caching wheels"
TABLES = (IdeaMeasure, IdeaResult, IdeaStatusChange, Delivery)


async def counts(deps) -> list[int]:
    async with deps.uow() as uow:
        return [await uow.session.scalar(select(func.count()).select_from(model)) for model in TABLES]


async def accepted(console, author: str = BO, *, anonymous: bool = False) -> None:
    """Idea #1 by `author`, owned by Ana, accepted (Plan); Cy voted for it."""
    await console.people(ANA, BO, CY, ADMIN, QUINN)
    await console.type(f"/idea {'--anon ' if anonymous else ''}{IDEA}", as_=author)
    await console.type("/idea vote 1", as_=CY)
    await console.type("/idea owner 1 @ana", as_=ADMIN)
    await console.type("/idea status 1 accepted", as_=ANA)


async def test_a_measured_cycle_from_plan_to_adopted(deps, console, clock):
    await accepted(console)
    out = await console.type("/idea measure 1 baseline 11 target 6 minutes", as_=ANA)
    assert "Idea #1 is measured: Baseline 11 minutes, target 6 minutes; no result yet." in out
    await console.type("/idea status 1 doing Trial on team A", as_=ANA)
    await console.type("/idea status 1 checking", as_=ANA)

    out = await console.type("/idea status 1 adopted", as_=ANA)
    assert ("Idea #1 has a baseline, so it needs a result before it is adopted. Record it with "
            "/idea measure 1 result 6.5, then type /idea status 1 adopted.") in out
    async with deps.uow() as uow:
        assert (await uow.ideas.get(1)).status == "checking"

    out = await console.type("/idea measure 1 result 7.5", as_=ANA)
    assert "Result recorded for idea #1: 11 → 7.5 minutes against a target of 6: -32%; the target is not met." in out
    clock.advance(timedelta(days=7))
    out = await console.type("/idea measure 1 result 5,5", as_=BO)  # the author may; a Swedish decimal comma
    assert "11 → 5.5 minutes against a target of 6: -50%; the target is met." in out

    shown = await console.type("/idea show 1", as_=CY)
    assert ("Measured effect\n11 → 5.5 minutes against a target of 6: -50%; the target is met.\n"
            "Results: 2026-11-23 7.5, 2026-11-30 5.5\n") in shown
    assert "Record a re-measurement" not in shown  # Cy only voted

    out = await console.type("/idea status 1 adopted Rolled out", as_=ANA)
    assert "Idea #1 moved from checking (check) to adopted (act)." in out
    for who in ("bo@example.com: Your idea #1 is now adopted (act)",
                "cy@example.com: An idea you voted for, #1, is now adopted (act)"):
        told = out.split(f"→ {who}")[1].split("\n→ ")[0]
        assert "11 → 5.5 minutes against a target of 6: -50%; the target is met." in told
    out = await console.type("/idea measure 1 result 5", as_=ANA)
    assert "Idea #1 is adopted (act): its cycle is closed and its numbers can no longer change." in out
    async with deps.uow() as uow:
        assert [r.value for r in await uow.ideas.results(1)] == [7.5, 5.5]


async def test_a_target_above_the_baseline_and_a_second_plan_replace_the_first(deps, console):
    await accepted(console)
    await console.type("/idea measure 1 baseline 2 target 4 minutes", as_=ANA)
    out = await console.type("/idea measure 1 baseline 60 target 90 % of builds cached", as_=ADMIN)
    assert "Baseline 60 % of builds cached, target 90 % of builds cached" in out
    out = await console.type("/idea measure 1 result 95", as_=ANA)
    assert "60 → 95 % of builds cached against a target of 90: +58%; the target is met." in out
    async with deps.uow() as uow:
        measure = await uow.ideas.measure(1)
        assert (measure.baseline, measure.target, measure.unit) == (60, 90, "% of builds cached")


async def test_from_a_baseline_of_zero_there_is_no_percentage(deps, console):
    await accepted(console)
    await console.type("/idea measure 1 baseline 0 target 3 releases a week", as_=ANA)
    out = await console.type("/idea measure 1 result 1", as_=ANA)
    assert "0 → 1 releases a week against a target of 3; the target is not met." in out


@pytest.mark.parametrize(("line", "as_", "expected"), [
    ("/idea measure 1 baseline target 6 minutes", ANA,
     "“target” is not a number (the baseline). Type it with digits, such as 6.5: "
     "/idea measure 1 baseline 11 target 6 minutes"),
    ("/idea measure 1 baseline", ANA, "Add the baseline as a number: /idea measure 1 baseline 11 target 6 minutes"),
    ("/idea measure 1 baseline 11 6 minutes", ANA, "Add the target after the baseline:"),
    ("/idea measure 1 baseline 11 target six minutes", ANA, "“six” is not a number (the target)."),
    ("/idea measure 1 baseline 11 target 6", ANA, "Add the unit after the target, a few words such as minutes"),
    ("/idea measure 1 baseline 11 target 6 " + "m" * 41, ANA, "The unit is 41 characters long; keep it to 40"),
    ("/idea measure 1 baseline 6 target 6,0 minutes", ANA, "The target is the baseline: say where the idea should"),
    ("/idea measure 1 result 6.5", ANA,
     "Idea #1 has no baseline yet, so a result has nothing to compare with. First type "
     "/idea measure 1 baseline 11 target 6 minutes"),
    ("/idea measure 1 baseline 11 target 6 minutes", CY,
     "Only the owner of idea #1, an admin or its author can measure it. Its numbers: /idea show 1"),
    ("/idea measure 1", ANA, "Say what you measured: in Plan the baseline and target, "
                             "/idea measure 1 baseline 11 target 6 minutes, then each re-measurement, "
                             "/idea measure 1 result 6.5."),
    ("/idea measure", ANA, "Which idea? Add its number: /idea measure 12 baseline 11 target 6 minutes"),
    ("/idea measure 9 result 1", ANA, "There is no idea #9."),
    ("/idea measure the deploy frequency", ANA, "Nothing was posted: /idea measure measures an idea"),
    ("/idea meausre 1 result 6", ANA, "Nothing was posted: did you mean /idea measure 1?"),
])
async def test_wrong_measures_say_what_to_type_and_write_nothing(deps, console, line, as_, expected):
    await accepted(console)
    before = await counts(deps)
    out = await console.type(line, as_=as_)
    assert expected in out
    assert await counts(deps) == before


async def test_a_result_must_be_a_number_and_comes_after_a_baseline(deps, console):
    await accepted(console)
    await console.type("/idea measure 1 baseline 11 target 6 minutes", as_=ANA)
    before = await counts(deps)
    assert "“fast” is not a number (the result)." in await console.type("/idea measure 1 result fast", as_=ANA)
    assert "Add the result as a number: /idea measure 1 result 6.5" in await console.type(
        "/idea measure 1 result", as_=ANA)
    assert "Type only the number after result, in minutes: /idea measure 1 result 6.5" in await console.type(
        "/idea measure 1 result 6 hours", as_=ANA)
    assert await counts(deps) == before
    assert "Result recorded" in await console.type("/idea measure 1 result 6 minutes", as_=ANA)


async def test_a_new_idea_is_measured_once_accepted(deps, console):
    await console.people(ANA, BO)
    await console.type(f"/idea {IDEA}", as_=BO)
    out = await console.type("/idea measure 1 baseline 11 target 6 minutes", as_=BO)
    assert "Idea #1 is new: it gets its baseline and target once it is accepted (plan)" in out
    assert (await counts(deps))[0] == 0


async def test_an_anonymous_author_measures_through_the_seal_and_is_named_nowhere(deps, console):
    await accepted(console, QUINN, anonymous=True)
    out = await console.type("/idea measure 1 baseline 11 target 6 minutes", as_=QUINN)
    assert "Idea #1 is measured" in out
    assert "Result recorded" in await console.type("/idea measure 1 result 6", as_=QUINN)
    assert "Only the owner of idea #1, an admin or its author" in await console.type(
        "/idea measure 1 result 5", as_=BO)
    async with deps.uow() as uow:
        quinn = (await uow.people.by_email(QUINN)).id
        measure, results = await uow.ideas.measure(1), await uow.ideas.results(1)
    rows = [measure.__dict__, *(r.__dict__ for r in results)]
    assert not any(quinn == value or "quinn" in str(value) for row in rows for value in row.values())


async def test_a_measure_reads_in_the_readers_language(deps, console):
    await accepted(console)
    await console.type("/language sv", as_=ANA)
    out = await console.type("/idea measure 1 baseline 11,5 target 6 minuter", as_=ANA)
    assert "11,5" in out and "minuter" in out and "is measured" not in out


def test_the_recognition_value_must_be_a_company_value(monkeypatch):
    monkeypatch.setenv("FEEDBOT_IDEAS__RECOGNITION_VALUE", "speed")
    with pytest.raises(ConfigError, match=r"ideas\.recognition_value must be one of kudos\.values"):
        load_settings(None)
    monkeypatch.setenv("FEEDBOT_IDEAS__RECOGNITION_VALUE", "#Quality")
    settings = load_settings(None)
    assert settings.recognition_value == "quality"
    monkeypatch.delenv("FEEDBOT_IDEAS__RECOGNITION_VALUE")
    assert load_settings(None).recognition_value == "teamwork"  # the first company value


async def test_the_console_status_form_asks_for_the_result_when_adopting(deps, console):
    await accepted(console)
    for line in ("measure 1 baseline 11 target 6 minutes", "status 1 doing", "status 1 checking"):
        await console.type(f"/idea {line}", as_=ANA)
    out = await console.type("/idea status 1", as_=ANA)
    for answer in ("adopted", "Rolled out"):
        out = await console.type(answer)
    assert "Result in minutes (baseline 11, target 6)" in out
    out = await console.type("")
    assert "It has a baseline, so it needs a result before it is adopted." in out
    assert (await counts(deps))[1] == 0
    assert "Everyone who took part in it is thanked" in await console.type("6,5")
    async with deps.uow() as uow:
        assert (await uow.ideas.get(1)).status == "adopted"
        assert [r.value for r in await uow.ideas.results(1)] == [6.5]


async def test_once_a_result_is_recorded_the_plan_it_was_measured_against_stays(deps, console):
    await accepted(console)
    await console.type("/idea measure 1 baseline 11 target 6 minutes", as_=ANA)
    await console.type("/idea measure 1 result 7", as_=ANA)
    before = await counts(deps)
    out = await console.type("/idea measure 1 baseline 60 target 90 % of builds cached", as_=ANA)
    assert ("Idea #1 already has results measured against a baseline of 11 minutes and a target of 6, so its plan "
            "stays as it is. Record a re-measurement: /idea measure 1 result 6.5") in out
    await console.type("/language zh_Hans", as_=ANA)
    out = await console.type("/idea measure 1 baseline 12 target 6 minutes", as_=ANA)
    assert "改进建议 #1 已有结果，是对照基线 11 minutes 和目标 6 测得的" in out
    assert await counts(deps) == before
    async with deps.uow() as uow:
        measure = await uow.ideas.measure(1)
        assert (measure.baseline, measure.target, measure.unit) == (11, 6, "minutes")
