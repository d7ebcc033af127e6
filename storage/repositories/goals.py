"""Goals and their progress updates."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from storage.models import (
    Goal,
    GoalUpdate,
)
from storage.repositories.base import Repository


class Goals(Repository):
    async def get(self, goal_id: int) -> Goal | None:
        return await self.session.get(Goal, goal_id)

    async def of(self, person_id: int, *, include_done: bool = True, include_dropped: bool = False) -> Sequence[Goal]:
        """A person's goals, open ones first; dropped (archived) ones only when asked."""
        query = select(Goal).where(Goal.person_id == person_id)
        if not include_dropped:
            query = query.where(Goal.status != "dropped")
        if not include_done:
            query = query.where(Goal.status == "open")
        return (await self.session.scalars(query.order_by(Goal.status.desc(), Goal.id))).all()

    async def updates(self, goal_id: int) -> Sequence[GoalUpdate]:
        return (await self.session.scalars(
            select(GoalUpdate).where(GoalUpdate.goal_id == goal_id).order_by(GoalUpdate.id))).all()
