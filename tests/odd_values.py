"""Seeded mutations of recorded platform payloads, and the checks every fuzzed request must pass."""

from __future__ import annotations

import copy
import logging
import random
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

# What a payload's value may wrongly be: other types, empty, absurdly long ids, text no database takes.
ODD: list[Any] = [None, 0, 7, -1.5, True, "", " ", [], ["x"], {}, {"id": 5}, "x" * 101, "y" * 330,
                  "nul\x00here", "lone \ud800", "<@U0BO>", "&lt;", "fr-FR", 2052, [{"id": []}]]
ODD_TEXT = ["", " ", "x" * 101, "y" * 330, "nul\x00here", "[1]", "{}", "<@U0BO|bo>", "&amp;"]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def mutate(rng: random.Random, original: dict[str, Any], *, form: bool = False) -> Any:
    """A copy of `original` with one to three places changed: a value replaced by an odd one, a key dropped,
    or (rarely) the whole body an array or a scalar. A form's values stay text, as a form cannot say more."""
    if rng.random() < 0.04:
        return rng.choice([[original], [], "event_callback", 12])
    body = copy.deepcopy(original)
    for _ in range(rng.randint(1, 3)):
        paths = _paths(body)
        if not paths:
            break
        *parent_path, last = rng.choice(paths)
        parent = body
        for part in parent_path:
            parent = parent[part]
        if isinstance(parent, dict) and rng.random() < 0.3:
            del parent[last]
        else:
            parent[last] = rng.choice(ODD_TEXT if form else ODD)
    return body


async def snapshot(deps: Any, tables: Sequence[type]) -> list[int]:
    """How many rows each table holds."""
    async with deps.uow() as uow:
        return [await uow.session.scalar(select(func.count()).select_from(table)) for table in tables]


def assert_no_traceback(records: Sequence[logging.LogRecord]) -> None:
    """Nothing was logged as an error, nor with a traceback."""
    bad = [r for r in records if r.exc_info or r.levelno >= logging.ERROR]
    assert not bad, [(r.name, r.getMessage()) for r in bad]
