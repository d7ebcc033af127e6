"""/idea edit 12 new text: its author rewrites an idea while it is new; whoever voted for it hears of the change.

The author is found as withdraw finds them: by name, or through the seal of an anonymous idea. The notices go out
as every idea notice does (`tell_author`: one sealed row for an anonymous author, silent because they wrote it),
and an anonymous author among the voters is told as a voter like everyone else: the outbox then looks the same
whoever of the voters wrote the idea.
"""

from __future__ import annotations

from bot.ideas.idea import find, is_author, short, show_button, tell_author
from bot.ideas.lifecycle import label
from bot.kernel.context import BuildView, Context
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_, Translator
from bot.kernel.parsing import first_word
from bot.kernel.views import Text, View, text_view

USAGE = "idea edit 12 Cut the build time by caching wheels"


async def edit(ctx: Context, text: str) -> View:
    number, body = first_word(text)
    idea = await find(ctx, number, USAGE)
    if not is_author(ctx, idea):
        raise UserError("Only its author can edit idea #{id}. You can comment on it with {comment}.", id=idea.id,
                        comment=ctx.cmd(f"idea comment {idea.id}"))
    if idea.status != "new":
        raise UserError("Idea #{id} is {status}: an idea can only be edited while it is new. Comment on it instead "
                        "with {comment}.", id=idea.id, status=label(ctx.t, idea.status),
                        comment=ctx.cmd(f"idea comment {idea.id}"))
    body = ctx.require_text(body, f"idea edit {idea.id} …")
    if body == idea.text:
        raise UserError("Idea #{id} already says that, so nothing changed.", id=idea.id)
    before = short(idea.text)
    idea.text, idea.updated_at = body, ctx.now

    def notice(title: str) -> BuildView:
        def build(t: Translator) -> View:
            return View(title=t(title, id=idea.id), blocks=[
                Text(text=body), Text(text=t("It said before: {text}", text=before)), show_button(t, idea.id)])
        return build

    voters = await ctx.uow.people.by_ids(await ctx.uow.ideas.voter_ids(idea.id))
    await tell_author(ctx, idea, "idea.edited", notice(N_("Your idea #{id} has new text")),
                      voters={voter.uid for voter in voters.values()})
    for voter in voters.values():
        if idea.anonymous or voter.id != ctx.me.id:  # skipping the one editing would name the anonymous author
            ctx.tell(voter, "idea.edited", notice(N_("An idea you voted for, #{id}, was edited by its author")))
    return text_view(ctx.t("Idea #{id} now has your new text. Whoever voted for it will hear of the change.",
                           id=idea.id))
