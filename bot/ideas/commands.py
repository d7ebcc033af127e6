"""/idea: posting, listing, showing, voting and commenting; moves are in `lifecycle`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.ideas.edit import edit
from bot.ideas.idea import FILTERS, author_name, find, short, show_button, tell_author
from bot.ideas.lifecycle import MOVES, OPEN, STATUS_NAMES, assign_owner, label, may_move, move
from bot.ideas.measure import measure, measure_blocks
from bot.ideas.mistakes import ANON, check_first_word, flag_name, refuse_flag
from bot.ideas.withdraw import withdraw
from bot.kernel.context import Context, Feature
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_, Translator
from bot.kernel.parsing import first_word, id_number
from bot.kernel.people import who
from bot.kernel.views import Button, Buttons, Fields, Text, View, text_view
from storage.models import Idea, IdeaComment, IdeaVote

USAGE = N_("idea Cut the build time by caching wheels")
ANON_USAGE = N_("idea --anon Cut the build time by caching wheels")
LIMIT = 20


async def handle(ctx: Context, text: str) -> View:
    word, rest = first_word(text)
    action = ACTIONS.get(word.lower())
    if word.lower() == "edit" and rest and id_number(first_word(rest)[0]) is None:
        action = None  # "Edit the wiki weekly" is an idea; `edit 12 …` edits one
    if action is not None:
        return await action(ctx, rest)
    if not text:
        return await list_ideas(ctx, "")
    if id_number(text) is not None:  # `/idea 12` means that idea, not an idea called "12"
        return await show(ctx, text)
    flag = flag_name(word)
    if flag in ANON:  # --anon, and the —anon that Slack and phones make of it
        return await submit(ctx, rest, anonymous=True)
    if flag is not None:
        raise refuse_flag(ctx, word)
    check_first_word(ctx, word, rest)
    return await submit(ctx, text, anonymous=False)


async def submit(ctx: Context, text: str, *, anonymous: bool) -> View:
    text = ctx.require_text(text, ANON_USAGE if anonymous else USAGE)
    seal = ctx.deps.sealer.seal(ctx.me.uid) if anonymous else None
    idea = Idea(author_id=None if anonymous else ctx.me.id, author_seal=seal, anonymous=anonymous, text=text,
                status="new", created_at=ctx.now, updated_at=ctx.now)
    ctx.uow.ideas.add(idea)
    await ctx.uow.ideas.flush()
    show_cmd = ctx.cmd(f"idea show {idea.id}")
    if anonymous:
        return text_view(ctx.t("Idea #{id} is posted anonymously: it is stored without your name, so nobody can "
                               "tell it is yours. You will still hear what becomes of it. Follow it with {show}; "
                               "only you see it in {mine}.", id=idea.id, show=show_cmd, mine=ctx.cmd("idea list mine")))
    return text_view(ctx.t("Idea #{id} is posted. Follow it with {show}; others can vote for it with {vote}.",
                           id=idea.id, show=show_cmd, vote=ctx.cmd(f"idea vote {idea.id}")))


async def list_ideas(ctx: Context, text: str) -> View:
    which = text.lower() or "open"
    if which not in FILTERS:
        raise UserError("There is no list “{name}”. Use one of: {lists}.", name=text,
                        lists=", ".join(ctx.cmd(f"idea list {f}") for f in FILTERS))
    if which == "mine":
        sealed = [i for i, seal in await ctx.uow.ideas.sealed() if ctx.deps.sealer.unseal(seal) == ctx.me.uid]
        rows = await ctx.uow.ideas.listing(author_id=ctx.me.id, ids=sealed, limit=LIMIT)
        title = ctx.t("Your ideas")
        empty = ctx.t("You have not posted an idea yet. Post one: {example}", example=ctx.cmd(USAGE))
    else:
        rows = await ctx.uow.ideas.listing(statuses=OPEN, by_votes=which == "top", limit=LIMIT)
        title = ctx.t("Open ideas, most voted first") if which == "top" else ctx.t("Open ideas, newest first")
        empty = ctx.t("There are no open ideas. Post one: {example}", example=ctx.cmd(USAGE))
    if not rows:
        return text_view(empty)
    people = await ctx.uow.people.by_ids([i.author_id for i, _ in rows if i.author_id is not None])
    lines = [ctx.t("#{id} [{status}] {text} ({votes}) — {author}", id=idea.id, status=ctx.t(STATUS_NAMES[idea.status]),
                   text=short(idea.text), votes=ctx.t.plural("{n} vote", "{n} votes", votes),
                   author=author_name(ctx.t, idea, people))
             for idea, votes in rows]
    first = rows[0][0].id
    hint = ctx.t("Details: {show} — vote: {vote}", show=ctx.cmd(f"idea show {first}"),
                 vote=ctx.cmd(f"idea vote {first}"))
    return View(title=title, blocks=[Text(text="\n".join(lines)), Text(text=hint)])


async def show(ctx: Context, text: str) -> View:
    idea = await find(ctx, text, "idea show 12")
    votes = await ctx.uow.ideas.vote_count(idea.id)
    people = await ctx.uow.people.by_ids([i for i in (idea.author_id, idea.owner_id) if i is not None])
    owner = people.get(idea.owner_id) if idea.owner_id is not None else None
    blocks: list[Text | Fields | Buttons] = [Text(text=idea.text), Fields(fields=[
        (ctx.t("Author"), author_name(ctx.t, idea, people)),
        (ctx.t("Status"), label(ctx.t, idea.status)),
        (ctx.t("Owner"), who(owner) if owner else ctx.t("nobody yet")),
        (ctx.t("Votes"), str(votes)),
        (ctx.t("Posted"), ctx.local_date(idea.created_at))]), *await measure_blocks(ctx, idea)]
    history = await ctx.uow.ideas.history(idea.id)
    if history:
        blocks += [Text(text=ctx.t("Status history")), Text(text="\n".join(
            ctx.t("{date} {status}: {note}", date=ctx.local_date(c.created_at), status=label(ctx.t, c.to_status),
                  note=c.note) if c.note else
            ctx.t("{date} {status}", date=ctx.local_date(c.created_at), status=label(ctx.t, c.to_status))
            for c in history))]
    comments = await ctx.uow.ideas.comments(idea.id)
    if comments:
        blocks += [Text(text=ctx.t("Comments")), Text(text="\n".join(
            ctx.t("{date} {author}: {text}", date=ctx.local_date(c.created_at), author=who(p), text=c.text)
            for c, p in comments))]
    blocks.append(Text(text=ctx.t("Comment with {command} followed by your text.",
                                  command=ctx.cmd(f"idea comment {idea.id}"))))
    if may_move(ctx, idea) and MOVES[idea.status]:
        blocks.append(Text(text=ctx.t("You can move it: {command} followed by one of {statuses} and a note.",
                                      command=ctx.cmd(f"idea status {idea.id}"),
                                      statuses=", ".join(MOVES[idea.status]))))
    if idea.status in OPEN:
        voted = await ctx.uow.ideas.vote(idea.id, ctx.me.id) is not None
        button = Button(label=ctx.t("Withdraw my vote"), command=f"idea vote {idea.id}") if voted else \
            Button(label=ctx.t("Vote"), command=f"idea vote {idea.id}", style="primary")
        blocks.append(Buttons(buttons=[button]))
    return View(title=ctx.t("Idea #{id}", id=idea.id), blocks=list(blocks))


async def vote(ctx: Context, text: str) -> View:
    idea = await find(ctx, text, "idea vote 12")
    if idea.status not in OPEN:
        raise UserError("Idea #{id} is {status}, so voting on it has closed.", id=idea.id,
                        status=label(ctx.t, idea.status))
    existing = await ctx.uow.ideas.vote(idea.id, ctx.me.id)
    if existing is not None:
        await ctx.uow.session.delete(existing)
    else:
        ctx.uow.ideas.add(IdeaVote(idea_id=idea.id, person_id=ctx.me.id, created_at=ctx.now))
    await ctx.uow.ideas.flush()
    votes = ctx.t.plural("{n} vote", "{n} votes", await ctx.uow.ideas.vote_count(idea.id))
    if existing is not None:
        return text_view(ctx.t("You withdrew your vote for idea #{id}; it now has {votes}.", id=idea.id, votes=votes))
    return text_view(ctx.t("You voted for idea #{id}; it now has {votes}. Vote again to withdraw it.",
                           id=idea.id, votes=votes))


async def comment(ctx: Context, text: str) -> View:
    number, body = first_word(text)
    idea = await find(ctx, number, "idea comment 12 I can help with the trial")
    body = ctx.require_text(body, f"idea comment {idea.id} I can help with the trial")
    ctx.uow.ideas.add(IdeaComment(idea_id=idea.id, author_id=ctx.me.id, text=body, created_at=ctx.now))

    def notice(t: Translator) -> View:
        return View(title=t("{name} commented on your idea #{id}", name=who(ctx.me), id=idea.id),
                    blocks=[Text(text=body), show_button(t, idea.id)])

    await tell_author(ctx, idea, "idea.comment", notice)
    return text_view(ctx.t("Your comment is added to idea #{id}.", id=idea.id))


ACTIONS: dict[str, Callable[[Context, str], Awaitable[View]]] = {
    "list": list_ideas, "show": show, "vote": vote, "comment": comment, "owner": assign_owner, "status": move,
    "measure": measure,
    "withdraw": withdraw, "edit": edit}

FEATURE = Feature(
    handle=handle,
    summary=N_("Suggest an improvement and follow what becomes of it: {p}idea Cut the build time by caching wheels"),
    usage=N_("{p}idea Cut the build time by caching wheels — post an idea\n"
             "{p}idea --anon … — post it anonymously: it is stored without your name, and you still hear "
             "what becomes of it\n"
             "{p}idea list [open|mine|top] — open ideas (the default), your own, or the most voted\n"
             "{p}idea show 12 — one idea with its status, history and comments\n"
             "{p}idea vote 12 — vote for it; again to withdraw your vote\n"
             "{p}idea comment 12 I can help with the trial — comment on it; its author hears of it\n"
             "{p}idea edit 12 Cache wheels and images — rewrite your own idea while it is new; its voters hear of it\n"
             "{p}idea withdraw 12 — take back your own idea while it is new; its votes and comments go with it\n"
             "{p}idea status 12 doing Trial on team A — move it (its owner or an admin): new → accepted (plan) → "
             "doing (do) → checking (check) → adopted (act), or declined with a reason\n"
             "{p}idea measure 12 baseline 11 target 6 minutes — in Plan (owner, admin or author): what it should "
             "change; then {p}idea measure 12 result 6.5 for each re-measurement (the latest counts, and adopting "
             "needs one)\n"
             "{p}idea owner 12 @ana — admins: choose who moves it\n"
             "Every change is told to the author, even an anonymous one, and to the voters."),
)
