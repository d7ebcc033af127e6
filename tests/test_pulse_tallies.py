"""Stored and kept pulse tallies equal the answers counted afresh, on SQLite and PostgreSQL.

A round's tallies are written when it is published (storage/tallies.py), its groups kept by the process once read
(bot/pulse/counted.py); these tests count the answer rows again with the GROUP BY that results used before, and
compare what every reader is shown."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import case, event, func, select, text

from bot.kernel.memo import Memo
from bot.pulse.ballots import seal
from bot.pulse.counted import tallied, tally
from bot.pulse.results import WHOLE, Asked, RoundTally
from storage.migrate import downgrade, upgrade
from storage.models import Survey, SurveyAnswer, SurveyQuestion, SurveyRound, SurveyTally, new_uid
from storage.tallies import answer_counts, tally_rows
from tests.conftest import START

KINDS = (("scale", []), ("enps", []), ("choice", ["red", "green", "blue"]), ("text", []))
TEAMS = [None, "Apps", "Data", "Design", "Platform", "Sales"]


async def survey_of(deps) -> Survey:
    async with deps.uow() as uow:
        survey = Survey(key="s", title="S", audience="everyone", created_at=START, questions=[
            SurveyQuestion(position=n, kind=kind, text=f"q{n}", options=options)
            for n, (kind, options) in enumerate(KINDS)])
        uow.session.add(survey)
        await uow.session.flush()
        survey_id = survey.id
    async with deps.uow() as uow:
        found = await uow.surveys.get(survey_id)
        assert found is not None
        return found


async def new_round(deps, survey: Survey, number: int, published: bool = False) -> SurveyRound:
    async with deps.uow() as uow:
        rnd = SurveyRound(survey_id=survey.id, number=number, opens_at=START + timedelta(weeks=number),
                          closes_at=START + timedelta(weeks=number, days=4), invited=100, published=published)
        uow.session.add(rnd)
        await uow.session.flush()
        return rnd


def answers_of(rng: random.Random, survey: Survey, round_id: int, respondents: list[str | None]) -> list[dict]:
    """Each respondent's answer rows as publishing writes them; some leave a question out (a skipped comment)."""
    rows = []
    for group in respondents:
        for question in survey.questions:
            value = {"scale": lambda: rng.randint(1, 5), "enps": lambda: rng.randint(0, 10)}.get(question.kind)
            skipped = rng.random() < 0.2
            rows.append({"id": new_uid(), "round_id": round_id, "question_id": question.id, "group_name": group,
                         "score": None if skipped or value is None else value(),
                         "choice": rng.choice(question.options) if question.kind == "choice" and not skipped else None,
                         "text": "a comment" if question.kind == "text" and not skipped else None})
    return rows


async def counted_afresh(uow, round_ids: list[int]) -> tuple[list, list]:
    """The rows results read before tallies were stored: GROUP BY over the answer rows."""
    columns = (SurveyAnswer.round_id, SurveyAnswer.question_id, SurveyAnswer.group_name)
    score = SurveyAnswer.score
    scores = (await uow.session.execute(select(
        *columns, func.count(), func.count(score), func.coalesce(func.sum(score), 0),
        func.count(case((score >= 9, 1))), func.count(case((score <= 6, 1)))).where(
        SurveyAnswer.round_id.in_(round_ids)).group_by(*columns))).all()
    keys = (*columns, SurveyAnswer.score, SurveyAnswer.choice)
    counts = (await uow.session.execute(select(*keys, func.count()).where(
        SurveyAnswer.round_id.in_(round_ids)).group_by(*keys))).all()
    return [tuple(row) for row in scores], [tuple(row) for row in counts]


def what_readers_see(tallies: list[RoundTally]) -> list[object]:
    """Everything any reader could be shown of these rounds: the whole and every team, as anyone and as someone
    asked in each round from each team (the +1 rule), with every group's respondents, scores and answers."""
    def seen(group):
        return None if group is None else (group.respondents, {q: vars_of(s) for q, s in group.scores.items()},
                                           group.answers)
    readers = [Asked()] + [Asked(frozenset({t.round.id for t in tallies}), team) for team in TEAMS]
    return [[seen(tally_.shown(name, asked)) for name in [WHOLE, *filter(None, TEAMS)] for asked in readers]
            + [sorted((label, seen(group)) for label, group in tally_.slices(asked).items()) for asked in readers]
            for tally_ in tallies]


def vars_of(scores) -> tuple[int, int, int, int]:
    return scores.scored, scores.total, scores.promoters, scores.detractors


sizes = st.lists(st.tuples(st.sampled_from(TEAMS), st.integers(min_value=1, max_value=9)), max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes, st.integers(min_value=0, max_value=2**32))
async def test_tallies_stored_at_publishing_equal_the_answers_counted_afresh(deps, groups, seed):
    """Each example publishes one more round through `Surveys.publish`; what is stored, and what each reader is
    shown from it, equals the GROUP BY over its answer rows."""
    rng = random.Random(seed)
    async with deps.uow() as uow:
        existing = await uow.surveys.listing()
    survey = existing[0] if existing else await survey_of(deps)  # the same database for every example
    async with deps.uow() as uow:
        number = len(await uow.surveys.rounds(survey.id)) + 1
    rnd = await new_round(deps, survey, number)
    respondents = [team for team, n in groups for _ in range(n)]
    async with deps.uow() as uow:
        locked = await uow.surveys.round_locked(rnd.id)
        await uow.surveys.publish(locked, [], answers_of(rng, survey, rnd.id, respondents))
    async with deps.uow() as uow:
        stored = (sorted(await uow.surveys.scores([rnd.id]), key=str), sorted(await uow.surveys.tallies([rnd.id]),
                                                                              key=str))
        scores, counts = await counted_afresh(uow, [rnd.id])
        assert stored == (sorted(scores, key=str), sorted(counts, key=str))
        rounds = [await uow.surveys.round(rnd.id)]
        kept = await tallied(deps, uow, rounds, survey.questions)
    afresh = tally(scores, counts, rounds, survey.questions, deps.settings.pulse.anonymity_threshold)
    assert what_readers_see(kept) == what_readers_see(afresh)


