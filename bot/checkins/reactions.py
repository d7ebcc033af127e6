"""A check-in after it is sent: the edit reaches the manager, who can answer it or put it on the next 1:1.

Part of the check-ins feature (bot/checkins/commands.py imports it); the 1:1 agenda is reached through storage, not
through bot/oneonones, since features never import each other.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.kernel.calendar import iso_week
from bot.kernel.context import Context, Tick
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_, Translator
from bot.kernel.parsing import MAX_ID, id_number
from bot.kernel.people import who
from bot.kernel.views import Button, Buttons, Text, View, text_view
from storage.models import Checkin, OneOnOneEntry, Person

REPLY_USAGE = N_("checkin reply 12 Thanks, good to hear the release went out")


def reactions(t: Translator, checkin_id: int, prefix: str) -> list[Text | Buttons]:
    """What a manager can do with a report's check-in, shown under it; `prefix`: how `checkin` is typed on the
    platform it was sent from (`/` on Slack, nothing on Teams), as `Context.prefix_for` says."""
    return [Text(text=t("Answer with {command} and your reply.", command=f"{prefix}checkin reply {checkin_id}")),
            Buttons(buttons=[Button(label=t("Add to our next 1:1"), command=f"checkin discuss {checkin_id}")])]


async def share_edit(ctx: Context, subject: str, build: Callable[[Translator, str], View]) -> None:
    """An edited check-in: the manager's copy is replaced (in place, or followed by a notice saying so)."""
    await ctx.amend(subject, lambda t: build(t, "replaced"), lambda t: build(t, "notice"), lambda t: build(t, ""))


def this_week(ctx: Context) -> str:
    return iso_week(Tick(deps=ctx.deps, uow=ctx.uow, now=ctx.now).local_today(ctx.me))


async def editable_week(ctx: Context, text: str) -> str:
    """`/checkin edit`: this week, if it has a check-in to edit (it can be edited until the week ends)."""
    if text:
        raise UserError("Only this week's check-in can be edited: {command}", command=ctx.cmd("checkin edit"))
    period = this_week(ctx)
    if await ctx.uow.checkins.of(ctx.me.id, period) is None:
        raise UserError("You have no check-in for this week to edit. Start one with {command}.",
                        command=ctx.cmd("checkin"))
    return period


def refuse_after_the_week(ctx: Context, period: str) -> None:
    """A check-in already sent is changed only in its own week (in the person's time zone)."""
    if period < this_week(ctx):
        raise UserError("Week {week} is over, so its check-in stays as it was sent. This week's is {command}.",
                        week=period.split("-W")[1], command=ctx.cmd("checkin"))


async def react(ctx: Context, word: str, text: str) -> View:
    number, _, rest = text.partition(" ")
    usage = REPLY_USAGE if word == "reply" else "checkin discuss 12"
    checkin, report = await reports_checkin(ctx, number, usage)
    week = checkin.period.split("-W")[1]
    if word == "reply":
        reply = ctx.require_text(rest, REPLY_USAGE)
        manager = who(ctx.me)
        ctx.tell(report, "checkin.reply", lambda t: View(
            title=t("{manager} replied to your check-in for week {week}", manager=manager, week=week),
            blocks=[Text(text=reply)]))
        return text_view(ctx.t("Reply sent to {name}.", name=who(report)))
    return await discuss(ctx, checkin, report, week)


async def discuss(ctx: Context, checkin: Checkin, report: Person, week: str) -> View:
    """The check-in as a topic of the pair's next 1:1 (its blockers, if any, say what to talk about)."""
    await ctx.uow.oneonones.create_missing(ctx.deps.settings.oneonone.cadence_days, ctx.now, involving=ctx.me.id)
    pair = next((row for row, _, r in await ctx.uow.oneonones.current(involving=ctx.me.id) if r.id == report.id), None)
    if pair is None:
        raise UserError("{name} does not report to you, so you have no 1:1s together.", name=who(report))
    topic = ctx.t("Check-in of week {week}", week=week) + (f": {checkin.blockers}" if checkin.blockers else "")
    ctx.uow.oneonones.add(OneOnOneEntry(pair_id=pair.id, kind="topic", text=topic, author_id=ctx.me.id,
                                        created_at=ctx.now))
    return text_view(ctx.t("Added to the agenda of your next 1:1 with {name}: {topic}", name=who(report),
                           topic=topic))


async def reports_checkin(ctx: Context, number: str, usage: str) -> tuple[Checkin, Person]:
    """A check-in of someone who reports to me; otherwise the error that says what to type."""
    checkin_id = id_number(number) if number else None
    if checkin_id is None:
        raise UserError("Which check-in? Give the number shown under it: {example}", example=ctx.cmd(usage))
    checkin = await ctx.uow.checkins.get(checkin_id) if checkin_id <= MAX_ID else None
    report = await ctx.uow.people.get(checkin.person_id) if checkin is not None else None
    if checkin is None or report is None or report.manager_id != ctx.me.id:
        raise UserError("There is no check-in #{id} of someone who reports to you.", id=checkin_id)
    return checkin, report
