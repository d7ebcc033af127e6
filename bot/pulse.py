"""Pulse surveys: short recurring surveys, answered anonymously, reported only above the anonymity thresholds.

Surveys come from config (synced by key at every tick) or from `/pulse create`. Round n opens on the survey's
weekday and hour in the organisation's zone, every `every_weeks` weeks from the first such slot after the survey
was made, and closes `open_days` later. Participation (who was asked, who answered) is kept apart from the answers,
which carry no person and no time. Results and the digest section are in bot/pulse_results.py.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import pulse_results
from bot.checkins import WEEKDAY_NAMES
from bot.context import Context, Feature
from bot.digest_scope import DigestScope
from bot.errors import FieldError, UserError, check_form
from bot.i18n import N_, Translator
from bot.rhythm import Due, Tick, at_local
from bot.settings import WEEKDAYS, Settings, weekday_number
from bot.views import Block, Button, Buttons, Fields, Form, Input, Text, View, text_view
from storage.models import Person, Survey, SurveyAnswer, SurveyQuestion, SurveyRound
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
KEY = re.compile(r"^[a-z][a-z0-9-]{0,59}$")
KINDS = ("scale", "enps", "choice", "text")
SCORES = {"scale": [str(n) for n in range(1, 6)], "enps": [str(n) for n in range(11)]}
MAX_QUESTIONS = 20
AUDIENCES = {"everyone": N_("everyone"), "team": N_("team {name}"), "customers": N_("customers of {name}")}
EXAMPLE_QUESTIONS = N_("scale: How well does Platform support you?")


# ---- schedule: all in the organisation's zone, from the stored survey ----

def org_zone(settings: Settings) -> ZoneInfo:
    return ZoneInfo(settings.org.default_timezone)


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


def audience_label(t: Translator, audience: str) -> str:
    kind, _, name = audience.partition(":")
    return t(AUDIENCES.get(kind, AUDIENCES["everyone"]), name=name)


async def audience_of(uow: UnitOfWork, settings: Settings, audience: str) -> list[Person]:
    """everyone; team:NAME; customers:NAME — the people of the teams that depend on NAME."""
    kind, _, name = audience.partition(":")
    people = await uow.people.with_team_names()
    if kind == "everyone":
        return [person for person, _ in people]
    teams = {name} if kind == "team" else pulse_results.dependents(settings, name)
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
        fields = {"title": wanted.title, "audience": wanted.audience, "every_weeks": wanted.every_weeks,
                  "weekday": weekday_number(wanted.weekday), "hour": wanted.hour, "open_days": wanted.open_days,
                  "active": True}
        for name, value in fields.items():
            if getattr(survey, name) != value:
                setattr(survey, name, value)
        questions = [(q.kind, q.text, list(q.options)) for q in wanted.questions]
        if questions != [(q.kind, q.text, list(q.options)) for q in survey.questions] \
                and not await tick.uow.surveys.has_answers(survey.id):
            survey.questions = [SurveyQuestion(position=n, kind=kind, text=text, options=options)
                                for n, (kind, text, options) in enumerate(questions)]
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
    log.info("pulse survey %s: round %s opened", survey.key, number)  # no names, no answers, no group sizes
    return opened


async def due(tick: Tick) -> list[Due]:
    """Invitations to everyone asked in an open round (not while away), and one reminder at half time."""
    await sync_config(tick)
    zone, k = org_zone(tick.deps.settings), tick.deps.settings.pulse.anonymity_threshold
    items: list[Due] = []
    for survey in await tick.uow.surveys.listing(active_only=True):
        rnd = await current_round(tick, survey, zone)
        if rnd is None:
            continue
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
    return [p for p in await people if p.away_until is None or tick.local_today(p) > p.away_until]


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


# ---- commands ----

async def handle(ctx: Context, text: str) -> View | list[View]:
    word, _, rest = text.partition(" ")
    word, rest = word.lower(), rest.strip()
    if not word:
        return await waiting(ctx)
    if word == "answer":
        return answer_form(ctx, *await round_to_answer(ctx, rest))
    if word == "submit":
        return await submit(ctx, rest)
    if word == "list":
        return await listing(ctx)
    if word == "results":
        return await pulse_results.results(ctx, rest)
    if word == "create":
        return await create(ctx, rest)
    if word == "stop":
        return await stop(ctx, rest)
    raise UserError("I don't know {command}. Try {mine}, {list} or {results}.", command=ctx.cmd(f"pulse {text}"),
                    mine=ctx.cmd("pulse"), list=ctx.cmd("pulse list"), results=ctx.cmd("pulse results"))


async def waiting(ctx: Context) -> View:
    rounds = await ctx.uow.surveys.waiting_for(ctx.me.id, ctx.now)
    if not rounds:
        return text_view(ctx.t("No survey is waiting for you. {command} lists all surveys.",
                               command=ctx.cmd("pulse list")))
    blocks: list[Block] = []
    for rnd, survey in rounds:
        blocks.append(Text(text=ctx.t("{title} — open until {date}", title=survey.title,
                                      date=ctx.local_date(rnd.closes_at))))
        blocks.append(Buttons(buttons=[Button(label=ctx.t("Answer"), command=f"pulse answer {rnd.id}",
                                              style="primary")]))
    return View(title=ctx.t("Surveys waiting for you"), blocks=blocks)


async def listing(ctx: Context) -> View:
    surveys = await ctx.uow.surveys.listing()
    if not surveys:
        return text_view(ctx.t("No surveys yet. Admins create one with {command}.", command=ctx.cmd("pulse create")))
    zone, rows = org_zone(ctx.deps.settings), []
    for survey in surveys:
        audience = audience_label(ctx.t, survey.audience)
        number = number_at(survey, ctx.now, zone)
        rnd = await ctx.uow.surveys.round_number(survey.id, number) if number else None
        if not survey.active:
            when = ctx.t("stopped")
        elif rnd is not None and ctx.now < rnd.closes_at:
            when = ctx.t("round #{number} open until {date}", number=number, date=ctx.local_date(rnd.closes_at))
        else:
            when = ctx.t("next round {date}", date=ctx.local_date(window(survey, number + 1, zone)[0]))
        rows.append((survey.key, ctx.t("{title} · {audience} · {when}", title=survey.title, audience=audience,
                                       when=when)))
    return View(title=ctx.t("Pulse surveys"), blocks=[Fields(fields=rows)])


async def stop(ctx: Context, key: str) -> View:
    if not ctx.is_admin:
        raise UserError("Only admins can create and stop surveys.")
    if not key:
        raise UserError("Which survey? For example {command}", command=ctx.cmd("pulse stop team-health"))
    survey = await ctx.uow.surveys.by_key(key.lower())
    if survey is None:
        raise UserError("There is no survey {key}. {command} lists them.", key=key, command=ctx.cmd("pulse list"))
    if survey.from_config:
        raise UserError("The survey {key} is defined in the configuration; remove it there to stop it.", key=key)
    if not survey.active:
        raise UserError("The survey {key} is already stopped.", key=survey.key)
    survey.active = False
    return text_view(ctx.t("The survey {key} is stopped: no new rounds. Past results stay available with {command}.",
                           key=survey.key, command=ctx.cmd(f"pulse results {survey.key}")))


# ---- answering ----

async def round_to_answer(ctx: Context, raw: str) -> tuple[SurveyRound, Survey]:
    """The round, if I was asked in it, it is still open, and I have not answered yet."""
    if not raw.isdigit():
        raise UserError("Which survey? {command} lists the ones waiting for you.", command=ctx.cmd("pulse"))
    rnd = await ctx.uow.surveys.round(int(raw))
    participation = await ctx.uow.surveys.participation(rnd.id, ctx.me.id) if rnd is not None else None
    if rnd is None or participation is None:
        raise UserError("You were not asked to answer this survey. {command} lists the ones waiting for you.",
                        command=ctx.cmd("pulse"))
    if ctx.now >= rnd.closes_at:
        raise UserError("This survey closed on {date}; answers are no longer taken.",
                        date=ctx.local_date(rnd.closes_at))
    if participation.answered:
        raise UserError("You have already answered this survey — thank you. Results appear after it closes on {date}.",
                        date=ctx.local_date(rnd.closes_at))
    survey = await ctx.uow.surveys.get(rnd.survey_id)
    assert survey is not None
    return rnd, survey


def question_input(t: Translator, question: SurveyQuestion, comment_threshold: int) -> Input:
    name = f"q{question.id}"
    if question.kind == "scale":
        return Input(name=name, label=question.text, kind="choice", options=[(n, n) for n in SCORES["scale"]],
                     hint=t("1 = not at all, 5 = completely"))
    if question.kind == "enps":
        return Input(name=name, label=question.text, kind="choice", options=[(n, n) for n in SCORES["enps"]],
                     hint=t("0 = not at all likely, 10 = extremely likely"))
    if question.kind == "choice":
        return Input(name=name, label=question.text, kind="choice",
                     options=[(str(n), option) for n, option in enumerate(question.options, 1)])
    return Input(name=name, label=question.text, kind="multiline", optional=True,
                 hint=t("optional; comments are shown only when at least {n} people answer", n=comment_threshold))


def answer_form(ctx: Context, rnd: SurveyRound, survey: Survey) -> View:
    pulse = ctx.deps.settings.pulse
    inputs = [question_input(ctx.t, question, pulse.comment_threshold) for question in survey.questions]
    note = ctx.t("Your answers are anonymous: they are stored without your name, and results are shown only for "
                 "groups of at least {k} people, after the survey closes on {date}.",
                 k=pulse.anonymity_threshold, date=ctx.local_date(rnd.closes_at))
    return View(title=survey.title, blocks=[Text(text=note), Form(
        title=survey.title, command=f"pulse submit {rnd.id}", submit_label=ctx.t("Send answers"), inputs=inputs)])


def read_answer(ctx: Context, question: SurveyQuestion, errors: list[FieldError]) -> dict[str, object]:
    name, value = f"q{question.id}", ctx.values.get(f"q{question.id}", "").strip()
    if question.kind == "text":
        limit = ctx.deps.settings.limits.max_text_length
        if len(value) > limit:
            errors.append(FieldError(name, "Please keep it under {limit} characters.", limit=limit))
        return {"text": value or None}
    picked = [option for n, option in enumerate(question.options, 1) if value in (str(n), option)]
    if not value:
        errors.append(FieldError(name, "Please answer this one."))
    elif question.kind == "choice" and picked:
        return {"choice": picked[0]}
    elif question.kind == "choice":
        errors.append(FieldError(name, "Pick one of the options by its number, from 1 to {n}.",
                                 n=len(question.options)))
    elif value in SCORES[question.kind]:
        return {"score": int(value)}
    elif question.kind == "scale":
        errors.append(FieldError(name, "Answer with a number from 1 to 5."))
    else:
        errors.append(FieldError(name, "Answer with a number from 0 to 10."))
    return {}


async def submit(ctx: Context, raw: str) -> View:
    rnd, survey = await round_to_answer(ctx, raw)
    errors: list[FieldError] = []
    answers = [(question, read_answer(ctx, question, errors)) for question in survey.questions]
    check_form(errors)
    if not await ctx.uow.surveys.mark_answered(rnd.id, ctx.me.id):  # a second submit raced this one
        raise UserError("You have already answered this survey — thank you. Results appear after it closes on {date}.",
                        date=ctx.local_date(rnd.closes_at))
    group = await group_of(ctx, rnd)
    # One row per question (an empty one for a skipped comment), no person, no time, a random id.
    ctx.uow.surveys.add(*[SurveyAnswer(round_id=rnd.id, question_id=question.id, group_name=group, **values)
                          for question, values in answers])
    return text_view(ctx.t("Thank you — your answers to {title} are saved. Your answers are anonymous: they are "
                           "stored without your name, and results are shown only for groups of at least {k} people.",
                           title=survey.title, k=ctx.deps.settings.pulse.anonymity_threshold))


async def group_of(ctx: Context, rnd: SurveyRound) -> str | None:
    """My team's name, only if at least `anonymity_threshold` of its people were asked; else no group at all."""
    if ctx.me.team_id is None:
        return None
    if await ctx.uow.surveys.asked_in_team(rnd.id, ctx.me.team_id) < ctx.deps.settings.pulse.anonymity_threshold:
        return None
    return await ctx.uow.people.team_name(ctx.me)


