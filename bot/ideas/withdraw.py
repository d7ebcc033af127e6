"""/idea withdraw 12: its author takes an idea back while it is new; its votes and comments go with it."""

from __future__ import annotations

from sqlalchemy import delete

from bot.ideas.idea import find, is_author, short
from bot.ideas.lifecycle import label
from bot.kernel.context import Context
from bot.kernel.errors import UserError
from bot.kernel.i18n import Translator
from bot.kernel.views import Text, View, text_view
from storage.models import Idea, IdeaComment, IdeaStatusChange, IdeaVote


async def withdraw(ctx: Context, text: str) -> View:
    idea = await find(ctx, text, "idea withdraw 12")
    if not is_author(ctx, idea):
        raise UserError("Only its author can withdraw idea #{id}. You can withdraw your vote with {vote}.",
                        id=idea.id, vote=ctx.cmd(f"idea vote {idea.id}"))
    if idea.status != "new":
        raise UserError("Idea #{id} is {status}: an idea can only be withdrawn while it is new.", id=idea.id,
                        status=label(ctx.t, idea.status))
    # Everyone who took part hears of it once, in their language; never the author, who is the one acting.
    involved = set(await ctx.uow.ideas.voter_ids(idea.id))
    involved |= {person.id for _, person in await ctx.uow.ideas.comments(idea.id)}
    involved |= {idea.owner_id} if idea.owner_id is not None else set()
    involved.discard(ctx.me.id)
    gist = short(idea.text)

    def notice(t: Translator) -> View:
        return View(title=t("Idea #{id} was withdrawn by its author", id=idea.id), blocks=[
            Text(text=gist), Text(text=t("Its votes and comments went with it."))])

    people = await ctx.uow.people.by_ids(list(involved))
    for person_id in sorted(people):
        ctx.tell(people[person_id], "idea.withdrawn", notice)
    for model in (IdeaVote, IdeaComment, IdeaStatusChange):  # explicit: ON DELETE cascades may be off
        await ctx.uow.session.execute(delete(model).where(model.idea_id == idea.id))
    await ctx.uow.session.execute(delete(Idea).where(Idea.id == idea.id))
    return text_view(ctx.t("Idea #{id} is withdrawn: it is gone, with its votes and comments. Whoever voted for "
                           "it, commented on it or owns it will hear of it.", id=idea.id))
