"""Pulse survey administration: listing the surveys, creating one in chat (admins), stopping it.

Surveys from the configuration are synced at every tick (bot/pulse/rounds.py) and cannot be stopped here.
"""

from __future__ import annotations

import re

from bot.kernel.calendar import WEEKDAY_NAMES, read_weekday
from bot.kernel.context import Context
from bot.kernel.errors import FieldError, UserError, check_form
from bot.kernel.i18n import N_, Translator
from bot.kernel.keywords import Keywords
from bot.kernel.parsing import whole_number
from bot.kernel.settings import WEEKDAYS
from bot.kernel.views import Fields, Form, Input, View, text_view
from bot.pulse.results import dependents
from bot.pulse.rounds import audience_of, number_at, survey_zone, window
from storage.models import Survey, SurveyQuestion

KEY = re.compile(r"^[a-z][a-z0-9-]{0,59}$")
KINDS = ("scale", "enps", "choice", "text")
MAX_QUESTIONS = 20
AUDIENCES = {"everyone": N_("everyone"), "team": N_("team {name}"), "customers": N_("customers of {name}")}
# What an admin may type for an audience, in any language: `everyone`, `alla`, `team:Apps`, `kunder:Apps`, `团队：Apps`.
AUDIENCE_WORDS = Keywords({"everyone": (AUDIENCES["everyone"],), "team": (N_("team"),),
                           "customers": (N_("customers"),)})
EXAMPLE_QUESTIONS = N_("scale: How well does Platform support you?")


def audience_label(t: Translator, audience: str) -> str:
    kind, _, name = audience.partition(":")
    return t(AUDIENCES.get(kind, AUDIENCES["everyone"]), name=name)


async def listing(ctx: Context) -> View:
    surveys = await ctx.uow.surveys.listing()
    if not surveys:
        return text_view(ctx.t("No surveys yet. Admins create one with {command}.", command=ctx.cmd("pulse create")))
    rows = []
    for survey in surveys:
        zone = survey_zone(survey, ctx.deps.settings)
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
        Input(name="hour", label=t("At which hour, in your time zone ({zone})?", zone=admin_zone(ctx)),
              optional=True, hint=t("0–23; empty means {n}", n=10)),
        Input(name="open_days", label=t("Open for how many days?"), optional=True, hint=t("empty means {n}", n=5)),
        Input(name="questions", label=t("Questions"), kind="multiline",
              hint=t("one per line, or separated by ; — scale: How …? (1–5) · enps: How likely …? (0–10) · "
                     "choice: Which …? | a | b · text: Anything else?")),
    ]
    return View(title=t("New pulse survey"), blocks=[Form(title=t("New pulse survey"), command="pulse create save",
                                                          submit_label=t("Create survey"), inputs=inputs)])


def admin_zone(ctx: Context) -> str:
    """The creating admin's zone: the survey's hours are theirs, as every time they type is."""
    return ctx.me.timezone or ctx.deps.settings.org.default_timezone


def optional_number(raw: str, default: int, low: int, high: int) -> int | None:
    """An optional form answer: `default` when empty, None when not a number from `low` to `high`."""
    if not raw:
        return default
    number = whole_number(raw)
    return number if number is not None and low <= number <= high else None


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
    every = optional_number(values["every_weeks"], 2, 1, 52)
    if every is None:
        errors.append(FieldError("every_weeks", "Give a number of weeks from 1 to 52."))
    weekday = read_weekday(ctx.deps.catalogs, values["weekday"]) if values["weekday"] else 0
    if weekday is None:
        errors.append(FieldError("weekday", "Pick a weekday, like {example}.", example=ctx.t(WEEKDAY_NAMES[0])))
    hour = optional_number(values["hour"], 10, 0, 23)
    if hour is None:
        errors.append(FieldError("hour", "Give an hour from 0 to 23."))
    longest = min(28, 7 * (every or 4))
    open_days = optional_number(values["open_days"], min(5, longest), 1, longest)
    if open_days is None:
        errors.append(FieldError("open_days", "Give a number of days from 1 to {n}, so a round closes before the "
                                              "next one opens.", n=longest))
    questions = parse_questions(ctx, values["questions"], errors)
    if audience and not any(error.field == "audience" for error in errors):
        k = ctx.deps.settings.pulse.anonymity_threshold
        size = len(await audience_of(ctx.uow, ctx.deps.settings, audience))
        if size < k:
            asked = audience_label(ctx.t, audience)
            errors.append(FieldError("audience", "{audience} reaches {n}, fewer than the anonymity threshold of {k} "
                                                 "people: no result could ever be shown. Ask a larger group, like "
                                                 "everyone.",
                                     audience=asked, n=size, k=k))
    check_form(errors)
    survey = Survey(key=key, title=values["title"], audience=audience, every_weeks=every, weekday=weekday, hour=hour,
                    open_days=open_days, active=True, from_config=False, created_at=ctx.now, timezone=admin_zone(ctx),
                    questions=[SurveyQuestion(position=n, kind=kind, text=text, options=options)
                               for n, (kind, text, options) in enumerate(questions)])
    ctx.uow.surveys.add(survey)
    zone = survey_zone(survey, ctx.deps.settings)
    opens = window(survey, 1, zone)[0].astimezone(zone)
    return text_view(ctx.t("Survey {key} created for {audience}. Round 1 opens on {date} at {time} ({zone}).",
                           key=key, audience=audience_label(ctx.t, audience), date=opens.date().isoformat(),
                           time=opens.strftime("%H:%M"), zone=zone.key))


async def read_audience(ctx: Context, raw: str, errors: list[FieldError]) -> str:
    catalogs = ctx.deps.catalogs
    if AUDIENCE_WORDS.read(catalogs, raw) == "everyone":
        return "everyone"
    kind, _, name = raw.replace("：", ":").partition(":")  # a Chinese keyboard types the full-width colon
    kind, name = AUDIENCE_WORDS.read(catalogs, kind) or "", name.strip()
    if kind not in ("team", "customers") or not name:
        errors.append(FieldError("audience", "Write everyone, team:NAME or customers:NAME, like {example}.",
                                 example="team:Platform"))
        return ""
    teams = {team.name.lower(): team.name for team in await ctx.uow.people.teams()}
    found = teams.get(name.lower())
    if found is None:
        errors.append(FieldError("audience", "There is no team {team}. Teams: {teams}.", team=name,
                                 teams=", ".join(sorted(teams.values())) or "—"))
    elif kind == "customers" and not dependents(ctx.deps.settings, found):
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