# ---- creating surveys in chat (admins) ----

async def create(ctx: Context, rest: str) -> View:
    if not ctx.is_admin:
        raise UserError("Only admins can create and stop surveys.")
    if rest.lower() == "save":
        return await save(ctx)
    if rest:
        raise UserError("Type just {command}; I ask for the rest.", command=ctx.cmd("pulse create"))
    t = ctx.t
    days = [(day, t(WEEKDAY_NAMES[n])) for n, day in enumerate(WEEKDAYS)]
    inputs = [
        Input(name="key", label=t("Short name"), hint=t("lowercase letters, digits and dashes, like {example}",
                                                         example="platform-service")),
        Input(name="title", label=t("Title")),
        Input(name="audience", label=t("Who is asked?"),
              hint=t("everyone, team:NAME, or customers:NAME (the teams that depend on NAME)")),
        Input(name="every_weeks", label=t("Every how many weeks?"), optional=True, hint=t("empty means {n}", n=2)),
        Input(name="weekday", label=t("On which weekday?"), kind="choice", options=days, optional=True,
              hint=t("empty means {day}", day=days[0][1])),
        Input(name="hour", label=t("At which hour ({zone})?", zone=ctx.deps.settings.org.default_timezone),
              optional=True, hint=t("0–23; empty means {n}", n=10)),
        Input(name="open_days", label=t("Open for how many days?"), optional=True, hint=t("empty means {n}", n=5)),
        Input(name="questions", label=t("Questions"), kind="multiline",
              hint=t("one per line, or separated by ; — scale: How …? (1–5) · enps: How likely …? (0–10) · "
                     "choice: Which …? | a | b · text: Anything else?")),
    ]
    return View(title=t("New pulse survey"), blocks=[Form(title=t("New pulse survey"), command="pulse create save",
                                                          submit_label=t("Create survey"), inputs=inputs)])


