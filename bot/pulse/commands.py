"""/pulse: answering, listing, results and the admin's subcommands."""

from __future__ import annotations

from bot.kernel.context import Context, Feature
from bot.kernel.errors import FieldError, UserError, check_form
from bot.kernel.i18n import N_, Translator
from bot.kernel.parsing import MAX_ID, id_number
from bot.kernel.settings import pick_text
from bot.kernel.views import Block, Button, Buttons, Form, Input, Text, View, text_view
from bot.pulse import admin, ballots, results_view
from bot.pulse.suppression import threshold
from storage.models import Survey, SurveyQuestion, SurveyRound

SCORES = {"scale": [str(n) for n in range(1, 6)], "enps": [str(n) for n in range(11)]}


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
        return await admin.listing(ctx)
    if word == "results":
        return await results_view.results(ctx, rest)
    if word == "create":
        return await admin.create(ctx, rest)
    if word == "stop":
        return await admin.stop(ctx, rest)
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


# ---- answering ----

async def round_to_answer(ctx: Context, raw: str) -> tuple[SurveyRound, Survey]:
    """The round, if I was asked in it, it is still open, and I have not answered yet."""
    number = id_number(raw)
    if number is None:
        raise UserError("Which survey? {command} lists the ones waiting for you.", command=ctx.cmd("pulse"))
    rnd = await ctx.uow.surveys.round(number) if number <= MAX_ID else None
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
    """In the reader's language when the configuration gives the question in several (else as written)."""
    name, label = f"q{question.id}", pick_text(question.texts or question.text, t.locale)
    if question.kind == "scale":
        return Input(name=name, label=label, kind="choice", options=[(n, n) for n in SCORES["scale"]],
                     hint=t("1 = not at all, 5 = completely"))
    if question.kind == "enps":
        return Input(name=name, label=label, kind="choice", options=[(n, n) for n in SCORES["enps"]],
                     hint=t("0 = not at all likely, 10 = extremely likely"))
    if question.kind == "choice":
        return Input(name=name, label=label, kind="choice",
                     options=[(str(n), option) for n, option in enumerate(question.options, 1)])
    return Input(name=name, label=label, kind="multiline", optional=True,
                 hint=t("optional; comments are shown only when at least {n} people answer", n=comment_threshold))


def answer_form(ctx: Context, rnd: SurveyRound, survey: Survey) -> View:
    pulse = ctx.deps.settings.pulse
    inputs = [question_input(ctx.t, question, pulse.comment_threshold) for question in survey.questions]
    note = ctx.t("Your answers are anonymous: they are stored without your name, and results are shown only for "
                 "groups of at least {k} people, after the survey closes on {date}.",
                 k=threshold(rnd, pulse.anonymity_threshold), date=ctx.local_date(rnd.closes_at))
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
    locked = await ctx.uow.surveys.round_locked(rnd.id, shared=True)
    if locked is None or locked.published:  # it closed and was published while I was typing
        raise UserError("This survey closed on {date}; answers are no longer taken.",
                        date=ctx.local_date(rnd.closes_at))
    if not await ctx.uow.surveys.mark_answered(rnd.id, ctx.me.id):  # a second submit raced this one
        raise UserError("You have already answered this survey — thank you. Results appear after it closes on {date}.",
                        date=ctx.local_date(rnd.closes_at))
    # Sealed until the round closes (one value per question, an empty one for a skipped comment): no answer row is
    # written in the transaction that marks me as having answered. My team's name goes with them; it is published
    # only if at least the threshold of the round's submissions carry it. See bot/pulse/ballots.py.
    group = await ctx.uow.people.team_name(ctx.me)
    await ctx.uow.surveys.seal_submission(rnd.id, ballots.seal(
        ctx.deps.sealer, ballots.capacity(survey.questions, ctx.deps.settings), group,
        [(question.id, values) for question, values in answers]))
    return text_view(ctx.t("Thank you — your answers to {title} are saved. Your answers are anonymous: they are "
                           "stored without your name, and results are shown only for groups of at least {k} people.",
                           title=survey.title, k=threshold(rnd, ctx.deps.settings.pulse.anonymity_threshold)))


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
