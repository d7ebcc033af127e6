"""`/goal add` and `/goal kr 12`, typed in one line or, with nothing more, a form (a Slack modal, a Teams card,
questions in the console) whose answers come back here as values. A submitted form is checked whole: every mistake
is shown beside its answer, in the person's language, and nothing is added."""

from __future__ import annotations

from datetime import date

from bot.goals import keyresults, objectives
from bot.goals.common import ADD_USAGE, KR_USAGE, When, my_open_goal, parse_when
from bot.goals.tree import aligning_to, level_name, may_serve
from bot.kernel.context import Context
from bot.kernel.errors import FieldError, UserError, answer_to, check_form
from bot.kernel.i18n import N_
from bot.kernel.numbers import parse_number
from bot.kernel.views import Form, Input, Text, View
from storage.models import Goal

MAX_PARENTS = 50  # a modal's select takes 100; more would bury the company's few
LEVELS = {"personal": N_("A goal of your own"), "team": N_("A team objective"), "company": N_("A company objective")}


async def add(ctx: Context, text: str) -> View:
    if ctx.values:
        return await objectives.create(ctx, *await read_objective(ctx))
    level, rest = objectives.level_and_rest(ctx, text)
    if rest.strip():
        return await objectives.add(ctx, level, rest)
    await objectives.team_for(ctx, level)  # `--company` alone is refused to a non-admin at once, not after the form
    return await objective_form(ctx, level)


async def levels(ctx: Context) -> list[str]:
    """The levels the sender may add an objective at: personal, team for a team's manager, company for admins."""
    team = ["team"] if await objectives.leads_a_team(ctx) else []
    return ["personal", *team, *(["company"] if ctx.is_admin else [])]


async def objective_form(ctx: Context, level: str) -> View:
    t = ctx.t
    title = t("Add a goal")
    inputs = [Input(name="title", label=t("The goal"), hint=t("e.g. {example}", example=t(
        "Reduce p95 latency to 200 ms")))]
    allowed = await levels(ctx)
    if len(allowed) > 1:
        inputs.append(Input(name="level", label=t("Level"), kind="choice", value=level,
                            options=[(name, t(LEVELS[name])) for name in allowed]))
    inputs.append(due_input(ctx))
    parents = await ctx.uow.goals.shared(ctx.me.team_id, MAX_PARENTS)
    if parents:
        tags = {"company": t("[company] "), "team": t("[team] ")}
        inputs.append(Input(name="parent", label=t("Serves which objective?"), kind="choice", optional=True,
                            options=[(str(g.id), f"{tags[g.level]}#{g.id} {g.title}") for g in parents],
                            hint=t("optional: the company's or your team's objective it helps reach")))
    return View(title=title, blocks=[Form(title=title, command="goal add", submit_label=t("Add"), inputs=inputs)])


def due_input(ctx: Context) -> Input:
    return Input(name="due", label=ctx.t("Due by"), optional=True,
                 hint=ctx.t("a date, YYYY-MM-DD, or a quarter, 2027-Q1; empty for none"))


async def read_objective(ctx: Context) -> tuple[str, str, When, int | None, Goal | None]:
    """The form's answers as (level, title, due, team, parent); every mistake at once."""
    values = {name: ctx.values.get(name, "").strip() for name in ("title", "level", "due", "parent")}
    errors: list[FieldError] = []
    title, level = required(ctx, errors, values, "title"), values["level"] or "personal"
    team_id, when, parent = None, When(), None
    with answer_to(errors, "level"):
        if level not in LEVELS:
            raise UserError("Answer with one of: {choices}.", choices=", ".join(
                ctx.t(LEVELS[name]) for name in await levels(ctx)))
        team_id = await objectives.team_for(ctx, level)
    if values["due"]:
        with answer_to(errors, "due"):
            when = parse_when(ctx, values["due"])
    if values["parent"]:
        with answer_to(errors, "parent"):
            parent = await aligning_to(ctx, values["parent"], ADD_USAGE)
            if level in LEVELS and not may_serve(level, parent):
                raise UserError("A {level} objective serves a company objective or one at its own level; #{id} is a "
                                "{other} objective.", level=level_name(ctx.t, level), id=parent.id,
                                other=level_name(ctx.t, parent.level))
    check_form(errors)
    return level, title, when, team_id, parent


def required(ctx: Context, errors: list[FieldError], values: dict[str, str], name: str) -> str:
    """A text the form must have, within the length limit."""
    limit = ctx.deps.settings.limits.max_text_length
    if not values[name]:
        errors.append(FieldError(name, "Please answer this one."))
    elif len(values[name]) > limit:
        errors.append(FieldError(name, "Please keep it under {limit} characters.", limit=limit))
    return values[name]


async def kr(ctx: Context, text: str) -> View:
    number, _, rest = text.strip().partition(" ")
    goal = await my_open_goal(ctx, number, KR_USAGE)
    if ctx.values:
        return await keyresults.create(ctx, goal, *read_kr(ctx))
    if rest.strip():
        return await keyresults.add(ctx, goal, rest)
    title = ctx.t("A key result for goal #{id}", id=goal.id)
    return View(title=title, blocks=[Text(text=ctx.t("Goal #{id} {title}", id=goal.id, title=goal.title)), Form(
        title=title, command=f"goal kr {goal.id}", submit_label=ctx.t("Add"), inputs=[
            Input(name="title", label=ctx.t("What do you measure?"),
                  hint=ctx.t("e.g. {example}", example=ctx.t("Cut p95 latency"))),
            Input(name="start", label=ctx.t("Start: where it is now"), hint=ctx.t("a number, e.g. {example}",
                                                                                 example="900")),
            Input(name="target", label=ctx.t("Target: where it should get to"),
                  hint=ctx.t("a number, e.g. {example}", example="200")),
            Input(name="unit", label=ctx.t("Unit"), optional=True, hint=ctx.t("e.g. ms, %, customers")),
            due_input(ctx)])])


def read_kr(ctx: Context) -> tuple[keyresults.Measure, date | None]:
    values = {name: ctx.values.get(name, "").strip() for name in ("title", "start", "target", "unit", "due")}
    errors: list[FieldError] = []
    title = required(ctx, errors, values, "title")
    numbers = {name: parse_number(values[name]) for name in ("start", "target")}
    for name, value in numbers.items():
        if value is None:
            errors.append(FieldError(name, "Give a number, like {example}.", example="900" if name == "start" else
                                     "200"))
    if numbers["start"] is not None and numbers["start"] == numbers["target"]:
        errors.append(FieldError("target", "The target is the start: say where it should get to, above or below "
                                           "it."))
    if len(values["unit"]) > keyresults.UNIT_LENGTH:
        errors.append(FieldError("unit", "The unit is {length} characters long; keep it to {limit} at most, such as "
                                         "ms or customers.", length=len(values["unit"]), limit=keyresults.UNIT_LENGTH))
    due = None
    if values["due"]:
        with answer_to(errors, "due"):
            due = parse_when(ctx, values["due"]).end
    check_form(errors)
    assert numbers["start"] is not None and numbers["target"] is not None  # check_form refused them otherwise
    return keyresults.Measure(title, numbers["start"], numbers["target"], values["unit"], 1.0), due

