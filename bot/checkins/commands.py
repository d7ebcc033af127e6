"""/checkin: the form, history, schedule, and the weekly prompt and reminder."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.checkins.answers import BLOCKERS, blocked_line, category_input, read_blocker_category
from bot.checkins.goals import Answered, apply, goal_fields, goal_inputs, read_goal_answers
from bot.checkins.reactions import editable_week, react, reactions, refuse_after_the_week, share_edit
from bot.kernel.calendar import WEEKDAY_NAMES, iso_week, read_weekday
from bot.kernel.context import Context, Due, Feature, Tick
from bot.kernel.errors import FieldError, UserError, check_form
from bot.kernel.i18n import N_, Translator
from bot.kernel.people import resolve_mention, split_mentions, who
from bot.kernel.settings import CheckinQuestion, Settings, pick_text
from bot.kernel.views import Button, Buttons, Fields, Form, Input, Text, View, text_view
from bot.kernel.visibility import sees_personal
from storage.models import Checkin, Person

PERIOD = re.compile(r"^\d{4}-W\d{2}$")
HOUR = re.compile(r"-?\d{1,4}")  # a negative hour is read, to be refused as out of range
DEFAULT_QUESTIONS = [
    CheckinQuestion(key="well", text=N_("What went well this week?")),
    CheckinQuestion(key="next", text=N_("What's next?")),
    CheckinQuestion(key="blockers", text=N_("Anything blocking you? (leave empty if not)"), optional=True),
    CheckinQuestion(key="mood", text=N_("How was your week, from 1 (rough) to 5 (great)?"), kind="mood"),
]
MOODS = [(str(n), str(n)) for n in range(1, 6)]
HISTORY = 4
# Example commands, in the reader's language (the weekday is read back in any language).
SCHEDULE = N_("checkin schedule friday 15")
SCHEDULE_THURSDAY = N_("checkin schedule thursday 16")


def questions(configured: list[CheckinQuestion]) -> list[CheckinQuestion]:
    return configured or DEFAULT_QUESTIONS


def question_text(t: Translator, question: CheckinQuestion) -> str:
    """In the reader's language: a default question from the catalogs, a configured one from its table (falling
    back to the org default locale's text); a configured plain string as written."""
    return t(question.text) if isinstance(question.text, str) else pick_text(question.text, t.locale)


def labelled(t: Translator, configured: list[CheckinQuestion], answers: dict[str, str]) -> list[tuple[str, str]]:
    """Answers with their questions as labels, in the questions' order; blockers are flagged separately."""
    asked = {q.key: question_text(t, q) for q in questions(configured)}
    return [(asked.get(key, key), value or "—") for key, value in answers.items() if key != "blockers"]


def slot(settings: Settings, person: Person, team: str | None) -> tuple[int, int]:
    """The person's own weekday and hour, else their team's, else the organisation's."""
    checkin = settings.checkin
    team_slot = checkin.teams.get(team or "")
    default = team_slot or checkin
    weekday = person.checkin_weekday if person.checkin_weekday is not None else default.weekday_number
    hour = person.checkin_hour if person.checkin_hour is not None else default.hour
    return weekday, hour


async def handle(ctx: Context, text: str) -> View:
    word, _, rest = text.partition(" ")
    word = word.lower()
    if word == "submit":
        return await submit(ctx, rest.strip())
    if word in ("history", "show"):
        return await history(ctx, rest.strip())
    if word == "schedule":
        return await schedule(ctx, rest.strip())
    if word == "edit":
        return await form(ctx, await editable_week(ctx, rest.strip()))
    if word in ("reply", "discuss"):
        return await react(ctx, word, rest.strip())
    if PERIOD.match(word.upper()):
        return await form(ctx, started_week(ctx, word.upper()))
    if text:
        raise UserError("I don't know {command}. Try {form}, {history} or {schedule}.",
                        command=ctx.cmd(f"checkin {text}"), form=ctx.cmd("checkin"), history=ctx.cmd("checkin history"),
                        schedule=ctx.cmd(SCHEDULE))
    return await form(ctx, await current_period(ctx))


