"""What /idea refuses before anything is published: a flag it does not know, a mistyped subcommand.

Slack, macOS and phones turn `--anon` into `—anon`; every dash variant and `--anonymous` mean `--anon`. A first
word close to a subcommand, followed by what that subcommand takes (or by nothing), is a mistake, not an idea:
"Listen to the support team" is posted, `lsit`, `vot 1` and `edti 3 …` are not.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from bot.ideas.idea import FILTERS
from bot.ideas.lifecycle import STATUS_NAMES
from bot.kernel.context import Context
from bot.kernel.errors import UserError
from bot.kernel.parsing import first_word, id_number

DASHES = "-‐‑‒–—―−﹘﹣－"  # hyphen-minus, hyphens, figure dash, en and em dash, bar, minus, small and wide forms
ANON = ("anon", "anonymous")
CUTOFF = 0.7  # "commnet" is comment, "audit" is not edit


def flag_name(word: str) -> str | None:
    """`--anon`, `—anon`, `-Anonymous` → "anon", "anon", "anonymous"; None when the word is not a flag."""
    return word.lstrip(DASHES).lower() if word[:1] and word[:1] in DASHES else None


def refuse_flag(ctx: Context, word: str) -> UserError:
    return UserError("Nothing was posted: {flag} is not a flag of {idea}. The only one is {anon}, to post "
                     "anonymously: {example}", flag=word, idea=ctx.cmd("idea"), anon="--anon",
                     example=ctx.cmd("idea --anon Cut the build time by caching wheels"))


def _nothing(rest: str) -> bool:
    return not rest


def _number(rest: str) -> bool:
    return not rest or id_number(rest) is not None


def _number_first(rest: str) -> bool:
    return not rest or id_number(first_word(rest)[0]) is not None


def _list(rest: str) -> bool:
    return rest.lower() in ("", *FILTERS)


def _status(rest: str) -> bool:
    word = first_word(first_word(rest)[1])[0].lower()
    return _number_first(rest) and (not word or bool(difflib.get_close_matches(word, STATUS_NAMES, cutoff=CUTOFF)))


def _owner(rest: str) -> bool:
    after = first_word(rest)[1]
    return _number_first(rest) and (not after or after.startswith(("@", "<@")))


def _measure(rest: str) -> bool:
    word = first_word(first_word(rest)[1])[0].lower()
    return _number_first(rest) and word in ("", "baseline", "result")


# What each subcommand takes after it: a first word close to one of them, followed by that, is a mistyped command.
SHAPES: dict[str, Callable[[str], bool]] = {
    "list": _list, "show": _number, "vote": _number, "withdraw": _number, "comment": _number_first,
    "edit": _number_first,
    "status": _status, "owner": _owner, "measure": _measure}
# Words that are no subcommand but look like one: what was probably meant, and what would follow it.
INSTEAD: dict[str, tuple[str, Callable[[str], bool]]] = {
    "change": ("edit", _number_first), "delete": ("withdraw", _number), "remove": ("withdraw", _number),
    "retract": ("withdraw", _number), "cancel": ("withdraw", _number), "unvote": ("vote", _number),
    "mine": ("list mine", _nothing), "top": ("list top", _nothing), "open": ("list open", _nothing)}


def check_first_word(ctx: Context, word: str, rest: str) -> None:
    """Raise when `word rest` is a mistyped subcommand rather than an idea; return quietly otherwise."""
    close = difflib.get_close_matches(word.lower(), [*SHAPES, *INSTEAD], n=1, cutoff=CUTOFF)
    if not close:
        return
    target, shape = INSTEAD.get(close[0], (close[0], SHAPES.get(close[0], _nothing)))
    if not shape(rest):
        return
    help_ = ctx.cmd("help idea")
    number = first_word(rest)[0] if id_number(first_word(rest)[0]) is not None else ""
    argument = number or (rest.lower() if target == "list" else "")
    raise UserError("Nothing was posted: did you mean {suggestion}? To post an idea that begins with “{word}”, "
                    "word it differently. Everything {idea} does: {help}", word=word, idea=ctx.cmd("idea"),
                    suggestion=ctx.cmd(f"idea {target} {argument}".rstrip()), help=help_)
