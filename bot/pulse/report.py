"""Pulse results put into words: one question's summary, a group's trend, and the digest's pulse section, above the
thresholds only.

Who may see what: admins everything, managers the slices of their own teams — teams whose every member reports to
them (bot/kernel/visibility.py); bot/pulse/results.py has each round's threshold and the suppression, and one more
respondent for a group that may hold the reader's own answer (`Asked`); bot/pulse/counted.py reads the tallies. The
`/pulse results` views are in bot/pulse/results_view.py. Nothing here is logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from bot.kernel.i18n import Translator
from bot.kernel.sections import DigestScope
from bot.kernel.views import Block, Chart, Fields, Text
from bot.kernel.visibility import TeamManagers, own_teams_by_manager
from bot.pulse.counted import tallied
from bot.pulse.results import (
    NO_ANSWERS,
    NO_SCORES,
    NOT_ASKED,
    TREND,
    WHOLE,
    Asked,
    Counts,
    Group,
    RoundTally,
    Scores,
    about_team,
    asked_of,
    audience_teams,
    average,
    percent,
)
from storage.digest_queries import DigestQueries
from storage.models import Survey, SurveyQuestion, SurveyRound


def summary(t: Translator, question: SurveyQuestion, counts: Counts) -> str:
    """One question's result in one line: average and distribution, eNPS, or choice counts."""
    if question.kind == "scale":
        value = average(counts)
        distribution = " · ".join(f"{score}: {counts.get(score, 0)}" for score in range(1, 6))
        return t("average {average} · {distribution}", average=f"{value or 0:.1f}", distribution=distribution)
    if question.kind == "enps":
        scores = Scores.of(counts)
        total, promoters, detractors = scores.scored, scores.promoters, scores.detractors
        return t("eNPS {score} · promoters {promoters}% · passives {passives}% · detractors {detractors}%",
                 score=f"{scores.enps() or 0:+d}", promoters=percent(promoters, total),
                 passives=percent(total - promoters - detractors, total), detractors=percent(detractors, total))
    return " · ".join(f"{option}: {counts.get(option, 0)}" for option in question.options)


def question_fields(t: Translator, questions: Sequence[SurveyQuestion], group: Group) -> Fields:
    return Fields(fields=[(question.text, summary(t, question, group.answers.get(question.id, NO_ANSWERS)))
                          for question in questions if question.kind != "text"])


def trend(t: Translator, questions: Sequence[SurveyQuestion], tallies: Sequence[RoundTally], group: str,
          asked: Asked) -> list[Block]:
    """Averages (scale) and eNPS per round of one group (WHOLE or a team), None where it could not be shown to this
    reader in that round; only from two rounds on."""
    if len(tallies) < 2:
        return []
    shown = [tally_.shown(group, asked) for tally_ in tallies]
    labels = [f"#{tally_.number}" for tally_ in tallies]
    charts: list[Block] = []
    for kind, title, low, high, measure in (
            ("scale", t("Trend: average per round (1–5)"), 1, 5, Scores.average),
            ("enps", t("Trend: eNPS per round"), -100, 100, Scores.enps)):
        asked_about = [(question.id, short(question.text)) for question in questions if question.kind == kind]
        series = [(text, [None if group is None else measure(group.scores.get(question_id, NO_SCORES))
                          for group in shown]) for question_id, text in asked_about]
        if series:
            charts.append(Chart(title=title, labels=labels, series=series, low=low, high=high))
    return charts


def short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


async def digest_batch(scopes: list[DigestScope]) -> list[list[Block]]:
    """The pulse section of many digests at once (see `DigestBatch`)."""
    if not scopes:
        return []
    batch = await DigestBatch.load(scopes)
    return [await batch.blocks(scope) for scope in scopes]


async def digest_section(scope: DigestScope) -> list[Block]:
    return (await digest_batch([scope]))[0]


Loaded = tuple[Sequence[Survey], dict[int, Sequence[SurveyRound]], dict[int, frozenset[str] | None], TeamManagers,
               dict[int, str]]


FEW_READERS = 20  # up to this many, a batch reads the members of its readers' teams only, not of every team
Worded = dict[tuple[str, Asked], list[Any]]  # (group, where the reader's own answers may be) → blocks or series