async def published_rounds(deps, count: int) -> tuple[Survey, list[SurveyRound]]:
    rng = random.Random(7)
    survey = await survey_of(deps)
    rounds = []
    for number in range(1, count + 1):
        rnd = await new_round(deps, survey, number)
        respondents = [team for team in TEAMS for _ in range(rng.randint(0, 8))]
        async with deps.uow() as uow:
            await uow.surveys.publish(await uow.surveys.round_locked(rnd.id), [],
                                      answers_of(rng, survey, rnd.id, respondents))
        rounds.append(rnd)
    return survey, rounds


async def test_tallies_kept_by_the_process_equal_fresh_ones_and_are_read_once(deps, database):
    survey, _ = await published_rounds(deps, 6)
    statements: list[str] = []
    event.listen(database.engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(str(args[2])))

    async def read(deps_) -> list[RoundTally]:
        async with deps_.uow() as uow:
            rounds = await uow.surveys.rounds(survey.id)
            return (await tallied(deps_, uow, rounds[:-1], survey.questions, distribution=False)
                    + await tallied(deps_, uow, rounds, survey.questions))

    first = await read(deps)
    read_first = sum("survey_tallies" in s for s in statements)
    statements.clear()
    again = await read(deps)
    assert read_first == 3 and not any("survey_tallies" in s for s in statements)  # kept: not read again
    fresh = await read(replace(deps, published=Memo()))
    assert what_readers_see(again) == what_readers_see(first) == what_readers_see(fresh)
    async with deps.uow() as uow:
        rounds = await uow.surveys.rounds(survey.id)
        scores, counts = await counted_afresh(uow, [r.id for r in rounds])
    latest = [row for row in counts if row[0] == rounds[-1].id]  # the distribution of the latest round only
    afresh = tally(scores, latest, rounds, survey.questions, deps.settings.pulse.anonymity_threshold)
    assert what_readers_see(again[-6:]) == what_readers_see(afresh)


async def test_a_round_published_by_a_read_that_rolls_back_is_not_kept(deps, clock):
    """A read publishes a round that has just closed; until that commits, its tallies are not final."""
    survey = await survey_of(deps)
    rnd = await new_round(deps, survey, 1)
    async with deps.uow() as uow:
        for n in range(6):
            values = [(q.id, {"score": 3} if q.kind == "scale" else {}) for q in survey.questions]
            await uow.surveys.seal_submission(rnd.id, seal(deps.sealer, 4096, "Apps" if n < 5 else None, values))
    clock.set(rnd.closes_at + timedelta(hours=1))
    read_at = deps
    with pytest.raises(RuntimeError):
        async with read_at.uow() as uow:
            tallies = await tallied(read_at, uow, [await uow.surveys.round(rnd.id)], survey.questions)
            assert tallies[0].whole().respondents == 6
            raise RuntimeError("the reading transaction fails")
    assert len(read_at.published) == 0
    async with read_at.uow() as uow:
        assert (await uow.surveys.round(rnd.id)).published is False  # rolled back: still sealed
        await tallied(read_at, uow, [await uow.surveys.round(rnd.id)], survey.questions)
    assert len(read_at.published) == 0  # published by this read: kept from the next one on
    async with read_at.uow() as uow:
        tallies = await tallied(read_at, uow, [await uow.surveys.round(rnd.id)], survey.questions)
    assert len(read_at.published) == 1 and tallies[0].whole().respondents == 6


async def test_upgrading_counts_the_rounds_published_before(database, deps):
    """Migration 0013 counts the answer rows already stored, as publishing now does."""
    _, rounds = await published_rounds(deps, 3)
    async with deps.uow() as uow:
        before = sorted(await uow.surveys.scores([r.id for r in rounds]), key=str), sorted(
            await uow.surveys.tallies([r.id for r in rounds]), key=str)

    await downgrade(database.engine, "0012")
    await upgrade(database.engine)
    async with deps.uow() as uow:
        after = sorted(await uow.surveys.scores([r.id for r in rounds]), key=str), sorted(
            await uow.surveys.tallies([r.id for r in rounds]), key=str)
        answers = [dict(row._mapping) for row in await uow.session.execute(select(
            SurveyAnswer.round_id, SurveyAnswer.question_id, SurveyAnswer.group_name, SurveyAnswer.score,
            SurveyAnswer.choice))]
        stored = await uow.session.scalar(select(func.count()).select_from(SurveyTally))
    assert after == before and stored == len(tally_rows(answer_counts(answers))) > 0


async def test_a_round_too_small_to_publish_stores_no_tally(deps, database):
    survey = await survey_of(deps)
    rnd = await new_round(deps, survey, 1)
    async with deps.uow() as uow:
        await uow.surveys.publish(await uow.surveys.round_locked(rnd.id), ["x"], [])
    async with database.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM survey_tallies"))).scalar() == 0
