"""Reading a round's tallies: published first if it has closed since the last tick, then counted once per process.

A published round's answers never change (bot/pulse/ballots.py), and its tallies were stored when it was published
(storage/tallies.py): each round's groups are read once and kept in `Deps.published`, so a digest batch, a `/digest`
or a dashboard page does not read a year of them again. Kept are the counts, and what reads of them worked out from
the counts and the round's threshold alone (bot/pulse/results.py `Derived`: the suppression for each kind of reader,
the slices shown to a reader of each team); which of them a reader gets — the round's threshold, the one more
respondent for a reader who was asked — is decided on every read, as before (bot/pulse/results.py `RoundTally`). A
round published in this very transaction is not kept: the transaction may still roll back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from bot.kernel.context import Deps
from bot.pulse.ballots import publish
from bot.pulse.results import TREND, Derived, Group, RoundTally, Scores
from bot.pulse.suppression import threshold
from storage.models import Survey, SurveyQuestion, SurveyRound
from storage.uow import UnitOfWork

ScoreRow = tuple[int, int, str | None, int, int, int, int, int]  # see Surveys.scores
CountRow = tuple[int, int, str | None, int | None, str | None, int]  # see Surveys.tallies


@dataclass(frozen=True)
class Counted:
    """A round's groups as counted, and all of them merged once a reader needs it: read-only, shared by every reader."""

    groups: dict[str | None, Group]
    whole: list[Group] = field(default_factory=list)  # [all groups merged], shared by every `Derived` below
    derived: dict[int, Derived] = field(default_factory=dict)  # by threshold: what readers' reads work out once

    def tally(self, rnd: SurveyRound, k: int) -> RoundTally:
        """The round's tally with threshold `k`, sharing what earlier reads of these counts worked out."""
        if k not in self.derived:
            self.derived[k] = Derived(whole=self.whole)
        return RoundTally(rnd, self.groups, k, self.derived[k])


def tally(scores: Sequence[ScoreRow], counts: Sequence[CountRow], rounds: Sequence[SurveyRound],
          questions: Sequence[SurveyQuestion], configured: int) -> list[RoundTally]:
    """Rows of `Surveys.scores` and `Surveys.tallies` per round and group. Each respondent has one row per question
    (empty for a skipped comment), so the first question's rows count the respondents; a question's scores are kept
    only where an answer had one. `configured`: the
    anonymity threshold of the configuration now (see `threshold`)."""
    first = questions[0].id if questions else None
    by_round = {rnd.id: RoundTally(rnd, {}, threshold(rnd, configured)) for rnd in rounds}
    for round_id, question_id, group_name, answered, scored, total, promoters, detractors in scores:
        groups = by_round[round_id].groups
        group = groups.get(group_name) or groups.setdefault(group_name, Group())
        if scored:  # none to sum (a comment, or every answer skipped) reads as NO_SCORES: not kept (Surveys.scores)
            group.scores[question_id] = Scores(scored, total, promoters, detractors)
        if question_id == first:
            group.respondents += answered
    for round_id, question_id, group_name, score, choice, count in counts:
        groups = by_round[round_id].groups
        group = groups.get(group_name) or groups.setdefault(group_name, Group())
        answers = group.answers.setdefault(question_id, {})
        value = score if score is not None else choice
        answers[value] = answers.get(value, 0) + count
    return [by_round[rnd.id] for rnd in rounds]


async def tallied(deps: Deps, uow: UnitOfWork, rounds: Sequence[SurveyRound], questions: Sequence[SurveyQuestion],
                  *, distribution: bool = True) -> list[RoundTally]:
    """The rounds' tallies: the scores of every round, and (`distribution`) how often each answer was given in the
    latest.

    Every read of results comes here, so a round that has closed since the last tick is published first (its sealed
    submissions become answer rows, see bot/pulse/ballots.py) and counts whole at once. That happens in the caller's
    transaction: one that reads results, never one that marks someone as having answered (the repository refuses)."""
    configured = deps.settings.pulse.anonymity_threshold
    now = deps.clock.now()
    for rnd in rounds:
        if not rnd.published and rnd.closes_at <= now:
            await publish(uow, deps.sealer, rnd.id, configured)
    first = questions[0].id if questions else None
    latest = rounds[-1].id if distribution and rounds else None
    found: dict[int, Counted] = {}
    for rnd in rounds:  # the latest with its distribution; any other with or without
        kept = deps.published.get((rnd.id, first, True)) or (
            None if rnd.id == latest else deps.published.get((rnd.id, first, False)))
        if kept is not None:
            found[rnd.id] = cast(Counted, kept)
    missing = [rnd for rnd in rounds if rnd.id not in found]
    if missing:
        ids = [rnd.id for rnd in missing]
        counts = await uow.surveys.tallies([latest]) if latest in ids else []
        for fresh in tally(await uow.surveys.scores(ids, first), counts, missing, questions, configured):
            rnd = fresh.round
            found[rnd.id] = Counted(fresh.groups)
            if rnd.published and not uow.surveys.published_here(rnd.id):
                deps.published.put((rnd.id, first, rnd.id == latest), found[rnd.id])
    return [found[rnd.id].tally(rnd, threshold(rnd, configured)) for rnd in rounds]


async def closed_tallies(deps: Deps, uow: UnitOfWork, survey: Survey, before: datetime) -> list[RoundTally]:
    rounds = [rnd for rnd in await uow.surveys.rounds(survey.id) if rnd.closes_at <= before][-TREND:]
    return await tallied(deps, uow, rounds, survey.questions)
