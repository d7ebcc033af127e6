"""/away: no prompts while you are away."""

from __future__ import annotations

from datetime import date

from bot.kernel.context import Context, Feature, Tick
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.views import View, text_view


async def handle(ctx: Context, text: str) -> View:
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
    if len(words) != 2 or words[0] != "until":
        raise UserError("Say until when: {example}", example=ctx.cmd("away until 2026-12-01"))
    try:
        until = date.fromisoformat(words[1])
    except ValueError:
        raise UserError("{date} is not a date I understand; write it as YYYY-MM-DD: {example}", date=words[1],
                        example=ctx.cmd("away until 2026-12-01")) from None
    if until < today:
        raise UserError("{date} has already passed. Give a day from today on.", date=until.isoformat())
    ctx.me.away_until = until
    return text_view(ctx.t("Enjoy your time off. No check-ins or reminders until {date} (included).",
                           date=until.isoformat()))


FEATURE = Feature(
    handle=handle,
    summary=N_("Pause prompts while you are away: {p}away until 2026-12-01"),
    usage=N_("{p}away until 2026-12-01 — no check-ins or reminders up to that day\n"
             "{p}away off — back early\n{p}away — are you marked away?"),
)
