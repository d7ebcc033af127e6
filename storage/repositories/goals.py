"""Objectives (goals), their key results and the updates of both."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import and_, false, func, or_, select

from storage.models import Goal, GoalUpdate, KeyResult, KeyResultUpdate, Person
from storage.repositories.base import Repository

OPEN = "open"


class Node(NamedTuple):
    """An objective as the alignment tree reads it."""

    id: int
    parent_id: int | None
    level: str
    person_id: int
    title: str
    progress: int
    measured: bool  # it has open key results: its progress is its own; else it rolls up from those aligned to it


class Goals(Repository):
    async def get(self, goal_id: int) -> Goal | None:
        return await self.session.get(Goal, goal_id)

    async def of(self, person_id: int, *, include_done: bool = True, include_dropped: bool = False) -> Sequence[Goal]:
        """A person's goals, open ones first; dropped (archived) ones only when asked."""
        query = select(Goal).where(Goal.person_id == person_id)
        if not include_dropped:
            query = query.where(Goal.status != "dropped")
        if not include_done:
            query = query.where(Goal.status == OPEN)
        return (await self.session.scalars(query.order_by(Goal.status.desc(), Goal.id))).all()

    async def shared(self, team_id: int | None, limit: int) -> Sequence[Goal]:
        """Open company objectives, then the open team objectives of `team_id`: what a new objective may serve."""
        team = and_(Goal.level == "team", Goal.team_id == team_id) if team_id is not None else false()
        return (await self.session.scalars(select(Goal).where(Goal.status == OPEN, or_(Goal.level == "company", team))
                                           .order_by(Goal.level, Goal.id).limit(limit))).all()

    async def updates(self, goal_id: int) -> Sequence[GoalUpdate]:
        return (await self.session.scalars(
            select(GoalUpdate).where(GoalUpdate.goal_id == goal_id).order_by(GoalUpdate.id))).all()

    async def key_results(self, goal_ids: Collection[int], *, include_dropped: bool = False) -> list[KeyResult]:
        """The key results of these objectives, by objective and number."""
        if not goal_ids:
            return []
        query = select(KeyResult).where(KeyResult.goal_id.in_(sorted(goal_ids)))
        if not include_dropped:
            query = query.where(KeyResult.status == OPEN)
        return list((await self.session.scalars(query.order_by(KeyResult.goal_id, KeyResult.position))).all())

    async def key_result(self, goal_id: int, position: int) -> KeyResult | None:
        return await self.session.scalar(select(KeyResult).where(KeyResult.goal_id == goal_id,
                                                                 KeyResult.position == position))

    async def next_position(self, goal_id: int) -> int:
        """The next key result's number: numbers are never reused, not even a dropped one's."""
        last = await self.session.scalar(select(func.max(KeyResult.position)).where(KeyResult.goal_id == goal_id))
        return (last or 0) + 1

    async def key_result_updates(self, key_result_id: int) -> Sequence[KeyResultUpdate]:
        return (await self.session.scalars(select(KeyResultUpdate).where(
            KeyResultUpdate.key_result_id == key_result_id).order_by(KeyResultUpdate.id))).all()

    async def open_key_results(self, person_id: int) -> list[tuple[Goal, KeyResult]]:
        """Every open key result of the person's open objectives (all levels they own), for the check-in."""
        rows = await self.session.execute(
            select(Goal, KeyResult).join(KeyResult, KeyResult.goal_id == Goal.id)
            .where(Goal.person_id == person_id, Goal.status == OPEN, KeyResult.status == OPEN)
            .order_by(Goal.id, KeyResult.position))
        return [(goal, kr) for goal, kr in rows.all()]

    async def alignment(self, person_ids: Collection[int]) -> list[Node]:
        """Every open or done objective that is shared (company, team), aligned to another, or owned by one of
        `person_ids`: what the alignment tree is built from, in one query."""
        measured = select(KeyResult.goal_id).where(KeyResult.status == OPEN).distinct().subquery()
        rows = await self.session.execute(
            select(Goal.id, Goal.parent_id, Goal.level, Goal.person_id, Goal.title, Goal.progress,
                   measured.c.goal_id.is_not(None))
            .outerjoin(measured, measured.c.goal_id == Goal.id)
            .where(Goal.status != "dropped", or_(Goal.level != "personal", Goal.parent_id.is_not(None),
                                                 Goal.person_id.in_(sorted(person_ids))))
            .order_by(Goal.id))
        return [Node(*row) for row in rows.all()]

    async def ending(self, since: date, until: date, quarters: Sequence[str]) -> list[tuple[Goal, Person]]:
        """Open objectives due in [since, until] or in one of `quarters`, with their owners."""
        rows = await self.session.execute(
            select(Goal, Person).join(Person, Person.id == Goal.person_id)
            .where(Goal.status == OPEN, or_(Goal.due_date.between(since, until), Goal.quarter.in_(quarters)))
            .order_by(Goal.id))
        return [(goal, person) for goal, person in rows.all()]