def whole_number(raw: str, default: int, low: int, high: int) -> int | None:
    if not raw:
        return default
    return int(raw) if raw.isdigit() and low <= int(raw) <= high else None


async def save(ctx: Context) -> View:
    values = {name: ctx.values.get(name, "").strip() for name in (
        "key", "title", "audience", "every_weeks", "weekday", "hour", "open_days", "questions")}
    errors: list[FieldError] = []
    key, limit = values["key"].lower(), ctx.deps.settings.limits.max_text_length
    if not KEY.match(key):
        errors.append(FieldError("key", "Use lowercase letters, digits and dashes, starting with a letter, like "
                                        "{example}.", example="platform-service"))
    elif await ctx.uow.surveys.by_key(key) is not None or key in {s.key for s in ctx.deps.settings.pulse.surveys}:
        errors.append(FieldError("key", "There is already a survey {key}. Pick another short name.", key=key))
    if not values["title"]:
        errors.append(FieldError("title", "Please answer this one."))
    elif len(values["title"]) > limit:
        errors.append(FieldError("title", "Please keep it under {limit} characters.", limit=limit))
    audience = await read_audience(ctx, values["audience"], errors)
    every = whole_number(values["every_weeks"], 2, 1, 52)
    if every is None:
        errors.append(FieldError("every_weeks", "Give a number of weeks from 1 to 52."))
    try:
        weekday = weekday_number(values["weekday"] or 0)
    except ValueError:
        weekday = 0
        errors.append(FieldError("weekday", "Pick a weekday, like monday."))
    hour = whole_number(values["hour"], 10, 0, 23)
    if hour is None:
        errors.append(FieldError("hour", "Give an hour from 0 to 23."))
    longest = min(28, 7 * (every or 4))
    open_days = whole_number(values["open_days"], min(5, longest), 1, longest)
    if open_days is None:
        errors.append(FieldError("open_days", "Give a number of days from 1 to {n}, so a round closes before the "
                                              "next one opens.", n=longest))
    questions = parse_questions(ctx, values["questions"], errors)
    check_form(errors)
    survey = Survey(key=key, title=values["title"], audience=audience, every_weeks=every, weekday=weekday, hour=hour,
                    open_days=open_days, active=True, from_config=False, created_at=ctx.now,
                    questions=[SurveyQuestion(position=n, kind=kind, text=text, options=options)
                               for n, (kind, text, options) in enumerate(questions)])
    ctx.uow.surveys.add(survey)
    zone = org_zone(ctx.deps.settings)
    opens = window(survey, 1, zone)[0].astimezone(zone)
    return text_view(ctx.t("Survey {key} created for {audience}. Round 1 opens on {date} at {time} ({zone}).",
                           key=key, audience=audience_label(ctx.t, audience), date=opens.date().isoformat(),
                           time=opens.strftime("%H:%M"), zone=zone.key))


