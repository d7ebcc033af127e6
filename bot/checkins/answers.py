"""Check-in answers beyond the questions' text: the blocker's category (asked with the blockers question, needed
when there is a blocker, read as a number, a key or a name in any language: bot/kernel/blockers.py) and goal
progress."""

from __future__ import annotations

from bot.kernel.blockers import category_label, options, read_category
from bot.kernel.context import Context
from bot.kernel.errors import FieldError
from bot.kernel.i18n import Translator
from bot.kernel.views import Input
from storage.models import Checkin

FIELD = "blocker_category"
BLOCKERS = "blockers"  # the question whose answer gets a category


def category_input(ctx: Context, before: Checkin | None) -> Input:
    return Input(name=FIELD, label=ctx.t("What kind of blocker is it?"), kind="choice", optional=True,
                 options=options(ctx.t, ctx.deps.settings.checkin.blocker_categories),
                 hint=ctx.t("only when something blocks you"), follows=BLOCKERS,
                 value=before.blocker_category or "" if before is not None else "")


def read_blocker_category(ctx: Context, answers: dict[str, str], errors: list[FieldError]) -> str | None:
    """The category of the blocker answered; None without a blocker (a category chosen then is dropped)."""
    keys = ctx.deps.settings.checkin.blocker_categories
    typed = ctx.values.get(FIELD, "").strip()
    if not answers.get(BLOCKERS):
        return None
    names = ", ".join(f"{n} {label}" for n, (_, label) in enumerate(options(ctx.t, keys), start=1))
    if not typed:
        errors.append(FieldError(FIELD, "Pick the kind of blocker: {choices}.", choices=names))
        return None
    found = read_category(ctx.deps.catalogs, keys, typed)
    if found is None:
        errors.append(FieldError(FIELD, "There is no blocker kind {typed}. Pick one of: {choices}.", typed=typed,
                                 choices=names))
    return found


def blocked_line(t: Translator, checkin: Checkin) -> str:
    """"⚠ Blocked (waiting on others): …" — the category when there is one."""
    if checkin.blocker_category:
        return t("⚠ Blocked ({category}): {blockers}", category=category_label(t, checkin.blocker_category),
                 blockers=checkin.blockers)
    return t("⚠ Blocked: {blockers}", blockers=checkin.blockers)


