"""Pulse results shown: the `/pulse results` views and the digest section, above the thresholds only.

Who may see what: admins everything, managers the slices of their own teams — teams whose every member reports to
them (bot/kernel/visibility.py); bot/pulse/results.py has the tallies, each round's threshold and the suppression,
and one more respondent for a group that may hold the reader's own answer (`Asked`). Results wait until a round
closes. Nothing here is logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.kernel.context import Context
from bot.kernel.errors import UserError
from bot.kernel.i18n import Translator
from bot.kernel.sections import DigestScope
from bot.kernel.views import Block, Chart, Divider, Fields, Text, View
from bot.kernel.visibility import TeamMembers, own_teams
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
    about,
    asked_of,
    asked_teams,
    audience_teams,
    average,
    closed_tallies,
    percent,
    tallied,
)
from bot.pulse.suppression import OTHER
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
    labels = [f"#{tally_.round.number}" for tally_ in tallies]
    charts: list[Block] = []
    for kind, title, low, high, measure in (
            ("scale", t("Trend: average per round (1–5)"), 1, 5, Scores.average),
            ("enps", t("Trend: eNPS per round"), -100, 100, Scores.enps)):
        series = [(short(question.text), [None if group is None else measure(group.scores.get(question.id, NO_SCORES))
                                          for group in shown]) for question in questions if question.kind == kind]
        if series:
            charts.append(Chart(title=title, labels=labels, series=series, low=low, high=high))
    return charts


def short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclass(frozen=True)
class Reader:
    """Whose results someone may see: everything (admins), or their own teams (managers)."""

    org_wide: bool
    teams: frozenset[str] = frozenset()  # teams made of the manager's reports only
    shared: frozenset[str] = frozenset()  # teams of their reports that hold other people too: not theirs to see


async def asked_in(ctx: Context, rounds: Sequence[SurveyRound]) -> Asked:
    """Where my own answers may be among these rounds' (see `Asked`)."""
    asked = (await DigestQueries(ctx.uow.session).asked([rnd.id for rnd in rounds], [ctx.me.id])).get(ctx.me.id)
    return Asked(asked, await ctx.uow.people.team_name(ctx.me)) if asked else NOT_ASKED


async def reader_of(ctx: Context) -> Reader:
    if ctx.is_admin:
        return Reader(org_wide=True)
    reports = await ctx.uow.people.reports_of(ctx.me.id)
    if not reports:
        raise UserError("Survey results are shown to admins, and to managers for their own team.")
    names = {team.id: team.name for team in await ctx.uow.people.teams()}
    teams = frozenset(names[p.team_id] for p in reports if p.team_id in names)
    own = own_teams(ctx.me.id, await DigestQueries(ctx.uow.session).team_members(), teams)
    return Reader(org_wide=False, teams=own, shared=teams - own)


async def results(ctx: Context, key: str) -> View | list[View]:
    reader = await reader_of(ctx)
    if key:
        survey = await ctx.uow.surveys.by_key(key.lower())
        if survey is None:
            raise UserError("There is no survey {key}. {command} lists them.", key=key, command=ctx.cmd("pulse list"))
        return await survey_results(ctx, survey, reader)
    surveys = [s for s in await ctx.uow.surveys.listing() if reader.org_wide or about(s, reader.teams)
               or asked_teams(ctx.deps.settings, s, reader.teams | reader.shared)]
    if not surveys:
        return View(title=ctx.t("Pulse results"), blocks=[Text(text=ctx.t("There are no survey results for you yet."))])
    return [await survey_results(ctx, survey, reader) for survey in surveys]


async def survey_results(ctx: Context, survey: Survey, reader: Reader) -> View:
    t = ctx.t
    rounds = await ctx.uow.surveys.rounds(survey.id)
    current = next((rnd for rnd in rounds if rnd.opens_at <= ctx.now < rnd.closes_at), None)
    tallies = await closed_tallies(ctx.deps, ctx.uow, survey, ctx.now)
    blocks: list[Block] = []
    if not tallies:
        blocks.append(Text(text=t("Results appear when the round closes on {date}.", date=ctx.local_date(
            current.closes_at)) if current else t("No round of this survey has closed yet.")))
        return View(title=t("Pulse results: {title}", title=survey.title), blocks=blocks)
    latest, asked = tallies[-1], await asked_in(ctx, [tally_.round for tally_ in tallies])
    blocks.append(Text(text=t("Round #{number}, closed on {date}.", number=latest.round.number,
                              date=ctx.local_date(latest.round.closes_at))))
    if latest.round.id in asked.rounds:  # said whatever the counts: whether it changed anything is not told
        blocks.append(Text(text=t("You were asked in this round: a group that may include your own answer needs at "
                                  "least {n} respondents to be shown to you.", n=latest.k + 1)))
    if reader.org_wide or about(survey, reader.teams):
        blocks += await whole_blocks(ctx, survey, tallies, asked)
        if reader.org_wide:
            blocks += slice_blocks(t, survey, latest, asked)
    else:
        teams = asked_teams(ctx.deps.settings, survey, reader.teams)
        shared = asked_teams(ctx.deps.settings, survey, reader.shared)
        if not teams and not shared:
            blocks.append(Text(text=t("This survey does not ask your team, so there is nothing to show you.")))
        for team in teams:
            blocks += team_blocks(t, survey, tallies, team, asked)
        for team in shared:
            blocks.append(Text(text=t("{team}: not shown to you, because it includes people who do not report to "
                                      "you. Admins see it.", team=team)))
    if current is not None:
        blocks.append(Text(text=t("Round #{number} is open; its results appear when it closes on {date}.",
                                  number=current.number, date=ctx.local_date(current.closes_at))))
    return View(title=t("Pulse results: {title}", title=survey.title), blocks=blocks)


