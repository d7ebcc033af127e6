"""Kudos: public recognition tied to the company's values."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.kernel.addressing import addressed
from bot.kernel.context import Context, Feature
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_, Translator
from bot.kernel.kudos_text import giver_name, kudos_text
from bot.kernel.people import resolve_mentions, who
from bot.kernel.views import Text, View, text_view
from storage.models import Kudos, KudosRecipient, KudosValue, Person

# A tag starts with a letter of any script (`#teamwork`, `#学习`; `#12` is an idea, not a tag) after a space, a
# punctuation mark or Chinese text, never inside a word or an HTML entity (`C#`, `&#39;`).
TAG = re.compile(r"(?<!&)(?<![^\W\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff])#([^\W\d_][\w-]*)")
RECENT = 10
UNDO_WITHIN = timedelta(minutes=10)
USAGE = N_("kudos @ana @bo Thanks for the release notes #teamwork")


async def handle(ctx: Context, text: str) -> View:
    if text.strip().lower() == "undo":
        return await undo(ctx)
    head = addressed(ctx, text, USAGE)
    if head is None:
        return await recent(ctx)
    tokens, message = head
    values = tags_in(ctx, message)
    recipients = await resolve_mentions(ctx.uow, tokens, ctx.mentions)
    if ctx.me in recipients:
        raise UserError("Kudos are for others — you can't give them to yourself. Who helped you this week?")
    await give(ctx, recipients, message, values)
    names = ", ".join(who(p) for p in recipients)
    channel = ctx.deps.settings.kudos.channel
    if not channel:
        return text_view(ctx.t("Kudos sent to {names}.", names=names))
    return text_view(ctx.t("Kudos sent to {names} and posted in {channel}.", names=names, channel=channel))


def tags_in(ctx: Context, message: str) -> list[str]:
    allowed = ctx.deps.settings.kudos.values
    tags = list(dict.fromkeys(tag.lower() for tag in TAG.findall(message)))
    unknown = [tag for tag in tags if tag not in allowed]
    if unknown:
        raise UserError("#{tag} is not one of our values. Use one of: {values}.", tag=unknown[0],
                        values=" ".join("#" + v for v in allowed))
    return tags


async def give(ctx: Context, recipients: list[Person], message: str, values: list[str]) -> Kudos:
    kudos = Kudos(giver_id=ctx.me.id, message=message, created_at=ctx.now,
                  recipients=[KudosRecipient(person_id=p.id) for p in recipients],
                  values=[KudosValue(value=v) for v in values])
    ctx.uow.kudos.add(kudos)
    await ctx.uow.kudos.flush()  # its number names the messages, so /kudos undo finds them
    names, subject = ", ".join(who(p) for p in recipients), f"kudos:{kudos.id}"
    if ctx.deps.settings.kudos.channel:
        ctx.post(ctx.deps.settings.kudos.channel, "kudos.post", lambda t: text_view(
            message, title=t("Kudos from {giver} to {names}", giver=who(ctx.me), names=names)), subject=subject)
    for person in recipients:
        ctx.tell(person, "kudos.received",
                 lambda t: text_view(message, title=t("{giver} gave you kudos", giver=who(ctx.me))), subject=subject)
    return kudos


async def undo(ctx: Context) -> View:
    """Take back my last kudos while it is fresh: its messages are never sent, or withdrawn where they were."""
    kudos = await ctx.uow.kudos.last_given_by(ctx.me.id)
    if kudos is None:
        raise UserError("You have no kudos to take back.")
    if ctx.now - kudos.created_at > UNDO_WITHIN:
        raise UserError("Your last kudos ({message}) was given more than {minutes} minutes ago, so it stays. "
                        "Kudos can be taken back within {minutes} minutes.", message=kudos.message,
                        minutes=int(UNDO_WITHIN.total_seconds() // 60))
    giver = who(ctx.me)
    told = await ctx.amend(f"kudos:{kudos.id}", None, lambda t: text_view(
        t("{giver} took back their kudos: {message}", giver=giver, message=kudos.message)))
    await ctx.uow.kudos.delete(kudos)
    if told:
        return text_view(ctx.t("Your kudos is taken back: {message}. Where it was already delivered it is "
                               "withdrawn.", message=kudos.message))
    return text_view(ctx.t("Your kudos is taken back before anyone saw it: {message}", message=kudos.message))


async def recent(ctx: Context) -> View:
    rows = await ctx.uow.kudos.recent_for(ctx.me.id, RECENT)
    if not rows:
        return text_view(ctx.t("No kudos yet. Thank someone: {example}", example=ctx.cmd(USAGE)))
    people = await ctx.uow.people.by_ids([k.giver_id for k in rows if k.giver_id is not None] +
                                         [r.person_id for k in rows for r in k.recipients])
    lines = [describe(ctx.t, k, people, ctx.local_date(k.created_at)) for k in rows]
    return View(title=ctx.t("Your recent kudos, given and received"), blocks=[Text(text="\n".join(lines))])


def describe(t: Translator, kudos: Kudos, people: dict[int, Person], day: str) -> str:
    names = ", ".join(who(people[r.person_id]) for r in kudos.recipients if r.person_id in people)
    return t("{date} {giver} → {names}: {message}", date=day, giver=giver_name(t, kudos.giver_id, people),
             names=names, message=kudos_text(t, kudos.message, kudos.idea_id, kudos.effect))


FEATURE = Feature(
    handle=handle,
    summary=N_("Thank someone in public: {p}kudos @ana Great demo #teamwork"),
    usage=N_("{p}kudos @ana @bo Thanks for the release notes #teamwork — thank one or more people; "
             "it is posted in the kudos channel and sent to each of them\n"
             "{p}kudos — your recent kudos, given and received\n"
             "{p}kudos undo — take back your last kudos within 10 minutes; its messages are withdrawn\n"
             "Tags after # must be one of the company values: {values}"),
)