def started_week(ctx: Context, period: str) -> str:
    """`period` if it is an ISO week that exists and has begun: no check-in for 2026-W99 or for next week."""
    try:
        if PERIOD.match(period) and date.fromisocalendar(int(period[:4]), int(period[6:]), 1) <= \
                Tick(deps=ctx.deps, uow=ctx.uow, now=ctx.now).local_today(ctx.me):
            return period
    except ValueError:
        pass
    raise UserError("Start a check-in with {command}.", command=ctx.cmd("checkin"))


async def current_period(ctx: Context) -> str:
    """Last prompt's week while it is unanswered, else this week (never a week nobody asked about:
    before someone joined, or while they were away)."""
    tick = Tick(deps=ctx.deps, uow=ctx.uow, now=ctx.now)
    weekday, hour = slot(ctx.deps.settings, ctx.me, await ctx.uow.people.team_name(ctx.me))
    _, day = tick.latest_slot(ctx.me, weekday, hour)
    prompted = iso_week(day)
    if (await ctx.uow.deliveries.existing_keys([f"checkin:{ctx.me.uid}:{prompted}"])
            and await ctx.uow.checkins.of(ctx.me.id, prompted) is None):
        return prompted
    return iso_week(tick.local_today(ctx.me))


async def form(ctx: Context, period: str) -> View:
    before = await ctx.uow.checkins.of(ctx.me.id, period)
    answered = before.answers if before is not None else {}
    inputs = [Input(name=q.key, label=question_text(ctx.t, q), optional=q.optional,
                    value=str(answered.get(q.key) or ""),
                    kind="choice" if q.kind == "mood" else "multiline", options=MOODS if q.kind == "mood" else [])
              for q in questions(ctx.deps.settings.checkin.questions)]
    at = next((n + 1 for n, field in enumerate(inputs) if field.name == BLOCKERS), None)
    if at is not None:  # configured questions may have no blockers question
        inputs.insert(at, category_input(ctx, before))
    inputs += await goal_inputs(ctx)
    again = before is not None
    title = ctx.t("Check-in for week {week}", week=period.split("-W")[1])
    note = ctx.t("You already checked in this week; answering again replaces it.") if again else ctx.t(
        "Your answers go to you and your manager.")
    return View(title=title, blocks=[Text(text=note), Form(title=title, command=f"checkin submit {period}",
                                                           submit_label=ctx.t("Send check-in"), inputs=inputs)])


async def submit(ctx: Context, period: str) -> View:
    period = started_week(ctx, period.upper())
    checkin = await ctx.uow.checkins.of(ctx.me.id, period)
    if checkin is not None:
        refuse_after_the_week(ctx, period)
    answers, errors = read_answers(ctx)
    category = read_blocker_category(ctx, answers, errors)
    progress = await read_goal_answers(ctx, errors)
    check_form(errors)
    edited = checkin is not None
    if checkin is None:
        checkin = Checkin(person_id=ctx.me.id, period=period, answers={}, submitted_at=ctx.now)
        ctx.uow.checkins.add(checkin)
    checkin.answers = answers
    checkin.mood = int(answers["mood"]) if answers.get("mood") else None
    checkin.blockers, checkin.blocker_category = answers.get(BLOCKERS) or None, category
    checkin.submitted_at = ctx.now
    await apply(ctx, progress)
    await ctx.uow.checkins.flush()  # its number names the messages about it
    manager = await ctx.uow.people.get(ctx.me.manager_id) if ctx.me.manager_id else None
    subject, configured = f"checkin:{checkin.id}", ctx.deps.settings.checkin.questions
    prefix = ctx.prefix_for("checkin")
    if edited and await ctx.uow.deliveries.about(subject):
        await share_edit(ctx, subject, lambda t, edit: summary(t, ctx.me, period, checkin, progress,
                                                              configured, prefix=prefix, edited=edit))
    elif manager is not None:
        ctx.tell(manager, "checkin.shared", lambda t: summary(t, ctx.me, period, checkin, progress, configured,
                                                              prefix=prefix), subject=subject)
    week = period.split("-W")[1]
    if manager is None:
        return text_view(ctx.t("Thanks — your check-in for week {week} is saved.", week=week))
    return text_view(ctx.t("Thanks — your check-in for week {week} is saved and shared with {manager}.",
                           week=week, manager=who(manager)))


