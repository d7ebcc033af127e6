"""The head shared by commands that say something to people (`kudos`, `feedback`): whom it is for and what it says,
with the same refusals in every such command."""

from __future__ import annotations

from bot.kernel.context import Context
from bot.kernel.errors import UserError
from bot.kernel.people import mentions_anywhere


def addressed(ctx: Context, text: str, usage: str) -> tuple[list[str], str] | None:
    """The mention tokens and the message of `@ana @bo Thanks…` (or of a message that mentions them anywhere);
    None when nothing was typed, so the command can show its overview instead. Refuses a message for nobody and
    a message missing or too long, each with `usage` as the example."""
    tokens, message = mentions_anywhere(text, ctx.mentions)
    if not tokens and not message:
        return None
    if not tokens:
        raise UserError("Who is it for? Start with their @name: {example}", example=ctx.cmd(usage))
    return tokens, ctx.require_text(message, usage)