async def whole_blocks(ctx: Context, survey: Survey, tallies: list[RoundTally], asked: Asked) -> list[Block]:
    t, latest = ctx.t, tallies[-1]
    whole = latest.shown(WHOLE, asked)
    if whole is None:  # also a round too small to be published at all: its answers were deleted unread
        return [Text(text=t("Too few answers to show (fewer than {n}).", n=latest.need(asked)))]
    # Like the threshold, one more for a reader who may have commented: they know which comment is theirs.
    comment_threshold = ctx.deps.settings.pulse.comment_threshold + latest.need(asked) - latest.k
    invited = latest.round.invited
    blocks: list[Block] = [
        Text(text=t("{respondents} of {invited} answered ({rate}%).", respondents=whole.respondents, invited=invited,
                    rate=percent(whole.respondents, invited))),
        question_fields(t, survey.questions, whole)]
    for question in (q for q in survey.questions if q.kind == "text"):
        if whole.respondents < comment_threshold:
            blocks.append(Text(text=t("Comments on “{question}” are shown when at least {n} people answer.",
                                      question=question.text, n=comment_threshold)))
            continue
        comments = await ctx.uow.surveys.comments(latest.round.id, question.id)
        if not comments:
            blocks.append(Text(text=t("No comments on “{question}”.", question=question.text)))
            continue
        blocks.append(Text(text=t("{question} — comments:", question=question.text)))
        blocks += [Text(text=f"“{comment}”") for comment in comments]
    return blocks + trend(t, survey.questions, tallies, WHOLE, asked)


def slice_blocks(t: Translator, survey: Survey, latest: RoundTally, asked: Asked) -> list[Block]:
    """Every team slice an admin may see in the latest round; hidden ones only as part of "other teams"."""
    slices = latest.slices(asked)
    if latest.shown(WHOLE, asked) is None or not any(label != OTHER for label in slices):
        return []
    blocks: list[Block] = [Divider(), Text(text=t("By team. Smaller groups are merged into “other teams” so that no "
                                                  "group of fewer than {n} can be shown or worked out.", n=latest.k))]
    for label, group in slices.items():
        name = t("Other teams") if label == OTHER else label
        blocks.append(Text(text=t.plural("{team}: {n} answer", "{team}: {n} answers", group.respondents, team=name)))
        blocks.append(question_fields(t, survey.questions, group))
    return blocks


def team_blocks(t: Translator, survey: Survey, tallies: list[RoundTally], team: str, asked: Asked) -> list[Block]:
    """A manager's view: their own team's slice, when the suppression lets it be shown at all."""
    latest = tallies[-1]
    group = latest.shown(team, asked)
    if group is None:
        return [Text(text=t("{team}: not enough answers to show (fewer than {n}).", team=team,
                            n=latest.need(asked, team)))]
    return [Text(text=t.plural("{team}: {n} answer", "{team}: {n} answers", group.respondents, team=team)),
            question_fields(t, survey.questions, group), *trend(t, survey.questions, tallies, team, asked)]


async def digest_batch(scopes: list[DigestScope]) -> list[list[Block]]:
    """The pulse section of many digests at once (see `DigestBatch`)."""
    if not scopes:
        return []
    batch = await DigestBatch.load(scopes)
    return [await batch.blocks(scope) for scope in scopes]


async def digest_section(scope: DigestScope) -> list[Block]:
    return (await digest_batch([scope]))[0]