@dataclass
class DigestBatch:
    """The pulse sections of one batch of digests: each set of rounds tallied once, and each group's results put
    into words once per language (a team's managers read the same results)."""

    surveys: Sequence[Survey]
    rounds: dict[int, Sequence[SurveyRound]]
    audiences: dict[int, frozenset[str] | None]  # the teams each survey asks (None: everyone)
    managers: TeamManagers  # whose slices a manager may see (bot/kernel/visibility.py)
    labels: dict[int, str]  # each labelled reader's team
    scopes: list[DigestScope]  # the batch's digests
    depth: int = TREND  # closed rounds read, the latest last
    distribution: bool = True  # also how often each answer was given in the latest round (not for a series)
    closed: dict[tuple[int, datetime], tuple[int, ...]] = field(default_factory=dict)  # (survey, end) → rounds
    tallies: dict[tuple[int, ...], list[RoundTally]] = field(default_factory=dict)
    # rounds → (all of them, the exceptions: reader → the rounds of them they were asked in)
    asked: dict[tuple[int, ...], tuple[frozenset[int], dict[int, frozenset[int]]]] = field(default_factory=dict)
    words: dict[tuple[str, tuple[int, ...], str], Worded] = field(default_factory=dict)  # (kind, rounds, locale)
    # (survey, its id, the team it is about, the teams it asks): read once, not once a reader (ORM attributes)
    shapes: list[tuple[Survey, int, str | None, frozenset[str] | None]] = field(init=False)
    # id(scope) → `picks`, kept in the batch's shared dict for all its pulse sections (its scopes live as long)
    picked: dict[int, list[tuple[Survey, int, list[str]]]] = field(init=False)

    def __post_init__(self) -> None:
        self.shapes = [(survey, survey.id, about_team(survey), self.audiences[survey.id]) for survey in self.surveys]
        self.picked = cast(dict[int, list[tuple[Survey, int, list[str]]]],
                           self.scopes[0].shared.setdefault("pulse picks", {}))

    @classmethod
    async def load(cls, scopes: list[DigestScope], depth: int = TREND, distribution: bool = True) -> DigestBatch:
        """The batch's surveys, rounds and teams read once for all its pulse sections (`DigestScope.shared`)."""
        uow, shared = scopes[0].uow, scopes[0].shared
        if "pulse" not in shared:
            surveys = await uow.surveys.listing()
            few = len(scopes) <= FEW_READERS and not any(scope.org_wide for scope in scopes)  # a `/digest`, a page
            queries = DigestQueries(uow.session)
            managers = await queries.team_managers(
                {name for scope in scopes for name in scope.team_names} if few else None) if surveys else {}
            teams = (cast(dict[int, str], shared["team names"]) if "team names" in shared  # read by weekly.build_all
                     else await queries.team_names()) if surveys else {}
            shared["pulse"] = (surveys, await uow.surveys.rounds_of([survey.id for survey in surveys]),
                               {survey.id: audience_teams(scopes[0].deps.settings, survey) for survey in surveys},
                               managers, {scope.reader_id: teams[scope.reader.team_id] for scope in scopes
                                          if scope.reader.team_id in teams})
        return cls(*cast(Loaded, shared["pulse"]), scopes, depth, distribution)

    async def groups(self, scope: DigestScope) -> list[tuple[Survey, tuple[int, ...], str, Asked]]:
        """(survey, its closed rounds, group, where the reader's own answers may be) the reader may see: the whole
        survey (WHOLE) or their own teams' slices; the rounds tallied in `tallies`."""
        found: list[tuple[Survey, tuple[int, ...], str, Asked]] = []
        reader_id = scope.reader_id
        for survey, survey_id, picks in self.picks(scope):
            if (survey_id, scope.end) not in self.closed:
                self.closed[survey_id, scope.end] = tuple(
                    rnd.id for rnd in self.rounds[survey_id] if rnd.closes_at <= scope.end)[-self.depth:]
            ids = self.closed[survey_id, scope.end]
            if not ids:
                continue
            if ids not in self.tallies:
                closed = [rnd for rnd in self.rounds[survey_id] if rnd.id in ids]
                self.tallies[ids] = await tallied(scope.deps, scope.uow, closed, survey.questions,
                                                  distribution=self.distribution)
                self.asked[ids] = await self.asked_in(scope, survey_id, ids)
            every, exceptions = self.asked[ids]
            rounds = exceptions.get(reader_id, every)
            asked = Asked(rounds, self.labels.get(reader_id)) if rounds else NOT_ASKED
            found += [(survey, ids, team, asked) for team in picks]
        return found

    def picks(self, scope: DigestScope) -> list[tuple[Survey, int, list[str]]]:
        """(survey, its id, the groups the reader may see in it) of the surveys the reader sees something of (most
        readers see nothing of most surveys), worked out once per reader for all the batch's pulse sections (the
        signals and the pulse report ask the same)."""
        if (found := self.picked.get(id(scope))) is None:
            teams = own_teams_by_manager(scope.reader_id, self.managers, scope.team_names)  # org-wide: the whole survey
            found = self.picked[id(scope)] = [
                (survey, survey_id, groups) for survey, survey_id, about, audience in self.shapes
                if (groups := [WHOLE] if scope.org_wide or about in teams else asked_of(audience, teams))]
        return found

    async def asked_in(self, scope: DigestScope, survey_id: int,
                       ids: tuple[int, ...]) -> tuple[frozenset[int], dict[int, frozenset[int]]]:
        """Which of these rounds (of one survey) the readers who see something of it were asked in: all of them, but
        for the exceptions (reader → the rounds they were asked in). One query for them all, never one a reader, and
        each round read once for all the batch's pulse sections."""
        # The rounds read, and the rounds each reader was not asked in: the exceptions, where a batch's readers were
        # asked twelve thousand times.
        read, missed = cast(tuple[set[int], dict[int, set[int]]], scope.shared.setdefault("not asked", (set(), {})))
        if missing := [round_id for round_id in ids if round_id not in read]:
            read.update(missing)
            queries = DigestQueries(scope.uow.session)
            for person_id, rounds in (await queries.not_asked(missing, self.readers_of(scope, survey_id))).items():
                missed.setdefault(person_id, set()).update(rounds)
        every = frozenset(ids)
        return every, {person_id: every.difference(rounds) for person_id, rounds in missed.items()
                       if not every.isdisjoint(rounds)}

    def readers_of(self, scope: DigestScope, survey_id: int) -> list[int]:
        """The readers who may see some group of the survey: only theirs is it worth knowing whether they were asked
        (a survey of a team's customers asks a few dozen people, of whom a reader or two may see it). Worked out for
        every survey at once, from each reader's picks."""
        seeing = cast(dict[int, list[int]] | None, scope.shared.get("pulse readers"))
        if seeing is None:
            found: dict[int, set[int]] = {}
            for each in self.scopes:
                for _, seen_id, _ in self.picks(each):
                    found.setdefault(seen_id, set()).add(each.reader_id)
            seeing = {seen_id: sorted(ids) for seen_id, ids in found.items()}
            scope.shared["pulse readers"] = seeing
        return seeing.get(survey_id, [])

    async def blocks(self, scope: DigestScope) -> list[Block]:
        """The latest closed round of each survey the reader may see, above the thresholds; [] when nothing."""
        blocks: list[Block] = []
        for survey, ids, team, asked in await self.groups(scope):
            words = self.worded(scope, "blocks", survey, ids)
            if (team, asked) not in words:
                words[team, asked] = group_blocks(scope.t, survey, self.tallies[ids], team, asked)
            blocks += words[team, asked]
        return blocks

    def worded(self, scope: DigestScope, kind: str, survey: Survey, ids: tuple[int, ...]) -> Worded:
        """Where these rounds' groups put into words in the reader's language are kept: a team's managers read the
        same results. When every round is final (published before this transaction), with the latest round's counts
        in `Deps.published`, so the next batch words none of them again; keyed on the survey's texts, so an admin's
        edit of a title or a question is never answered from what was worded before it."""
        key = (kind, ids, scope.t.locale)
        if key not in self.words:
            tallies, surveys = self.tallies[ids], scope.uow.surveys
            final = all(tally_.round.published and not surveys.published_here(tally_.round_id) for tally_ in tallies)
            self.words[key] = tallies[-1].derived.words.setdefault(
                (key, tuple(tally_.k for tally_ in tallies), wording(survey)), {}) if final else {}
        return self.words[key]


def wording(survey: Survey) -> tuple[object, ...]:
    """Everything of a survey its results are worded from (read once a batch, not once a reader)."""
    return (survey.title, tuple((question.id, question.kind, question.text, tuple(question.options or ()),
                                 tuple(sorted((question.texts or {}).items()))) for question in survey.questions))


def group_blocks(t: Translator, survey: Survey, tallies: list[RoundTally], team: str, asked: Asked) -> list[Block]:
    """One group's results in the latest round and their trend: the whole survey (WHOLE), or one team's slice."""
    group, number = tallies[-1].shown(team, asked), tallies[-1].number
    if group is None:
        return []
    return [Text(text=t.plural(
        "Pulse {title}, round #{number}: {n} answer", "Pulse {title}, round #{number}: {n} answers",
        group.respondents, title=survey.title, number=number) if not team else t.plural(
        "Pulse {title}, round #{number}, team {team}: {n} answer",
        "Pulse {title}, round #{number}, team {team}: {n} answers",
        group.respondents, title=survey.title, number=number, team=team)),
        question_fields(t, survey.questions, group), *trend(t, survey.questions, tallies, team, asked)]