def read_answers(ctx: Context) -> tuple[dict[str, str], list[FieldError]]:
    answers: dict[str, str] = {}
    errors: list[FieldError] = []
    limit = ctx.deps.settings.limits.max_text_length
    for question in questions(ctx.deps.settings.checkin.questions):
        value = ctx.values.get(question.key, "").strip()
        if not value and not question.optional:
            errors.append(FieldError(question.key, "Please answer this one."))
        elif question.kind == "mood" and value and value not in {m for m, _ in MOODS}:
            errors.append(FieldError(question.key, "Answer with a number from 1 to 5."))
        elif len(value) > limit:
            errors.append(FieldError(question.key, "Please keep it under {limit} characters.", limit=limit))
        answers[question.key] = value
    return answers, errors


def summary(t: Translator, person: Person, period: str, checkin: Checkin, progress: list[Answered],
            configured: list[CheckinQuestion], *, prefix: str, edited: str = "") -> View:
    """A check-in as the manager sees it; blockers first and flagged; `edited`: "replaced" (the message itself,
    changed in place) or "notice" (a new message saying it was edited), with what the manager can do (typed with
    `prefix`)."""
    fields = labelled(t, configured, checkin.answers)
    fields += goal_fields(t, progress)
    blocks: list[Text | Fields | Buttons] = []
    if checkin.blockers:
        blocks.append(Text(text=blocked_line(t, checkin)))
    blocks += [Fields(fields=fields), *reactions(t, checkin.id, prefix)]
    week = period.split("-W")[1]
    title = t("{name} edited their check-in for week {week}", name=who(person), week=week) if edited == "notice" \
        else t("Check-in from {name}, week {week} (edited)", name=who(person), week=week) if edited \
        else t("Check-in from {name}, week {week}", name=who(person), week=week)
    return View(title=title, blocks=blocks)


async def history(ctx: Context, text: str) -> View:
    person = ctx.me
    tokens, rest = split_mentions(text, ctx.mentions)
    if rest or len(tokens) > 1:  # "history lea" must not quietly show my own
        raise UserError("Whose check-ins? Give one @name: {example}", example=ctx.cmd("checkin history @lea"))
    if tokens:
        person = await resolve_mention(ctx.uow, tokens[0], ctx.mentions)
        if not sees_personal(ctx.me.id, person):  # admins too: not surveillance
            raise UserError("Check-ins are seen by the person and their manager only.")
    rows = await ctx.uow.checkins.recent(person.id, HISTORY)
    if not rows and person.id != ctx.me.id:  # a report's empty history: only they can start one
        return text_view(ctx.t("{name} has no check-ins yet.", name=who(person)))
    if not rows:
        return text_view(ctx.t("No check-ins yet. Start one with {command}.", command=ctx.cmd("checkin")))
    blocks: list[Text | Fields] = []
    for checkin in rows:
        blocks.append(Text(text=ctx.t("Week {week}", week=checkin.period.split("-W")[1])))
        if checkin.blockers:
            blocks.append(Text(text=blocked_line(ctx.t, checkin)))
        blocks.append(Fields(fields=labelled(ctx.t, ctx.deps.settings.checkin.questions, checkin.answers)))
    return View(title=ctx.t("Recent check-ins of {name}", name=who(person)), blocks=blocks)


