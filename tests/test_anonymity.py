"""Trying to re-identify pulse respondents — and failing: small teams, team slices, subtraction of groups, the
stored rows, a data export, the logs, a manager of a tiny team, comments in small groups."""

from __future__ import annotations

import json
import logging
import random
import re
from collections import Counter
from datetime import timedelta
from itertools import combinations

from sqlalchemy import inspect, select, text

from bot.datarights import export_person
from bot.kernel.settings import LoggingSettings
from bot.pulse.report import digest_section
from bot.pulse.suppression import OTHER, suppress
from bot.rhythm.scheduler import tick
from feedbot.app import configure_logging
from storage.models import Person, SurveyAnswer, SurveyParticipation, SurveyRound, SurveySubmission
from tests.conftest import START
from tests.test_pulse import (
    ADMIN,
    CLOSE,
    OPEN,
    SURVEY,
    all_rows,
    answer_round,
    configured,
    lead,
    member,
    scope_for,
    setup,
)

K = 5


def team(name: str, size: int) -> list[str]:
    return [member(name, n) for n in range(1, size + 1)]


async def opened(deps_factory, settings, tmp_path, clock, *surveys: dict, **pulse: object):
    deps, console = await setup(deps_factory, settings, tmp_path, *surveys, **pulse)
    await tick(deps, START)
    await tick(deps, OPEN)
    clock.set(OPEN + timedelta(hours=1))
    return deps, console


async def test_a_team_of_three_is_never_shown_and_its_answers_carry_no_team(deps_factory, settings, tmp_path, clock):
    deps, console = await opened(deps_factory, settings, tmp_path, clock)
    await answer_round(console, team("Design", 3), [1, 1, 1], [0, 0, 0], ["1", "1", "1"])
    await answer_round(console, team("Apps", 6), [5] * 6, [10] * 6, ["2"] * 6)
    clock.set(CLOSE)
    await tick(deps, CLOSE)
    # Design (3) is too small, and Apps joins it in results (below): so in the rows too, no team is named.
    assert {a.group_name for a in await all_rows(deps, SurveyAnswer)} == {None}
    out = await console.type("/pulse results team-health", as_=ADMIN)
    assert "9 of 21 answered (43%)." in out
    assert "Design" not in out
    assert "By team" not in out  # Design (3) is too small, so Apps joins it: no slice can be shown
    out = await console.type("/pulse results", as_=lead("Design"))
    assert "Design: not enough answers to show (fewer than 5)." in out
    assert not re.search(r"average|eNPS|\d+ answers|answered", out)
    out = await console.type("/pulse results", as_=lead("Apps"))
    assert "Apps: not enough answers to show (fewer than 5)." in out


async def test_a_survey_of_a_small_team_is_not_run_and_says_why_once(deps_factory, settings, tmp_path, clock,
                                                                      caplog):
    """Design has 3 members: no round of a survey of them could ever be shown, so none is opened (it used to run,
    collect answers and show nothing)."""
    design = {**SURVEY, "key": "design-pulse", "audience": "team:Design"}
    deps, console = await opened(deps_factory, settings, tmp_path, clock, design)
    await tick(deps, OPEN + timedelta(hours=2))
    assert await all_rows(deps, SurveyRound) == []
    assert caplog.text.count("pulse survey design-pulse is not run: its audience team:Design has 3 people, fewer "
                             "than the anonymity threshold 5") == 1
    clock.set(CLOSE)
    for reader in (ADMIN, lead("Design")):
        out = await console.type("/pulse results design-pulse", as_=reader)
        assert not re.search(r"average|eNPS|answered|of 3|3 answers", out), out


