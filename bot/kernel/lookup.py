"""Whom and what a command names: one @mention or nobody (the sender), and an item by its number (`12`, `#12`).

Each feature keeps its own words for a refusal: it passes the error to raise, so replies stay as they were."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.kernel.context import Context
from bot.kernel.errors import UserError
from bot.kernel.parsing import MAX_ID, id_number
from bot.kernel.people import resolve_mention, split_mentions
from storage.models import Person

T = TypeVar("T")


async def person_or_me(ctx: Context, text: str, refused: UserError, *, more_text: bool = False) -> tuple[Person, str]:
    """The person of one leading @mention, or the sender when there is none, and the text after it; `refused` for
    several mentions, or for any text after them unless `more_text`."""
    tokens, rest = split_mentions(text, ctx.mentions)
    if len(tokens) > 1 or (rest and not more_text):
        raise refused
    person = await resolve_mention(ctx.uow, tokens[0], ctx.mentions) if tokens else ctx.me
    return person, rest


async def by_number(text: str, get: Callable[[int], Awaitable[T | None]],
                    unreadable: UserError) -> tuple[int, T | None]:
    """The number typed and what has it (None when nothing does: a number beyond any id is not looked up, since
    PostgreSQL refuses to compare an integer column with it); `unreadable` when the text is not a number."""
    number = id_number(text)
    if number is None:
        raise unreadable
    return number, (await get(number) if number <= MAX_ID else None)