async def schedule(ctx: Context, text: str) -> View:
    team = await ctx.uow.people.team_name(ctx.me)
    if text:
        parts = text.split()
        weekday = read_weekday(ctx.deps.catalogs, parts[0])
        hour = int(parts[1]) if len(parts) == 2 and HOUR.fullmatch(parts[1]) else 15 if len(parts) == 1 else None
        if weekday is None or hour is None:
            raise UserError("Give a weekday and an hour: {example}", example=ctx.cmd(SCHEDULE))
        if not 0 <= hour <= 23 or weekday >= 5:
            raise UserError("Pick a weekday from Monday to Friday and an hour from 0 to 23: {example}",
                            example=ctx.cmd(SCHEDULE_THURSDAY))
        ctx.me.checkin_weekday, ctx.me.checkin_hour = weekday, hour
    weekday, hour = slot(ctx.deps.settings, ctx.me, team)
    return text_view(ctx.t("I ask for your check-in every {weekday} at {hour}:00 ({zone}).",
                           weekday=ctx.t(WEEKDAY_NAMES[weekday]), hour=f"{hour:02d}",
                           zone=ctx.me.timezone or ctx.deps.settings.org.default_timezone))


async def due(tick: Tick) -> list[Due]:
    """Prompts at each person's slot, unless they already answered that week; one reminder
    `reminder_after_hours` later (moved past days off) to those prompted who have not answered."""
    settings = tick.deps.settings
    delay = timedelta(hours=settings.checkin.reminder_after_hours)
    prompts: list[tuple[Person, str]] = []
    reminders: list[tuple[Person, str]] = []
    for person, team in await tick.uow.people.with_team_names():
        weekday, hour = slot(settings, person, team)
        instant, day = tick.latest_slot(person, weekday, hour)
        if tick.is_day_off(person, day):
            continue
        period = iso_week(day)
        if tick.in_grace(instant):
            prompts.append((person, period))
        if tick.in_grace(tick.first_day_on(person, instant + delay)):
            reminders.append((person, period))
    if not prompts and not reminders:
        return []
    answered = await tick.uow.checkins.answered([period for _, period in prompts + reminders])
    prompted = await tick.uow.deliveries.existing_keys([f"checkin:{p.uid}:{period}" for p, period in reminders])
    items = [tick.due(f"checkin:{person.uid}:{period}", "checkin.prompt", person,
                      lambda t, period=period: prompt(t, period))
             for person, period in prompts if (person.id, period) not in answered]
    items += [tick.due(f"checkin-reminder:{person.uid}:{period}", "checkin.reminder", person,
                       lambda t, period=period: prompt(t, period, reminder=True))
              for person, period in reminders
              if f"checkin:{person.uid}:{period}" in prompted and (person.id, period) not in answered]
    return items


def prompt(t: Translator, period: str, *, reminder: bool = False) -> View:
    week = period.split("-W")[1]
    title = t("A reminder: your check-in for week {week} is still open", week=week) if reminder else t(
        "Time for your weekly check-in (week {week})", week=week)
    return View(title=title, blocks=[
        Text(text=t("Three short questions and your mood; it takes two minutes. Your manager sees your answers.")),
        Buttons(buttons=[Button(label=t("Check in"), command=f"checkin {period}", style="primary")])])


FEATURE = Feature(
    handle=handle,
    summary=N_("Your weekly check-in, any time: {p}checkin"),
    usage=N_("{p}checkin — answer this week's check-in (what went well, what's next, blockers, mood, goal progress)\n"
             "{p}checkin edit — change this week's check-in until the week ends; your manager sees the edit\n"
             "{p}checkin history — your recent check-ins; {p}checkin history @lea — a report's\n"
             "{p}checkin reply 12 Great week! — answer a report's check-in; "
             "{p}checkin discuss 12 — add it to your next 1:1\n"
             "{p}checkin schedule friday 15 — when I ask you (your local time)\n"
             "I ask every week on your day; no prompts on weekends, holidays, or while you are away ({p}away)."),
)