async def test_subtracting_visible_slices_from_the_total_reveals_no_hidden_group(deps_factory, settings, tmp_path,
                                                                                clock):
    deps, console = await opened(deps_factory, settings, tmp_path, clock)
    await answer_round(console, team("Apps", 6), [5] * 6, [10] * 6, ["2"] * 6)
    await answer_round(console, team("Platform", 5), [4] * 5, [9] * 5, ["2"] * 5)
    await answer_round(console, team("Design", 3), [1] * 3, [0] * 3, ["1"] * 3)
    clock.set(CLOSE)
    await tick(deps, CLOSE)
    groups = Counter(a.group_name for a in await all_rows(deps, SurveyAnswer))
    # Design (3) is too small to be named, and Platform, which results merge with it, is stored without its name too.
    assert groups == {"Apps": 6 * 4, None: (5 + 3) * 4}
    out = await console.type("/pulse results team-health", as_=ADMIN)
    # Design (3) alone would be "other teams" and equal to total − Apps − Platform: Platform, the next-smallest
    # visible slice, is merged into it, so what is shown subtracts only to groups of at least 5.
    assert "14 of 21 answered (67%)." in out
    assert "Apps: 6 answers\n  How is your workload?               average 5.0" in out
    assert "Other teams: 8 answers\n  How is your workload?               average 2.9" in out
    assert "Platform" not in out and "Design" not in out
    shown = [int(n) for n in re.findall(r"^(?:Apps|Other teams): (\d+) answers$", out, re.M)]
    assert shown == [6, 8] and 14 - sum(shown) == 0
    assert all(14 - sum(subset) in (0, *range(K, 15)) for r in range(3) for subset in combinations(shown, r))
    out = await console.type("/pulse results", as_=lead("Platform"))
    assert "Platform: not enough answers to show (fewer than 5)." in out and "average" not in out


def random_sizes(rng: random.Random) -> dict[str | None, int]:
    sizes: dict[str | None, int] = {f"T{n}": rng.randint(0, 12) for n in range(rng.randint(0, 6))}
    if rng.random() < 0.7:
        sizes[None] = rng.randint(0, 6)
    return {name: n for name, n in sizes.items() if n}


def test_complementary_suppression_holds_for_any_group_sizes():
    rng = random.Random(20261123)
    for _ in range(3000):
        k = rng.randint(3, 6)
        sizes = random_sizes(rng)
        # Half the time the reader may be in one of the groups (asked, and knows whether they answered).
        mine = {rng.choice([*sizes, None])} if sizes and rng.random() < 0.5 else set()
        slices = suppress(sizes, k, mine)
        total = sum(sizes.values())
        shown = {label: sum(sizes[name] for name in names) for label, names in slices.items()}
        assert all(n >= k for n in shown.values()), (sizes, k, slices)
        assert all(shown[label] > k for label, names in slices.items() if mine & set(names)), (sizes, k, mine, slices)
        if total < k:
            assert slices == {}  # the whole survey is hidden, and so is every part of it
            continue
        if mine and total <= k:
            continue  # the whole is hidden from this reader (they may be in it), and only it could be subtracted from
        named = [n for label, n in shown.items() if label != OTHER]
        hidden_rest = total - sum(named)  # what subtracting every visible slice from the total would give
        assert hidden_rest == shown.get(OTHER, 0), (sizes, k, slices)  # … which is shown anyway, or nothing
        assert all(sizes[label] >= k for label in slices if label != OTHER)  # a named slice is one whole team
        assert None not in slices


