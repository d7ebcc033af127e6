"""The rhythm: what is due now. The scheduler only calls `run_due`; every feature says what it owes whom.

Each due message has a key (person, kind, period) and is written to the outbox under that key, so a
restart, a retried or late tick, or a second bot process never sends it twice — and a tick after
downtime still sends what is at most `schedule.grace_hours` late.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from functools import partial

from bot.kernel.context import Deps, Due, DueFinder, Tick
from bot.kernel.metrics import timed
from storage.uow import UnitOfWork

CHUNK = 500


async def run_due(deps: Deps, at: datetime, finders: Sequence[DueFinder] | None = None) -> Counter[str]:
    """Record everything due at `at` in the outbox (once per key); returns how many were new, by kind."""
    recorded: Counter[str] = Counter()
    for finder in deps.due_finders if finders is None else finders:
        with timed(partial(deps.metrics.due, finder.__module__)):
            async with deps.uow() as uow:
                items = await finder(Tick(deps=deps, uow=uow, now=at))
                fresh = await _not_recorded(uow, items)
            for start in range(0, len(fresh), CHUNK):
                async with deps.uow() as uow:
                    recorded.update(await _record(deps, uow, fresh[start:start + CHUNK], at))
    return recorded


async def _not_recorded(uow: UnitOfWork, items: list[Due]) -> list[Due]:
    """New keys only, and never for someone deactivated (they left the org: no prompts, digests or reminders)."""
    unique = list({item.key: item for item in items}.values())
    known = await uow.deliveries.existing_keys([item.key for item in unique])
    gone = await uow.people.deactivated_among(list({item.recipient_id for item in unique}))
    return [item for item in unique if item.key not in known and item.recipient_id not in gone]


async def _record(deps: Deps, uow: UnitOfWork, items: list[Due], at: datetime) -> Counter[str]:
    """Insert the outbox rows; a key another process recorded first is skipped, not sent twice."""
    rows = []
    for item in items:
        t = deps.catalogs.translator(item.locale or deps.settings.org.default_locale)
        rows.append({"key": item.key, "kind": item.kind, "recipient_id": item.recipient_id, "status": "pending",
                     "attempts": 0, "payload": item.build(t).model_dump(mode="json"), "created_at": at})
    return Counter(await uow.deliveries.add_keyed(rows))