@dataclass
class DigestBatch:
    """The pulse sections of one batch of digests: each set of rounds tallied once, and each group's results put
    into words once per language (a team's managers read the same results)."""

    surveys: Sequence[Survey]
    rounds: dict[int, Sequence[SurveyRound]]
    audiences: dict[int, frozenset[str] | None]  # the teams each survey asks (None: everyone)
    members: TeamMembers  # whose slices a manager may see (bot/kernel/visibility.py)
    readers: list[int]  # the readers of the batch
    depth: int = TREND  # closed rounds read, the latest last
    distribution: bool = True  # also how often each answer was given in the latest round (not for a series)
    closed: dict[tuple[int, datetime], tuple[int, ...]] = field(default_factory=dict)  # (survey, end) → rounds
    tallies: dict[tuple[int, ...], list[RoundTally]] = field(default_factory=dict)
    asked: dict[tuple[int, ...], dict[int, frozenset[int]]] = field(default_factory=dict)  # rounds → reader → asked in
    # (rounds, team, where the reader's own answers may be, locale) → blocks
    shown: dict[tuple[tuple[int, ...], str, Asked, str], list[Block]] = field(default_factory=dict)
    labels: dict[int, str] = field(init=False)  # each labelled person's team

    def __post_init__(self) -> None:
        self.labels = {person_id: team for team, people in self.members.items() for person_id in people}

    @classmethod
    async def load(cls, scopes: list[DigestScope], depth: int = TREND, distribution: bool = True) -> DigestBatch:
        uow = scopes[0].uow
        surveys = await uow.surveys.listing()
        return cls(surveys, {survey.id: await uow.surveys.rounds(survey.id) for survey in surveys},
                   {survey.id: audience_teams(scopes[0].deps.settings, survey) for survey in surveys},
                   await DigestQueries(uow.session).team_members() if surveys else {},
                   sorted({scope.reader.id for scope in scopes}), depth, distribution)

    async def groups(self, scope: DigestScope) -> list[tuple[Survey, tuple[int, ...], str, Asked]]:
        """(survey, its closed rounds, group, where the reader's own answers may be) the reader may see: the whole
        survey (WHOLE) or their own teams' slices; the rounds tallied in `tallies`."""
        teams = own_teams(scope.reader.id, self.members, scope.team_names)  # org-wide: the whole survey anyway
        found: list[tuple[Survey, tuple[int, ...], str, Asked]] = []
        for survey in self.surveys:
            picks = [WHOLE] if scope.org_wide or about(survey, teams) else asked_of(self.audiences[survey.id], teams)
            if (survey.id, scope.end) not in self.closed:
                self.closed[survey.id, scope.end] = tuple(
                    rnd.id for rnd in self.rounds[survey.id] if rnd.closes_at <= scope.end)[-self.depth:]
            ids = self.closed[survey.id, scope.end]
            if not ids or not picks:
                continue
            if ids not in self.tallies:
                closed = [rnd for rnd in self.rounds[survey.id] if rnd.id in ids]
                self.tallies[ids] = await tallied(scope.deps, scope.uow, closed, survey.questions,
                                                  distribution=self.distribution)
                # Who of the batch's readers was asked in these rounds: one query for them all, never one a reader.
                self.asked[ids] = await DigestQueries(scope.uow.session).asked(ids, self.readers)
            rounds = self.asked[ids].get(scope.reader.id)
            asked = Asked(rounds, self.labels.get(scope.reader.id)) if rounds else NOT_ASKED
            found += [(survey, ids, team, asked) for team in picks]
        return found

    async def blocks(self, scope: DigestScope) -> list[Block]:
        """The latest closed round of each survey the reader may see, above the thresholds; [] when nothing."""
        blocks: list[Block] = []
        for survey, ids, team, asked in await self.groups(scope):
            key = (ids, team, asked, scope.t.locale)
            if key not in self.shown:
                self.shown[key] = group_blocks(scope.t, survey, self.tallies[ids], team, asked)
            blocks += self.shown[key]
        return blocks


def group_blocks(t: Translator, survey: Survey, tallies: list[RoundTally], team: str, asked: Asked) -> list[Block]:
    """One group's results in the latest round and their trend: the whole survey (WHOLE), or one team's slice."""
    group, number = tallies[-1].shown(team, asked), tallies[-1].round.number
    if group is None:
        return []
    return [Text(text=t.plural(
        "Pulse {title}, round #{number}: {n} answer", "Pulse {title}, round #{number}: {n} answers",
        group.respondents, title=survey.title, number=number) if not team else t.plural(
        "Pulse {title}, round #{number}, team {team}: {n} answer",
        "Pulse {title}, round #{number}, team {team}: {n} answers",
        group.respondents, title=survey.title, number=number, team=team)),
        question_fields(t, survey.questions, group), *trend(t, survey.questions, tallies, team, asked)]