def test_publishing_names_only_the_teams_results_could_show_and_no_reader_sees_a_difference():
    """At publish (bot/pulse/ballots.py) a team is named on its rows only if suppression could show its slice; the
    others count with the answers of no team, where results merged them anyway. So every group a reader of the table
    can tell apart holds at least k, and a reader sees the slices they would have seen with every team named — or,
    if they were asked and so need one more in their own group, at most fewer of them."""
    rng = random.Random(20261201)
    for _ in range(3000):
        k = rng.randint(3, 6)
        sizes = random_sizes(rng)
        if sum(sizes.values()) < k:
            continue  # such a round is published as nothing at all
        shown = set(suppress(sizes, k)) - {OTHER}
        published: dict[str | None, int] = {}
        for name, n in sizes.items():
            label = name if name in shown else None
            published[label] = published.get(label, 0) + n
        assert all(n >= k for n in published.values()), (sizes, k, published)
        # The reader: not asked; or asked, of each team that answered, of no team, or of a team that did not answer.
        for asked, team in [(False, None), *((True, name) for name in sizes), (True, None), (True, "absent")]:
            mine = [{team if team in groups else None} if asked else set() for groups in (sizes, published)]
            seen = [{label: sum(groups[name] for name in names) for label, names in suppress(groups, k, own).items()}
                    for groups, own in zip((sizes, published), mine, strict=True)]
            if not asked:
                assert seen[0] == seen[1], (sizes, k, seen)
            named = {label: n for label, n in seen[1].items() if label != OTHER}
            assert named.items() <= seen[0].items(), (sizes, k, team, seen)  # never a team slice they did not see


