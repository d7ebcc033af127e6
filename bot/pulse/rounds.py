"""The pulse rhythm: configured surveys synced into the tables, rounds opened on schedule, invitations, reminders.

Round n opens on the survey's weekday and hour in its zone (the creating admin's; the organisation's for configured
surveys), every `every_weeks` weeks from the first
such slot after the survey was made, and closes `open_days` later. Whom a round asks is fixed when it opens.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.kernel.calendar import at_local
from bot.kernel.context import Due, Tick
from bot.kernel.i18n import Translator
from bot.kernel.settings import Settings, pick_text, weekday_number
from bot.kernel.views import Button, Buttons, Text, View
from bot.pulse.ballots import publish_closed
from bot.pulse.results import dependents
from bot.pulse.suppression import threshold
from storage.models import Person, Survey, SurveyQuestion, SurveyRound
from storage.uow import UnitOfWork

log = logging.getLogger("bot.pulse")  # the feature's one logger, whichever module logs


# ---- schedule: all in the survey's zone, from the stored survey ----

def survey_zone(survey: Survey, settings: Settings) -> ZoneInfo:
    """Where the survey's weekday and hour are: the admin who created it in chat, else the organisation."""
    return ZoneInfo(survey.timezone or settings.org.default_timezone)


def first_day(survey: Survey, zone: ZoneInfo) -> date:
    """The local date of round 1: the first survey weekday/hour at or after the survey was made."""
    local = survey.created_at.astimezone(zone)
    day = local.date() + timedelta(days=(survey.weekday - local.weekday()) % 7)
    return day if at_local(day, survey.hour, zone) >= survey.created_at else day + timedelta(days=7)


