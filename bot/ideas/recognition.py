"""Closing a cycle recognises its contributors: when an idea is adopted, its owner, its author and everyone who
commented are thanked in one kudos-channel post tagged with `ideas.recognition_value`, stored as kudos (so it counts
in digests and in /kudos). An anonymous author is never named: they get a private, sealed thank-you.

The kudos is given by feedbot itself (no giver: it is nobody's "given", and erasing whoever adopted the idea leaves it)
and stores facts, not a sentence — the idea's number, its gist with the value tag, the effect's numbers — so each
reader reads it in their own language (`bot.kernel.kudos_text`). The channel post is in the organisation's language.

Exactly once per idea: an `IdeaRecognition` row (keyed by the idea) remembers it, also if the idea is adopted again.
Ideas do not import kudos (features never import each other): the rows are written here, through storage.
"""

from __future__ import annotations

from dataclasses import asdict

from bot.ideas.idea import short, show_button
from bot.kernel.context import Context
from bot.kernel.effect import Measured, describe
from bot.kernel.i18n import Translator
from bot.kernel.people import who
from bot.kernel.views import Text, View
from storage.models import Idea, IdeaRecognition, Kudos, KudosRecipient, KudosValue, Person


async def contributors(ctx: Context, idea: Idea) -> list[Person]:
    """The owner, the author if named, and every commenter, each once, in that order."""
    ids = [i for i in (idea.owner_id, idea.author_id) if i is not None]
    ids += [person.id for _, person in await ctx.uow.ideas.comments(idea.id)]
    people = await ctx.uow.people.by_ids(ids)
    return [people[i] for i in dict.fromkeys(ids) if i in people]


async def recognise(ctx: Context, idea: Idea, measured: Measured | None) -> bool:
    """Thank the contributors of an idea just adopted, unless that was done before (then False)."""
    if await ctx.uow.ideas.recognition(idea.id) is not None:
        return False
    value = ctx.deps.settings.recognition_value
    gist = short(idea.text)

    def lines(t: Translator) -> list[str]:
        effect = [describe(t, measured)] if measured is not None else []
        return [gist, *effect, f"#{value}"]

    recipients = await contributors(ctx, idea)
    kudos = None
    if recipients:
        names = ", ".join(who(p) for p in recipients)
        kudos = Kudos(giver_id=None, idea_id=idea.id, effect=asdict(measured) if measured is not None else None,
                      message=f"{gist} #{value}", created_at=ctx.now,
                      recipients=[KudosRecipient(person_id=p.id) for p in recipients],
                      values=[KudosValue(value=value)])
        ctx.uow.kudos.add(kudos)
        await ctx.uow.kudos.flush()
        if ctx.deps.settings.kudos.channel:
            ctx.post(ctx.deps.settings.kudos.channel, "kudos.post", lambda t: View(
                title=t("Idea #{id} is adopted: thank you, {names}", id=idea.id, names=names),
                blocks=[Text(text="\n".join(lines(t))), show_button(t, idea.id)]))
        for person in recipients:
            if person.id != ctx.me.id:
                ctx.tell(person, "kudos.received", lambda t: View(
                    title=t("Thank you: idea #{id} is adopted, and you helped", id=idea.id),
                    blocks=[Text(text="\n".join(lines(t))), show_button(t, idea.id)]))
    if idea.anonymous and idea.author_seal:  # never a kudos row or a name: a sealed thank-you, in every language
        author = ctx.deps.sealer.unseal(idea.author_seal)
        ctx.tell_sealed(idea.author_seal, "idea.recognition", lambda t: View(
            title=t("Thank you: your idea #{id} is adopted", id=idea.id),
            blocks=[Text(text="\n".join([*lines(t), t("Only you know it was yours: you are not named anywhere.")])),
                    show_button(t, idea.id)]), silent=author == ctx.me.uid)
    ctx.uow.ideas.add(IdeaRecognition(idea_id=idea.id, kudos_id=kudos.id if kudos else None, created_at=ctx.now))
    return True