async def test_a_round_below_the_threshold_leaves_no_answer_row_and_says_too_few(deps_factory, settings, tmp_path,
                                                                                clock, database):
    """Before: its four answers were published as rows that a database reader could split four ways, though no
    result would ever show them. Now the tokens are deleted unread; who answered stays, for the response rate."""
    apps_only = {**SURVEY, "key": "apps-pulse", "audience": "team:Apps"}
    deps, console = await opened(deps_factory, settings, tmp_path, clock, apps_only)
    notes = [f"apps note {n}" for n in range(4)]
    await answer_round(console, team("Apps", 4), [1, 2, 4, 5], [0, 3, 8, 10], ["1", "2", "1", "2"], comments=notes)
    clock.set(CLOSE)
    await tick(deps, CLOSE)
    assert await all_rows(deps, SurveyAnswer) == [] and await all_rows(deps, SurveySubmission) == []
    assert [r.published for r in await all_rows(deps, SurveyRound)] == [True]
    assert sorted(p.answered for p in await all_rows(deps, SurveyParticipation)) == [False] * 2 + [True] * 4
    async with database.engine.connect() as conn:  # what a reader of the database finds: nothing of the answers
        for table in ("survey_answers", "survey_submissions"):
            assert (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar() == 0
    for reader in (ADMIN, lead("Apps")):
        out = await console.type("/pulse results apps-pulse", as_=reader)
        assert "Too few answers to show (fewer than 5)." in out
        assert not re.search(r"average|eNPS|answered|\d+ answers|apps note", out), out


async def test_a_team_below_the_threshold_is_published_without_its_name(deps_factory, settings, tmp_path, clock):
    """Before: Platform (five asked, two answering) was written as eight rows named Platform — two people's answers
    for whoever reads the table. Now they carry no team, as Design's and Data's do; the results are the same."""
    deps, console = await opened(deps_factory, settings, tmp_path, clock)
    await answer_round(console, team("Apps", 6), [5] * 6, [10] * 6, ["2"] * 6)
    await answer_round(console, team("Platform", 2), [1, 2], [0, 1], ["1", "1"])
    await answer_round(console, team("Design", 3), [3] * 3, [7] * 3, ["1"] * 3)
    await answer_round(console, team("Data", 2), [4] * 2, [8] * 2, ["2"] * 2)
    clock.set(CLOSE)
    await tick(deps, CLOSE)
    assert Counter(a.group_name for a in await all_rows(deps, SurveyAnswer)) == {"Apps": 6 * 4, None: 7 * 4}
    out = await console.type("/pulse results team-health", as_=ADMIN)
    assert "13 of 21 answered (62%)." in out
    assert "Apps: 6 answers\n  How is your workload?               average 5.0" in out
    assert "Other teams: 7 answers\n  How is your workload?               average 2.9" in out
    assert "Platform" not in out and "Design" not in out and "Data" not in out
    assert "Apps: 6 answers" in await console.type("/pulse results", as_=lead("Apps"))
    out = await console.type("/pulse results", as_=lead("Platform"))
    assert "Platform: not enough answers to show (fewer than 5)." in out and "average" not in out


async def test_answer_rows_hold_no_person_no_time_and_ids_that_do_not_follow_the_order(deps_factory, settings,
                                                                                       tmp_path, clock, database):
    deps, console = await opened(deps_factory, settings, tmp_path, clock)
    respondents = team("Apps", 6) + team("Platform", 4)
    markers = [f"marker {n:02d}" for n in range(len(respondents))]
    await answer_round(console, respondents, [3] * 10, [8] * 10, ["1"] * 10, comments=markers)
    clock.set(CLOSE)
    await tick(deps, CLOSE)
    async with database.engine.connect() as conn:
        columns = await conn.run_sync(lambda sync: inspect(sync).get_columns("survey_answers"))
        sealed = await conn.run_sync(lambda sync: inspect(sync).get_columns("survey_submissions"))
    assert {c["name"] for c in columns} == {"id", "round_id", "question_id", "group_name", "score", "choice", "text"}
    assert {c["name"] for c in sealed} == {"id", "round_id", "sealed"}
    assert not any("TIME" in str(c["type"]).upper() or "DATE" in str(c["type"]).upper() for c in columns + sealed)
    answers = await all_rows(deps, SurveyAnswer)
    assert len(answers) == 10 * 4
    async with deps.uow() as uow:
        people = (await uow.session.scalars(select(Person))).all()
    stored = " ".join(f"{a.id} {a.group_name} {a.choice} {a.text}" for a in answers).lower()
    for person in people:
        for identity in (person.uid, person.email, person.name.lower(), person.handle):
            assert identity not in stored
    assert all(re.fullmatch(r"[0-9a-f]{12}4[0-9a-f]{19}", a.id) for a in answers)  # random (uuid4), not a sequence
    comments = sorted((a for a in answers if a.text), key=lambda a: a.id)
    assert [a.text for a in comments] != markers  # ordered by id, they are not in the order given


async def test_the_data_export_of_a_respondent_holds_no_answers(deps_factory, settings, tmp_path, clock):
    deps, console = await opened(deps_factory, settings, tmp_path, clock)
    await answer_round(console, team("Apps", 6), [2] * 6, [4] * 6, ["2"] * 6,
                       comments=[f"secret remark {n}" for n in range(6)])
    clock.set(CLOSE)
    exported = json.dumps(await export_person(deps, member("Apps", 1)))
    assert "secret remark" not in exported and "Thursday" not in exported
    assert "survey_answers" not in exported and "How is your workload?" not in exported


SMALL_TEAM_FIGURES = re.compile(r"Design|Data|\b[0-4] (answers|of)\b")


async def whole_round(deps_factory, settings, tmp_path, clock) -> list[str]:
    """A whole round, every step that could log: sync, open, invite, answer, remind, close, results, digest."""
    deps, console = await opened(deps_factory, settings, tmp_path, clock)
    await answer_round(console, team("Apps", 6), [5] * 6, [10] * 6, ["2"] * 6,
                       comments=[f"confidential apps note {n}" for n in range(6)])
    await answer_round(console, team("Design", 3), [1] * 3, [0] * 3, ["1"] * 3,
                       comments=[f"confidential design note {n}" for n in range(3)])
    await answer_round(console, team("Data", 2), [2] * 2, [3] * 2, ["1"] * 2, comments=["data gripe A", "data gripe B"])
    await tick(deps, OPEN + timedelta(days=2))
    clock.set(CLOSE)
    await tick(deps, CLOSE)
    for reader in (ADMIN, lead("Apps"), lead("Design"), lead("Data")):
        await console.type("/pulse results", as_=reader)
    async with deps.uow() as uow:
        reader = await uow.people.by_email(lead("Data"))
        await digest_section(scope_for(deps, uow, reader, [], ["Data"], CLOSE + timedelta(days=3)))
    return ["confidential apps note", "confidential design note", "data gripe", "Thursday", "Tuesday"]


async def test_the_logs_of_a_whole_round_hold_no_answers_and_no_small_group_figures(deps_factory, settings, tmp_path,
                                                                                   clock, caplog):
    caplog.set_level(logging.DEBUG)
    answers = await whole_round(deps_factory, settings, tmp_path, clock)
    ours = [r for r in caplog.records if not r.name.startswith(("sqlalchemy", "aiosqlite", "asyncio"))]
    text = "\n".join(f"{r.name} {r.getMessage()}" for r in ours)
    assert "pulse survey team-health: round 1 opened" in text  # the feature does log, just nothing identifying
    for secret in answers:
        assert secret not in text
    assert not SMALL_TEAM_FIGURES.search(text), text


async def test_the_database_driver_logs_at_debug_hold_no_answers_either(deps_factory, settings, tmp_path, clock,
                                                                        caplog, database, request):
    # As `feedbot serve` with logging.level = "DEBUG" sets it up (aiosqlite alone logs every statement's values).
    configure_logging(settings.model_copy(update={"logging": LoggingSettings(level="DEBUG")}))
    request.addfinalizer(lambda: logging.getLogger("aiosqlite").setLevel(logging.NOTSET))
    caplog.set_level(logging.DEBUG)
    answers = await whole_round(deps_factory, settings, tmp_path, clock)
    for secret in answers:
        assert secret not in caplog.text


async def test_the_manager_of_a_two_person_team_sees_nothing(deps_factory, settings, tmp_path, clock):
    deps, console = await opened(deps_factory, settings, tmp_path, clock)  # a survey of Data alone is not run
    await answer_round(console, team("Data", 2), [1, 2], [0, 1], ["1", "1"])
    clock.set(CLOSE)
    out = await console.type("/pulse results", as_=lead("Data"))
    assert "Data: not enough answers to show (fewer than 5)." in out  # team-health, their slice
    assert not re.search(r"average|eNPS|answered|\d+ answers", out), out
    async with deps.uow() as uow:
        reader = await uow.people.by_email(lead("Data"))
        assert await digest_section(scope_for(deps, uow, reader, [], ["Data"], CLOSE + timedelta(days=3))) == []


async def test_comments_need_the_comment_threshold_and_come_sorted(deps_factory, settings, tmp_path, clock):
    deps, console = await opened(deps_factory, settings, tmp_path, clock)
    people = team("Apps", 6) + team("Platform", 3)
    notes = [f"note {letter}" for letter in "qwertyuiopa"]
    await answer_round(console, people, [3] * 9, [8] * 9, ["1"] * 9, comments=notes)
    clock.set(CLOSE)
    out = await console.type("/pulse results team-health", as_=ADMIN)
    assert "9 of 21 answered" in out
    # The admin was asked too, and knows whether the comments hold theirs: one more for them.
    assert "Comments on “Anything else?” are shown when at least 11 people answer." in out
    assert "note " not in out

    deps, console = deps_factory(configured(settings, SURVEY, comment_threshold=9))
    await tick(deps, OPEN + timedelta(weeks=2))
    clock.set(OPEN + timedelta(weeks=2, hours=1))
    people = team("Apps", 6) + team("Platform", 5)
    await answer_round(console, people, [3] * 11, [8] * 11, ["1"] * 11, comments=notes, round_id=2)
    clock.set(CLOSE + timedelta(weeks=2))
    out = await console.type("/pulse results team-health", as_=ADMIN)
    listed = re.findall(r"^“(note \w)”$", out, re.M)
    assert listed == sorted(notes)  # all of them, sorted: not in the order they came
    by_team = out[out.index("By team"):]
    assert "Apps: 6 answers" in by_team and "Platform: 5 answers" in by_team
    assert "note " not in by_team  # never per team: a slice's comments could be subtracted from the whole's
