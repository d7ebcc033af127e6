"""Improvement ideas: a suggestion box where every idea walks Plan-Do-Check-Act in the open.

Anonymous ideas keep no author id: only a seal of the author's uid, which the running bot can open to
tell them what became of their idea (and to list it under `mine` for them alone).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.context import BuildView, Context, Feature
from bot.errors import FieldError, UserError, check_form
from bot.i18n import N_, Translator
from bot.parsing import MAX_ID, id_number
from bot.people import resolve_mention, split_mentions, who
from bot.views import Button, Buttons, Fields, Form, Input, Text, View, text_view
from storage.models import Idea, IdeaComment, IdeaStatusChange, IdeaVote, Person

USAGE = N_("idea Cut the build time by caching wheels")
ANON_USAGE = N_("idea --anon Cut the build time by caching wheels")
SHORT = 80  # characters of an idea shown in a list
LIMIT = 20

STATUS_NAMES = {"new": N_("new"), "accepted": N_("accepted"), "doing": N_("doing"), "checking": N_("checking"),
                "adopted": N_("adopted"), "declined": N_("declined")}
STAGES = {"accepted": N_("plan"), "doing": N_("do"), "checking": N_("check"), "adopted": N_("act")}
# Checking may go back to doing: another turn of the cycle. Adopted and declined are final.
MOVES: dict[str, tuple[str, ...]] = {
    "new": ("accepted", "declined"), "accepted": ("doing", "declined"), "doing": ("checking", "declined"),
    "checking": ("adopted", "doing", "declined"), "adopted": (), "declined": ()}
OPEN = ("new", "accepted", "doing", "checking")
FILTERS = ("open", "mine", "top")


async def handle(ctx: Context, text: str) -> View:
    word, rest = split(text)
    action = ACTIONS.get(word.lower())
    if action is not None:
        return await action(ctx, rest)
    if not text:
        return await list_ideas(ctx, "")
    if id_number(text) is not None:  # `/idea 12` means that idea, not an idea called "12"
        return await show(ctx, text)
    if word.lower() == "--anon":
        return await submit(ctx, rest, anonymous=True)
    return await submit(ctx, text, anonymous=False)


def split(text: str) -> tuple[str, str]:
    parts = text.strip().split(None, 1)
    return (parts[0] if parts else ""), (parts[1].strip() if len(parts) > 1 else "")


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
        (ctx.t("Posted"), ctx.local_date(idea.created_at))])]
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
    number, body = split(text)
    idea = await find(ctx, number, "idea comment 12 I can help with the trial")
    body = ctx.require_text(body, f"idea comment {idea.id} I can help with the trial")
    ctx.uow.ideas.add(IdeaComment(idea_id=idea.id, author_id=ctx.me.id, text=body, created_at=ctx.now))

    def notice(t: Translator) -> View:
        return View(title=t("{name} commented on your idea #{id}", name=who(ctx.me), id=idea.id),
                    blocks=[Text(text=body), show_button(t, idea.id)])

    await tell_author(ctx, idea, "idea.comment", notice)
    return text_view(ctx.t("Your comment is added to idea #{id}.", id=idea.id))


async def assign_owner(ctx: Context, text: str) -> View:
    number, rest = split(text)
    if not ctx.is_admin:
        raise UserError("Only an admin can choose who owns an idea. See who owns it with {show}.",
                        show=ctx.cmd(f"idea show {number}" if id_number(number) is not None else "idea show 12"))
    idea = await find(ctx, number, "idea owner 12 @ana")
    if not MOVES[idea.status]:
        raise UserError("Idea #{id} is {status}, which is final: it needs no owner any more.", id=idea.id,
                        status=label(ctx.t, idea.status))
    tokens, extra = split_mentions(rest, ctx.mentions)
    if len(tokens) != 1 or extra:
        raise UserError("Who should own idea #{id}? Give one @name: {example}", id=idea.id,
                        example=ctx.cmd(f"idea owner {idea.id} @ana"))
    owner = await resolve_mention(ctx.uow, tokens[0], ctx.mentions)
    idea.owner_id, idea.updated_at = owner.id, ctx.now

    def notice(t: Translator) -> View:
        return View(title=t("You now own idea #{id}", id=idea.id), blocks=[
            Text(text=idea.text),
            Text(text=t("It is {status}. Move it through Plan-Do-Check-Act; its author and voters hear of every step.",
                        status=label(t, idea.status))),
            show_button(t, idea.id)])

    if owner.id != ctx.me.id:
        ctx.tell(owner, "idea.owner", notice)
    return text_view(ctx.t("{name} now owns idea #{id} and can move it, e.g. {example}", name=who(owner), id=idea.id,
                           example=ctx.cmd(f"idea status {idea.id} {MOVES[idea.status][0]}")))


async def move(ctx: Context, text: str) -> View:
    number, rest = split(text)
    idea = await find(ctx, number, "idea status 12 doing Trial on team A")
    if not may_move(ctx, idea):
        owner = await ctx.uow.people.get(idea.owner_id) if idea.owner_id is not None else None
        if owner is not None:
            raise UserError("Only the owner of idea #{id}, {owner}, or an admin can move it.", id=idea.id,
                            owner=who(owner))
        raise UserError("Only an admin can move idea #{id}: it has no owner yet. "
                        "An admin can choose one with {example}.", id=idea.id,
                        example=ctx.cmd(f"idea owner {idea.id} @ana"))
    current, nexts = label(ctx.t, idea.status), MOVES[idea.status]
    if not nexts:
        raise UserError("Idea #{id} is {status}, which is final: it cannot move any more.", id=idea.id, status=current)
    if ctx.values:  # the form below, submitted
        return await move_from_form(ctx, idea)
    word, note = split(rest)
    target, choices = word.lower(), ", ".join(nexts)
    if not target:
        return status_form(ctx, idea)
    if target in STATUS_NAMES and target not in nexts:
        raise UserError("Idea #{id} is {status}; it cannot move to {target}, only to: {choices}.", id=idea.id,
                        status=current, target=label(ctx.t, target), choices=choices)
    if target not in nexts:
        raise UserError("“{word}” is not a status. Idea #{id} is {status} and can move to: {choices}.", word=word,
                        id=idea.id, status=current, choices=choices)
    if target == "declined" and not note:
        raise UserError("Please say why idea #{id} is declined: type {command} followed by the reason.", id=idea.id,
                        command=ctx.cmd(f"idea status {idea.id} declined"))
    note = ctx.require_text(note, f"idea status {idea.id} {target}") if note else ""
    return await apply_move(ctx, idea, target, note)


def status_form(ctx: Context, idea: Idea) -> View:
    """`/idea status 12` alone: where it may go next, and a note (a modal on Slack, a card on Teams)."""
    title = ctx.t("Move idea #{id}", id=idea.id)
    current = label(ctx.t, idea.status)
    return View(title=title, blocks=[
        Text(text=short(idea.text)),
        Form(title=title, command=f"idea status {idea.id}", submit_label=ctx.t("Move it"), inputs=[
            Input(name="status", label=ctx.t("It is {status}. Move it to:", status=current), kind="choice",
                  options=[(name, label(ctx.t, name)) for name in MOVES[idea.status]]),
            Input(name="note", label=ctx.t("Note for its author and voters"), kind="multiline", optional=True,
                  hint=ctx.t("needed when it is declined")),
        ])])


async def move_from_form(ctx: Context, idea: Idea) -> View:
    target, note = ctx.values.get("status", "").strip().lower(), ctx.values.get("note", "").strip()
    errors = []
    if target not in MOVES[idea.status]:
        errors.append(FieldError("status", "Choose one of: {choices}.", choices=", ".join(MOVES[idea.status])))
    elif target == "declined" and not note:
        errors.append(FieldError("note", "Please say why it is declined."))
    if len(note) > ctx.deps.settings.limits.max_text_length:
        errors.append(FieldError("note", "Please keep it under {limit} characters.",
                                 limit=ctx.deps.settings.limits.max_text_length))
    check_form(errors)
    return await apply_move(ctx, idea, target, note)


async def apply_move(ctx: Context, idea: Idea, target: str, note: str) -> View:
    current = label(ctx.t, idea.status)
    ctx.uow.ideas.add(IdeaStatusChange(idea_id=idea.id, from_status=idea.status, to_status=target, note=note,
                                       changed_by_id=ctx.me.id, created_at=ctx.now))
    idea.status, idea.updated_at = target, ctx.now
    await tell_status(ctx, idea, note)
    return text_view(ctx.t("Idea #{id} moved from {old} to {new}. Its author and voters will hear of it.",
                           id=idea.id, old=current, new=label(ctx.t, target)))


async def tell_status(ctx: Context, idea: Idea, note: str) -> None:
    """The author (sealed when anonymous) and every voter, once each, never the person moving it."""

    def notice(title: Callable[[Translator], str]) -> BuildView:
        def build(t: Translator) -> View:
            blocks: list[Text | Buttons] = [Text(text=short(idea.text))]
            if note:
                blocks.append(Text(text=t("Note: {note}", note=note)))
            return View(title=title(t), blocks=[*blocks, show_button(t, idea.id)])
        return build

    told = {ctx.me.uid}
    voters = await ctx.uow.people.by_ids(await ctx.uow.ideas.voter_ids(idea.id))
    # An anonymous author who voted hears of it as a voter: a sealed message on top of the voters' would let
    # anyone reading the outbox find them as the one voter without a message of their own.
    hidden = idea.anonymous and ctx.deps.sealer.unseal(idea.author_seal or "") in {v.uid for v in voters.values()}
    if not hidden:
        told.add(await tell_author(ctx, idea, "idea.status", notice(
            lambda t: t("Your idea #{id} is now {status}", id=idea.id, status=label(t, idea.status)))) or "")
    for voter in voters.values():
        if voter.uid not in told:
            told.add(voter.uid)
            ctx.tell(voter, "idea.status", notice(
                lambda t: t("An idea you voted for, #{id}, is now {status}", id=idea.id, status=label(t, idea.status))))


async def tell_author(ctx: Context, idea: Idea, kind: str, build: BuildView) -> str | None:
    """Queue a message to the idea's author unless they are the one acting; returns the author's uid."""
    if idea.anonymous:
        uid = ctx.deps.sealer.unseal(idea.author_seal) if idea.author_seal else None
        if idea.author_seal and uid != ctx.me.uid:
            ctx.tell_sealed(idea.author_seal, kind, build)  # never ctx.tell: no delivery row may name them
        return uid
    author = await ctx.uow.people.get(idea.author_id) if idea.author_id is not None else None
    if author is not None and author.id != ctx.me.id:
        ctx.tell(author, kind, build)
    return author.uid if author else None


async def find(ctx: Context, text: str, usage: str) -> Idea:
    if not text:
        raise UserError("Which idea? Add its number: {usage}", usage=ctx.cmd(usage))
    number = id_number(text)
    if number is None:
        raise UserError("“{value}” is not an idea number. Type {usage}; {list} shows the numbers.", value=text,
                        usage=ctx.cmd(usage), list=ctx.cmd("idea list"))
    idea = await ctx.uow.ideas.get(number) if number <= MAX_ID else None
    if idea is None:
        raise UserError("There is no idea #{id}. See {list}", id=number, list=ctx.cmd("idea list"))
    return idea


def may_move(ctx: Context, idea: Idea) -> bool:
    return ctx.is_admin or (idea.owner_id is not None and idea.owner_id == ctx.me.id)


def label(t: Translator, status: str) -> str:
    """A status in the reader's language, with its PDCA stage: "accepted (plan)"."""
    stage = STAGES.get(status)
    name = t(STATUS_NAMES[status])
    return t("{status} ({stage})", status=name, stage=t(stage)) if stage else name


def author_name(t: Translator, idea: Idea, people: dict[int, Person]) -> str:
    author = people.get(idea.author_id) if idea.author_id is not None else None
    if author:
        return who(author)
    # No author and not anonymous: the author's data was erased (feedbot erase).
    return t("anonymous") if idea.anonymous else t("a former colleague")


def short(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SHORT:
        return text
    cut = text[:SHORT]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut[:-1]) + "…"  # whole words where possible


def show_button(t: Translator, idea_id: int) -> Buttons:
    return Buttons(buttons=[Button(label=t("Show"), command=f"idea show {idea_id}")])


ACTIONS: dict[str, Callable[[Context, str], Awaitable[View]]] = {
    "list": list_ideas, "show": show, "vote": vote, "comment": comment, "owner": assign_owner, "status": move}

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
             "{p}idea status 12 doing Trial on team A — move it (its owner or an admin): new → accepted (plan) → "
             "doing (do) → checking (check) → adopted (act), or declined with a reason\n"
             "{p}idea owner 12 @ana — admins: choose who moves it\n"
             "Every change is told to the author, even an anonymous one, and to the voters."),
)
