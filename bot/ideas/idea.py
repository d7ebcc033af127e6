"""One idea: finding it by number, its short form and button, its author's name, telling its author (sealed or not)."""

from __future__ import annotations

from collections.abc import Collection

from bot.kernel.context import BuildView, Context
from bot.kernel.errors import UserError
from bot.kernel.i18n import Translator
from bot.kernel.parsing import MAX_ID, id_number
from bot.kernel.people import who
from bot.kernel.views import Button, Buttons
from storage.models import Idea, Person

SHORT = 80  # characters of an idea shown in a list
FILTERS = ("open", "mine", "top")  # /idea list …


async def tell_author(ctx: Context, idea: Idea, kind: str, build: BuildView, *,
                      voters: Collection[str] = ()) -> str | None:
    """Queue a message to the idea's author, never to the one acting. Returns a named author's uid (so they are
    not told twice), never an anonymous one's.

    An anonymous author gets one sealed row every time, silent when they are the one acting or among `voters`
    (uids told as voters): the outbox must look the same whether the author did it or someone else did."""
    if idea.anonymous:
        if idea.author_seal:  # never ctx.tell: no delivery row may name them
            uid = ctx.deps.sealer.unseal(idea.author_seal)
            ctx.tell_sealed(idea.author_seal, kind, build, silent=uid in {ctx.me.uid, *voters})
        return None
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


def is_author(ctx: Context, idea: Idea) -> bool:
    """Whether I posted it: by name, or through the seal of an anonymous idea."""
    if idea.anonymous:
        return idea.author_seal is not None and ctx.deps.sealer.unseal(idea.author_seal) == ctx.me.uid
    return idea.author_id is not None and idea.author_id == ctx.me.id


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
