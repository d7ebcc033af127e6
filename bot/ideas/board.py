"""The ideas board: every idea in its PDCA column with its votes, owner and measured numbers, and the moves the
reader may make — a read-model for the web dashboard, built by the same rules as /idea list and /idea show
(an anonymous idea's author is never named; only its owner or an admin is offered moves)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ideas.effect import read_measured
from bot.ideas.idea import author_name, is_author, short
from bot.ideas.lifecycle import MOVES, STATUS_NAMES, label, may_move
from bot.kernel.context import Context
from bot.kernel.effect import describe
from bot.kernel.people import who
from storage.models import Idea

PER_COLUMN = 50  # the newest of each column; older ones are reached by number (`/idea show 12`)
FILTERS = ("all", "mine", "owned", "voted")


@dataclass(frozen=True)
class Card:
    id: int
    text: str
    votes: int
    author: str  # a mention, "anonymous" or "a former colleague"
    owner: str | None  # a mention
    measured: str | None  # baseline → result against the target, in words
    moves: list[tuple[str, str]]  # (status, label) the reader may move it to; empty: not theirs to move


@dataclass(frozen=True)
class Column:
    status: str
    title: str  # "accepted (plan)"
    cards: list[Card]


@dataclass(frozen=True)
class Board:
    columns: list[Column]
    which: str  # one of FILTERS
    search: str


async def board(ctx: Context, which: str = "all", search: str = "") -> Board:
    which = which if which in FILTERS else "all"
    words = search.strip().lower()
    voted = {vote.idea_id for vote in await ctx.uow.ideas.votes_by(ctx.me.id)} if which == "voted" else set()
    columns = []
    for status in STATUS_NAMES:
        rows = await ctx.uow.ideas.listing(statuses=[status], limit=PER_COLUMN)
        rows = [(idea, votes) for idea, votes in rows if wanted(ctx, idea, which, voted) and words in idea.text.lower()]
        people = await ctx.uow.people.by_ids(sorted({i for idea, _ in rows for i in (idea.author_id, idea.owner_id)
                                                     if i is not None}))
        cards = [await card(ctx, idea, votes, people) for idea, votes in rows]
        columns.append(Column(status, label(ctx.t, status), cards))
    return Board(columns, which, search.strip())


def wanted(ctx: Context, idea: Idea, which: str, voted: set[int]) -> bool:
    if which == "mine":
        return is_author(ctx, idea)  # an anonymous idea is the author's own here, as in /idea list mine
    if which == "owned":
        return idea.owner_id == ctx.me.id
    return idea.id in voted if which == "voted" else True


async def card(ctx: Context, idea: Idea, votes: int, people: dict) -> Card:  # type: ignore[type-arg]
    owner = people.get(idea.owner_id) if idea.owner_id is not None else None
    measured = await read_measured(ctx.uow, idea.id)
    moves = [(status, label(ctx.t, status)) for status in MOVES[idea.status]] if may_move(ctx, idea) else []
    return Card(id=idea.id, text=short(idea.text), votes=votes, author=author_name(ctx.t, idea, people),
                owner=who(owner) if owner else None,
                measured=describe(ctx.t, measured) if measured else None, moves=moves)
