"""An idea's measured effect read from its rows: its measure (baseline, target, unit) with the latest result.
`Measured` and its wording (`describe`) are the kernel's (bot/kernel/effect.py): recognition kudos say it wherever
kudos are read."""

from __future__ import annotations

from bot.kernel.effect import Measured
from storage.uow import UnitOfWork


async def read_measured(uow: UnitOfWork, idea_id: int) -> Measured | None:
    measure = await uow.ideas.measure(idea_id)
    if measure is None:
        return None
    latest = await uow.ideas.latest_result(idea_id)
    return Measured(measure.baseline, measure.target, measure.unit, None if latest is None else latest.value)