def window(survey: Survey, number: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """When round `number` opens and closes. Rounds never overlap: at most one period long."""
    period = 7 * survey.every_weeks
    day = first_day(survey, zone) + timedelta(days=period * (number - 1))
    return at_local(day, survey.hour, zone), at_local(day + timedelta(days=min(survey.open_days, period)),
                                                      survey.hour, zone)


def number_at(survey: Survey, now: datetime, zone: ZoneInfo) -> int:
    """The latest round opened at or before `now` (0: none yet)."""
    days = (now.astimezone(zone).date() - first_day(survey, zone)).days
    if days < 0:
        return 0
    number = days // (7 * survey.every_weeks) + 1
    return number if window(survey, number, zone)[0] <= now else number - 1


async def audience_of(uow: UnitOfWork, settings: Settings, audience: str) -> list[Person]:
    """everyone; team:NAME; customers:NAME — the people of the teams that depend on NAME."""
    kind, _, name = audience.partition(":")
    teams = {name} if kind == "team" else dependents(settings, name)
    if kind != "everyone" and not teams:  # nobody depends on NAME: asked every tick, answered without a query
        return []
    people = [(person, team) for person, team in await uow.people.with_team_names() if person.deactivated_at is None]
    if kind == "everyone":
        return [person for person, _ in people]
    return [person for person, team in people if team in teams]


# ---- the rhythm: config sync, rounds, invitations, reminders ----

async def sync_config(tick: Tick) -> None:
    """Configured surveys into the tables, by key. Questions change only while no round has answers."""
    configured = {survey.key: survey for survey in tick.deps.settings.pulse.surveys}
    for key, wanted in configured.items():
        if await tick.uow.surveys.by_key(key) is None:
            await tick.uow.surveys.add_from_config(key, wanted.title, tick.now)
        survey = await tick.uow.surveys.locked(key)
        if survey is None or not survey.from_config:  # a chat-made survey keeps its key
            continue
        size, k = len(await audience_of(tick.uow, tick.deps.settings, wanted.audience)), \
            tick.deps.settings.pulse.anonymity_threshold
        if size < k and survey.active:  # logged when it stops, not every tick; it runs again once big enough
            log.warning("pulse survey %s is not run: its audience %s has %s people, fewer than the anonymity "
                        "threshold %s, so no result could ever be shown", key, wanted.audience, size, k)
        fields = {"title": wanted.title, "audience": wanted.audience, "every_weeks": wanted.every_weeks,
                  "weekday": weekday_number(wanted.weekday), "hour": wanted.hour, "open_days": wanted.open_days,
                  "active": size >= k}
        for name, value in fields.items():
            if getattr(survey, name) != value:
                setattr(survey, name, value)
        # `text` is the org default locale's (the first of a table), `texts` the table for other readers.
        questions = [(q.kind, pick_text(q.text, ""), list(q.options), q.text if isinstance(q.text, dict) else None)
                     for q in wanted.questions]
        if questions != [(q.kind, q.text, list(q.options), q.texts) for q in survey.questions] \
                and not await tick.uow.surveys.has_answers(survey.id):
            survey.questions = [SurveyQuestion(position=n, kind=kind, text=text, options=options, texts=texts)
                                for n, (kind, text, options, texts) in enumerate(questions)]
    for survey in await tick.uow.surveys.listing(active_only=True):
        if survey.from_config and survey.key not in configured:
            survey.active = False


async def current_round(tick: Tick, survey: Survey, zone: ZoneInfo) -> SurveyRound | None:
    """The survey's open round, opened now if it is due (once, also with two bot processes)."""
    number = number_at(survey, tick.now, zone)
    if number < 1:
        return None
    existing = await tick.uow.surveys.round_number(survey.id, number)
    if existing is not None:
        return existing if tick.now < existing.closes_at else None
    opens, closes = window(survey, number, zone)
    if tick.now >= closes:  # missed entirely while the bot was down: skipped, never opened late
        return None
    rounds = await tick.uow.surveys.rounds(survey.id)
    if rounds and rounds[-1].number > number:  # the schedule was changed; never go back
        return None
    people = await audience_of(tick.uow, tick.deps.settings, survey.audience)
    if not people:
        return None
    opened = await tick.uow.surveys.open_round(survey.id, number, opens, closes)
    if opened is None:  # another process opened it first; its participants stand
        return await tick.uow.surveys.round_number(survey.id, number)
    await tick.uow.surveys.add_participants(opened.id, [person.id for person in people])
    opened.invited = len(people)
    # The threshold its invitations promise holds for the round, whatever the configuration says later.
    opened.anonymity_threshold = tick.deps.settings.pulse.anonymity_threshold
    log.info("pulse survey %s: round %s opened", survey.key, number)  # no names, no answers, no group sizes
    return opened


async def due(tick: Tick) -> list[Due]:
    """Invitations to everyone asked in an open round (not while away), and one reminder at half time."""
    configured = tick.deps.settings.pulse.anonymity_threshold
    # Rounds that closed are published now, in this transaction, never in one that marks someone as having answered
    # (whatever reads results before the next tick publishes them first: bot/pulse/results.py `tallied`).
    await publish_closed(tick.uow, tick.deps.sealer, tick.now, configured)
    await sync_config(tick)
    items: list[Due] = []
    for survey in await tick.uow.surveys.listing(active_only=True):
        rnd = await current_round(tick, survey, survey_zone(survey, tick.deps.settings))
        if rnd is None:
            continue
        k = threshold(rnd, configured)  # a reminder repeats what the invitation promised
        for person in await here(tick, tick.uow.surveys.waiting(rnd.id, unsent="pulse")):
            items.append(tick.due(f"pulse:{rnd.id}:{person.uid}", "pulse.invite", person,
                                  invitation(survey, rnd, tick.zone(person), k)))
        remind_at = rnd.opens_at + (rnd.closes_at - rnd.opens_at) / 2
        if tick.now >= remind_at:  # only to those invited before half time, so never both at once
            for person in await here(tick, tick.uow.surveys.waiting(
                    rnd.id, unsent="pulse-reminder", sent_before=("pulse", remind_at))):
                items.append(tick.due(f"pulse-reminder:{rnd.id}:{person.uid}", "pulse.reminder", person,
                                      invitation(survey, rnd, tick.zone(person), k, reminder=True)))
    return items


async def here(tick: Tick, people: Awaitable[Sequence[Person]]) -> list[Person]:
    """Not while away: someone back before the round closes is invited then."""
    return [p for p in await people if not tick.is_away(p, tick.local_today(p))]


def invitation(survey: Survey, rnd: SurveyRound, zone: ZoneInfo, k: int, *,
               reminder: bool = False) -> Callable[[Translator], View]:
    closes = rnd.closes_at.astimezone(zone).date().isoformat()
    title, count = survey.title, len(survey.questions)

    def build(t: Translator) -> View:
        heading = t("A reminder: the survey {title} is open until {date}", title=title, date=closes) if reminder \
            else t("New survey: {title}", title=title)
        return View(title=heading, blocks=[
            Text(text=t.plural("{n} short question, open until {date}.", "{n} short questions, open until {date}.",
                               count, date=closes)),
            Text(text=t("Your answers are anonymous: they are stored without your name, and results are shown only "
                        "for groups of at least {k} people.", k=k)),
            Buttons(buttons=[Button(label=t("Answer"), command=f"pulse answer {rnd.id}", style="primary")])])
    return build