async def read_audience(ctx: Context, raw: str, errors: list[FieldError]) -> str:
    if raw.lower() == "everyone":
        return "everyone"
    kind, _, name = raw.partition(":")
    kind, name = kind.strip().lower(), name.strip()
    if kind not in ("team", "customers") or not name:
        errors.append(FieldError("audience", "Write everyone, team:NAME or customers:NAME, like {example}.",
                                 example="team:Platform"))
        return ""
    teams = {team.name.lower(): team.name for team in await ctx.uow.people.teams()}
    found = teams.get(name.lower())
    if found is None:
        errors.append(FieldError("audience", "There is no team {team}. Teams: {teams}.", team=name,
                                 teams=", ".join(sorted(teams.values())) or "—"))
    elif kind == "customers" and not pulse_results.dependents(ctx.deps.settings, found):
        errors.append(FieldError("audience", "No team depends on {team}, so it has no internal customers. They are "
                                             "listed in org.dependencies in the configuration.", team=found))
    return f"{kind}:{found or name}"


def parse_questions(ctx: Context, raw: str, errors: list[FieldError]) -> list[tuple[str, str, list[str]]]:
    """`kind: text` per line (or separated by ;); a choice question lists its options after `|`."""
    lines = [line.strip() for line in re.split(r"[\n;]", raw) if line.strip()]
    example = ctx.t(EXAMPLE_QUESTIONS)
    if not lines:
        errors.append(FieldError("questions", "Add at least one question, like {example}", example=example))
    elif len(lines) > MAX_QUESTIONS:
        errors.append(FieldError("questions", "Keep it to {n} questions or fewer.", n=MAX_QUESTIONS))
    questions: list[tuple[str, str, list[str]]] = []
    for number, line in enumerate(lines[:MAX_QUESTIONS], 1):
        kind, colon, rest = line.partition(":")
        kind = kind.strip().lower()
        text, *options = [part.strip() for part in rest.split("|")]
        options = [option for option in options if option]
        problem: FieldError | None = None
        if not colon or kind not in KINDS:
            problem = FieldError("questions", "Question {n}: start it with scale:, enps:, choice: or text:, like "
                                              "{example}", n=number, example=example)
        elif not text:
            problem = FieldError("questions", "Question {n}: the question is missing after {kind}:", n=number,
                                 kind=kind)
        elif kind == "choice" and len(set(options)) < 2:
            problem = FieldError("questions", "Question {n}: a choice question needs at least two options, like "
                                              "{example}", n=number, example="choice: Which day? | Monday | Friday")
        elif kind != "choice" and options:
            problem = FieldError("questions", "Question {n}: only choice questions have options (after |).",
                                 n=number)
        elif len(line) > ctx.deps.settings.limits.max_text_length:
            problem = FieldError("questions", "Question {n} is too long.", n=number)
        if problem is not None:
            errors.append(problem)
            return []
        questions.append((kind, text, list(dict.fromkeys(options))))
    return questions


async def digest_section(scope: DigestScope) -> list[Block]:
    return await pulse_results.digest_section(scope)


async def digest_batch(scopes: list[DigestScope]) -> list[list[Block]]:
    """The same for many digests, tallying each survey once (for bot/digest.py SECTIONS)."""
    return await pulse_results.digest_batch(scopes)


FEATURE = Feature(
    handle=handle,
    summary=N_("Short anonymous surveys: {p}pulse"),
    usage=N_("{p}pulse — the surveys waiting for your answers; {p}pulse answer 12 answers one (like its button)\n"
             "{p}pulse list — all surveys, whom they ask and when the next round opens\n"
             "{p}pulse results team-health — the last closed round: for admins, and for managers their own team\n"
             "{p}pulse create — a new survey (admins); {p}pulse stop team-health — no more rounds\n"
             "Answers are anonymous: stored without your name, and shown only for groups large enough that no one "
             "can be singled out."),
)
