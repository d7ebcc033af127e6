"""The `/pulse results` views: a survey's latest closed round and its trend, above the thresholds only.

Who may see what: admins everything, managers the slices of their own teams — teams whose every member reports to
them (bot/kernel/visibility.py); bot/pulse/results.py has each round's threshold and the suppression, and one more
respondent for a group that may hold the reader's own answer (`Asked`). Results wait until a round closes. Nothing
here is logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.kernel.context import Context
from bot.kernel.errors import UserError
from bot.kernel.i18n import Translator
from bot.kernel.views import Block, Divider, Text, View
from bot.kernel.visibility import own_teams
from bot.pulse.counted import closed_tallies
from bot.pulse.report import question_fields, trend
from bot.pulse.results import NOT_ASKED, WHOLE, Asked, RoundTally, about, asked_teams, percent
from bot.pulse.suppression import OTHER
from storage.digest_queries import DigestQueries
from storage.models import Survey, SurveyRound


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


