"""/away: no prompts while you are away. An admin or a person's manager can set it for them."""

from __future__ import annotations

from datetime import date

from bot.kernel.context import Context, Feature, Tick
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.people import resolve_mention, split_mentions, who
from bot.kernel.views import View, text_view
from storage.models import Person


async def handle(ctx: Context, text: str) -> View:
    tokens, rest = split_mentions(text, ctx.mentions)
    if len(tokens) > 1:
        raise UserError("One person at a time: {example}", example=ctx.cmd("away @bo until 2026-12-20"))
    if tokens:
        person = await resolve_mention(ctx.uow, tokens[0], ctx.mentions)
        if person != ctx.me:
            return await for_someone(ctx, person, rest)
    return await mine(ctx, rest)


async def mine(ctx: Context, text: str) -> View:
    words = text.lower().split()
    today = Tick(deps=ctx.deps, uow=ctx.uow, now=ctx.now).local_today(ctx.me)
    away = ctx.me.away_until is not None and ctx.me.away_until >= today
    if words in (["off"], ["back"]):
        if not away:
            return text_view(ctx.t("You are not marked away, so prompts are already on."))
        ctx.me.away_until = None
        return text_view(ctx.t("Welcome back — prompts are on again."))
    if not words:
        if away:
            return text_view(ctx.t("You are away until {date}. Back earlier? {command}",
                                   date=ctx.me.away_until.isoformat(), command=ctx.cmd("away off")))
        return text_view(ctx.t("You are not away. Going on leave? {example}", example=ctx.cmd("away until 2026-12-01")))
    ctx.me.away_until = until_date(ctx, words, today)
    return text_view(ctx.t("Enjoy your time off. No check-ins or reminders until {date} (included).",
                           date=ctx.me.away_until.isoformat()))


async def for_someone(ctx: Context, person: Person, text: str) -> View:
    """An admin or the person's manager marks them away (or back); the person is told who did it."""
    if not ctx.is_admin and person.manager_id != ctx.me.id:
        raise UserError("Only {name}'s manager or an admin can set their away dates.", name=who(person))
    words = text.lower().split()
    today = Tick(deps=ctx.deps, uow=ctx.uow, now=ctx.now).local_today(person)
    away = person.away_until is not None and person.away_until >= today
    if not words:
        if away:
            return text_view(ctx.t("{name} is away until {date}.", name=who(person),
                                   date=person.away_until.isoformat()))
        return text_view(ctx.t("{name} is not away.", name=who(person)))
    setter = who(ctx.me)
    if words in (["off"], ["back"]):
        if not away:
            return text_view(ctx.t("{name} is not marked away.", name=who(person)))
        person.away_until = None
        ctx.tell(person, "away.set", lambda t: text_view(t("{setter} marked you back: prompts are on again.",
                                                           setter=setter)))
        return text_view(ctx.t("{name} is marked back; prompts are on again.", name=who(person)))
    until = until_date(ctx, words, today)
    person.away_until = until
    ctx.tell(person, "away.set", lambda t: text_view(t(
        "{setter} marked you away until {date} (included): no check-ins or reminders until then. "
        "Back earlier? {command}",
        setter=setter, date=until.isoformat(), command=ctx.cmd("away off"))))
    return text_view(ctx.t("{name} is away until {date} (included); I told them.", name=who(person),
                           date=until.isoformat()))


def until_date(ctx: Context, words: list[str], today: date) -> date:
    if len(words) != 2 or words[0] != "until":
        raise UserError("Say until when: {example}", example=ctx.cmd("away until 2026-12-01"))
    try:
        until = date.fromisoformat(words[1])
    except ValueError:
        raise UserError("{date} is not a date I understand; write it as YYYY-MM-DD: {example}", date=words[1],
                        example=ctx.cmd("away until 2026-12-01")) from None
    if until < today:
        raise UserError("{date} has already passed. Give a day from today on.", date=until.isoformat())
    return until


FEATURE = Feature(
    handle=handle,
    summary=N_("Pause prompts while you are away: {p}away until 2026-12-01"),
    usage=N_("{p}away until 2026-12-01 — no check-ins or reminders up to that day\n"
             "{p}away off — back early\n{p}away — are you marked away?\n"
             "{p}away @bo until 2026-12-20 — for a report (managers) or anyone (admins); {p}away @bo off"),
)
