"""The aggregates behind the weekly digest, a few set-based queries per digest (see benchmarks/).

A digest batch covers thousands of people, so these read bare columns (no ORM entities) and pass id lists as one
bound parameter (`among`).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date, datetime
from functools import lru_cache
from itertools import repeat
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, Integer, Row, Select, Text, and_, bindparam, case, cast, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import (
    Checkin,
    Goal,
    Idea,
    IdeaMeasure,
    IdeaResult,
    IdeaStatusChange,
    Kudos,
    KudosRecipient,
    OneOnOne,
    Person,
    SurveyParticipation,
    Team,
)

FEW = 20  # up to this many ids are inlined as `IN (…)`, which the planners know best


def among(session: AsyncSession, column: ColumnElement[int], ids: Collection[int]) -> ColumnElement[bool]:
    """`column IN ids` as one bound parameter however many ids: asyncpg allows 32,767 parameters a statement, and
    rendering thousands of them costs more than the query. PostgreSQL: `= ANY(array)`; SQLite: `json_each`."""
    if len(ids) <= FEW:
        return column.in_(ids)
    postgresql = session.bind.dialect.name == "postgresql"
    values = LAST_WRITTEN[2] if ids is LAST_WRITTEN[0] and postgresql is LAST_WRITTEN[1] else written(
        frozenset(ids), postgresql)
    if isinstance(ids, tuple):  # immutable, and held here: the same object is the same ids next time
        LAST_WRITTEN[:] = [ids, postgresql, values]
    if postgresql:  # an array literal: the driver would check each int on its way
        return column.in_(select(func.unnest(cast(bindparam(None, values, type_=Text), ARRAY(Integer)))))
    return column.in_(select(func.json_each(values).table_valued("value").c.value))


# The last tuple of ids written, with its dialect and text: a digest batch passes the very same tuple of everyone it
# covers to most of its sections' queries, which then skip making and hashing a frozenset of ten thousand ids.
LAST_WRITTEN: list[Any] = [None, None, None]


@lru_cache(maxsize=16)  # a digest batch passes the same thousands of ids to most of its sections' queries
def written(ids: frozenset[int], postgresql: bool) -> str:
    """The ids as one parameter, in order: a PostgreSQL array literal, or a JSON array for SQLite's json_each."""
    values = sorted(ids)
    return "{" + ",".join(map(str, values)) + "}" if postgresql else json.dumps(values)


class Member(NamedTuple):
    """A person as a digest reads them: the few columns it shows or groups by."""

    id: int
    uid: str
    name: str
    manager_id: int | None
    team_id: int | None
    timezone: str | None


MEMBER = (Person.id, Person.uid, Person.name, Person.manager_id, Person.team_id, Person.timezone)


RowTuple = TypeVar("RowTuple", bound=tuple)  # type: ignore[type-arg]


def rows_as(kind: type[RowTuple], rows: Iterable[Row[Any]]) -> Iterator[RowTuple]:
    """Rows as `kind`, a NamedTuple of the query's columns, made in C: `tuple.__new__` without the field count
    `kind._make` checks in Python (tens of thousands a digest batch; the query selects `kind`'s columns)."""
    return map(tuple.__new__, repeat(kind), rows)  # type: ignore[arg-type]


async def core_rows(session: AsyncSession, query: Select[Any]) -> Sequence[Row[Any]]:
    """Rows of bare columns, run as Core: without the ORM's per-row bookkeeping (after its autoflush)."""
    await session.flush()
    return (await (await session.connection()).execute(query)).all()


class KudosRow(NamedTuple):
    kudos_id: int
    giver_id: int | None  # None: a recognition, given by feedbot
    recipient_id: int
    message: str
    created_at: datetime
    idea_id: int | None  # a recognition's idea and effect, worded when read
    effect: dict[str, Any] | None

    def __hash__(self) -> int:  # a (kudos, recipient) pair is one row; `effect` (a dict) cannot be hashed
        return hash((self.kudos_id, self.recipient_id))


class CheckinRow(NamedTuple):
    person_id: int
    period: str
    blockers: str | None


class GoalRow(NamedTuple):
    person_id: int
    title: str
    progress: int


class IdeaRow(NamedTuple):
    id: int
    author_id: int | None  # None: an anonymous idea (only the organisation-wide digest lists those)
    text: str
    created_at: datetime  # of the idea, or of the status change
    status: str | None = None  # the new status of a status change


class EffectRow(NamedTuple):
    """An idea's measure and its latest result (None before the first)."""

    idea_id: int
    baseline: float
    target: float
    unit: str
    result: float | None


class PairRow(NamedTuple):
    """A 1:1 pair's columns, read-only."""

    id: int
    manager_id: int
    report_id: int
    cadence_days: int
    last_held_on: date | None
    created_at: datetime | None  # the pair's start, read only while no meeting is recorded (`Pair.since`)
    held_count: int | None = None  # meetings recorded (the growth topic comes every few)


class DigestQueries:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def among(self, column: ColumnElement[int], ids: Collection[int]) -> ColumnElement[bool]:
        return among(self.session, column, ids)

    async def rows(self, query: Select[Any]) -> Sequence[Row[Any]]:
        return await core_rows(self.session, query)

    async def members(self, ids: Collection[int]) -> dict[int, Member]:
        if not ids:
            return {}
        return {member.id: member for member in rows_as(Member, await self.rows(select(*MEMBER).where(
            self.among(Person.id, ids))))}

    async def reports(self, manager_ids: Sequence[int]) -> dict[int, list[Member]]:
        """Each manager's direct reports, by name."""
        result: dict[int, list[Member]] = {manager_id: [] for manager_id in manager_ids}
        if manager_ids:
            # Ordered by manager first: the same order within each manager's list, and a sort that mostly compares
            # ints (SQLite takes the managers' order from its index; PostgreSQL compares far fewer names by collation).
            query = (select(*MEMBER).where(self.among(Person.manager_id, manager_ids))
                     .order_by(Person.manager_id, Person.name, Person.id))
            for member in rows_as(Member, await self.rows(query)):
                result[member.manager_id].append(member)  # type: ignore[index]  # in manager_ids: not None
        return result

    async def everyone(self) -> list[Member]:
        return list(rows_as(Member, await self.rows(select(*MEMBER).order_by(Person.name, Person.id))))

    async def team_names(self) -> dict[int, str]:
        """Every team's name by id: bare columns, no ORM entity for each of a thousand teams."""
        return dict(await self.rows(select(Team.id, Team.name)))  # type: ignore[arg-type]

    async def team_members(self, names: Collection[str] | None = None,
                           of: Collection[int] = ()) -> dict[str, dict[int, int | None]]:
        """Each team's people and their managers (team name → {person id: manager id}), for whose slices a manager
        may see (bot/kernel/visibility.py). Two columns a labelled person: one query for a whole digest batch. Only
        the teams `names` and those of the people `of` when given (a digest or two: not everyone's)."""
        query = select(Team.name, Person.id, Person.manager_id).join(Person, Person.team_id == Team.id)
        if names is not None:
            theirs = aliased(Person)
            query = query.where(or_(Team.name.in_(sorted(names)),
                                    Team.id.in_(select(theirs.team_id).where(theirs.id.in_(sorted(of))))))
        result: dict[str, dict[int, int | None]] = {}
        for name, person_id, manager_id in await self.rows(query):
            result.setdefault(name, {})[person_id] = manager_id
        return result

    async def team_managers(self, names: Collection[str] | None = None) -> dict[str, dict[int | None, tuple[int, int]]]:
        """`team_members` grouped by manager (team name → {manager id: (how many of the team's people report to
        them, the smallest of their ids)}: `TeamManagers` in bot/kernel/visibility.py), which is all whose slices
        a manager may see needs: a row or two a team, where `team_members` sends one a person (1,820 rows instead of
        10,000 for a digest batch). Only the teams `names` when given."""
        query = (select(Team.name, Person.manager_id, func.count(), func.min(Person.id))
                 .join(Person, Person.team_id == Team.id).group_by(Team.name, Person.manager_id))
        if names is not None:
            query = query.where(Team.name.in_(sorted(names)))
        result: dict[str, dict[int | None, tuple[int, int]]] = {}
        for name, manager_id, count, first_id in await self.rows(query):
            result.setdefault(name, {})[manager_id] = (count, first_id)
        return result

    async def asked(self, round_ids: Collection[int], person_ids: Collection[int]) -> dict[int, frozenset[int]]:
        """Which of these pulse rounds each of these people was asked in (person id → round ids; nobody asked in any
        is left out): whose own answer a group may hold. Asked, not whether they answered: one query a batch."""
        if not round_ids or not person_ids:
            return {}
        result: dict[int, set[int]] = {}
        for person_id, round_id in await self.rows(select(SurveyParticipation.person_id, SurveyParticipation.round_id)
                                                   .where(SurveyParticipation.round_id.in_(round_ids),
                                                          self.among(SurveyParticipation.person_id, person_ids))):
            result.setdefault(person_id, set()).add(round_id)
        return {person_id: frozenset(rounds) for person_id, rounds in result.items()}

    async def not_asked(self, round_ids: Collection[int], person_ids: Collection[int]) -> dict[int, frozenset[int]]:
        """Which of these pulse rounds each of these people was not asked in (person id → round ids; those asked in
        every one are left out): the exceptions, not every row, where a digest batch's readers were asked in nearly
        every round they may see (twelve thousand rows a batch for the survey that asks everyone). The database
        counts each person's rounds and sends those short of all of them; the rounds are read only of those asked in
        some. Ids nobody has are left out too, as if asked in every round (the stricter reading): a digest passes its
        readers, who are people."""
        rounds = frozenset(round_ids)
        if not rounds or not person_ids:
            return {}
        asked_in = (select(func.count()).where(SurveyParticipation.person_id == Person.id,
                                               SurveyParticipation.round_id.in_(sorted(rounds))).scalar_subquery())
        short: dict[int, int] = dict(await self.rows(select(Person.id, asked_in).where(  # type: ignore[arg-type]
            self.among(Person.id, person_ids), asked_in < len(rounds))))
        some = [person_id for person_id, count in short.items() if count]
        asked = await self.asked(rounds, some) if some else {}
        return {person_id: rounds.difference(asked.get(person_id, ())) for person_id in short}

    def whose(self, ids: Sequence[int], managers: Sequence[int] | None) -> ColumnElement[bool]:
        """`Person.id IN ids`; with `managers`, whose reports `ids` are (a digest batch's), `Person.manager_id IN
        managers` instead: a tenth of the ids, and the planner walks people by manager, not ten thousand probes."""
        return self.among(Person.manager_id, managers) if managers is not None else self.among(Person.id, ids)

    async def unanswered(self, ids: Sequence[int], period: str, managers: Sequence[int] | None = None) -> set[int]:
        """Which of these people have no check-in for the week: a few hundred ids, not the ten thousand who answered.
        `managers`: see `whose`."""
        if not ids:
            return set()
        answered = select(Checkin.id).where(Checkin.person_id == Person.id, Checkin.period == period).exists()
        return {row[0] for row in await self.rows(select(Person.id).where(self.whose(ids, managers), ~answered))}

    async def blockers(self, ids: Sequence[int], periods: Sequence[str],
                       managers: Sequence[int] | None = None) -> list[CheckinRow]:
        """(person id, period, blockers) of these people's check-ins in these weeks that name a blocker. `managers`:
        see `whose`."""
        if not ids or not periods:
            return []
        rows = await self.rows(select(Checkin.person_id, Checkin.period, Checkin.blockers)
                               .join(Person, Person.id == Checkin.person_id)
                               .where(self.whose(ids, managers), Checkin.period.in_(periods),
                                      Checkin.blockers.is_not(None), Checkin.blockers != ""))
        return list(map(CheckinRow._make, rows))

    async def moods(self, manager_ids: Sequence[int] | None,
                    periods: Sequence[str]) -> dict[int | None, dict[str, tuple[int, int]]]:
        """The moods of each manager's reports per week, summed and counted (manager → week → (sum, count)); None: of
        every manager. Put straight into the mapping the digest reads: twelve thousand rows a batch, no row objects."""
        if (manager_ids is not None and not manager_ids) or not periods:
            return {}
        query = (select(Person.manager_id, Checkin.period, func.coalesce(func.sum(Checkin.mood), 0),
                        func.count(Checkin.mood))
                 .join(Person, Person.id == Checkin.person_id).where(Checkin.period.in_(periods))
                 .group_by(Person.manager_id, Checkin.period))
        if manager_ids is not None:
            query = query.where(self.among(Person.manager_id, manager_ids))
        found: dict[int | None, dict[str, tuple[int, int]]] = {}
        for manager_id, period, total, count in await self.rows(query):
            if (weeks := found.get(manager_id)) is None:
                weeks = found[manager_id] = {}
            weeks[period] = (total, count)
        return found

    async def kudos_involving(self, ids: Sequence[int], start: datetime, end: datetime) -> list[KudosRow]:
        """Every (kudos, recipient) pair in (start, end] where these people gave or received."""
        if not ids:
            return []
        rows = await self.rows(
            select(Kudos.id, Kudos.giver_id, KudosRecipient.person_id, Kudos.message, Kudos.created_at, Kudos.idea_id,
                   Kudos.effect)
            .join(KudosRecipient).where(or_(self.among(Kudos.giver_id, ids), self.among(KudosRecipient.person_id, ids)),
                                        Kudos.created_at > start, Kudos.created_at <= end))
        return list(rows_as(KudosRow, rows))

    async def open_goals(self, ids: Sequence[int]) -> list[GoalRow]:
        if not ids:
            return []
        rows = await self.rows(select(Goal.person_id, Goal.title, Goal.progress).where(
            self.among(Goal.person_id, ids), Goal.status == "open").order_by(Goal.person_id, Goal.id))
        return list(map(GoalRow._make, rows))

    async def new_ideas(self, ids: Sequence[int], start: datetime, end: datetime) -> list[IdeaRow]:
        """Signed ideas these people posted in (start, end] (anonymous ones are never attributed to a team)."""
        if not ids:
            return []
        # The week's ideas by date first (a hundred), then whose: SQLite would otherwise probe the authors' index once
        # for each of a batch's ten thousand ids (3.5 → 1.2 ms). MATERIALIZED keeps it from folding the two together.
        week = (select(Idea.id, Idea.author_id, Idea.text, Idea.created_at)
                .where(Idea.created_at > start, Idea.created_at <= end).cte("week").prefix_with("MATERIALIZED"))
        rows = await self.rows(select(week).where(self.among(week.c.author_id, ids)).order_by(week.c.id))
        return [IdeaRow(*row) for row in rows]

    async def status_changes(self, ids: Sequence[int], start: datetime, end: datetime, *,
                             unsigned_adopted: bool = False) -> list[IdeaRow]:
        """Status changes in (start, end] of ideas these people signed; with `unsigned_adopted`, also the adoptions
        of ideas nobody signed (anonymous ones: author None, never a team's)."""
        if not ids and not unsigned_adopted:
            return []
        # The week's changes by date first, as in `new_ideas` (4.5 → 1.3 ms).
        week = (select(IdeaStatusChange.id, IdeaStatusChange.idea_id, IdeaStatusChange.created_at,
                       IdeaStatusChange.to_status)
                .where(IdeaStatusChange.created_at > start, IdeaStatusChange.created_at <= end)
                .cte("week").prefix_with("MATERIALIZED"))
        whose = self.among(Idea.author_id, ids)
        if unsigned_adopted:
            whose = or_(whose, and_(Idea.author_id.is_(None), week.c.to_status == "adopted"))
        rows = await self.rows(
            select(Idea.id, Idea.author_id, Idea.text, week.c.created_at, week.c.to_status)
            .join_from(week, Idea, week.c.idea_id == Idea.id).where(whose).order_by(week.c.id))
        return list(map(IdeaRow._make, rows))

    async def effects(self, idea_ids: Collection[int]) -> dict[int, EffectRow]:
        """The measure and latest result of each of these ideas that has a measure, in one query."""
        if not idea_ids:
            return {}
        latest = (select(IdeaResult.idea_id, func.max(IdeaResult.id).label("last_id"))
                  .where(self.among(IdeaResult.idea_id, idea_ids)).group_by(IdeaResult.idea_id).subquery())
        rows = await self.rows(
            select(IdeaMeasure.idea_id, IdeaMeasure.baseline, IdeaMeasure.target, IdeaMeasure.unit, IdeaResult.value)
            .outerjoin(latest, latest.c.idea_id == IdeaMeasure.idea_id)
            .outerjoin(IdeaResult, IdeaResult.id == latest.c.last_id)
            .where(self.among(IdeaMeasure.idea_id, idea_ids)))
        return {row[0]: EffectRow._make(row) for row in rows}

    async def pairs(self, report_ids: Sequence[int] | None, managers: Sequence[int] | None = None) -> list[PairRow]:
        """The current 1:1 pairs (the report's manager is the pair's manager) of these reports, by the report's name
        (as `reports` lists them); None: of all. With `managers`, whose reports `report_ids` are (a digest batch's),
        read by the pair's manager instead: a tenth of the ids (`whose`), and each manager's pairs together."""
        # The start only where no meeting is recorded (`Pair.since`): parsing ten thousand timestamps costs more than
        # the rest of the row.
        started = case((OneOnOne.last_held_on.is_(None), OneOnOne.created_at))
        query = (select(OneOnOne.id, OneOnOne.manager_id, OneOnOne.report_id, OneOnOne.cadence_days,
                        OneOnOne.last_held_on, started, OneOnOne.held_count)
                 .join(Person, and_(Person.id == OneOnOne.report_id, Person.manager_id == OneOnOne.manager_id)))
        if managers is not None:  # grouped by manager as read: each digest takes its own
            query = query.where(self.among(OneOnOne.manager_id, managers)).order_by(OneOnOne.manager_id)
        elif report_ids is not None:
            query = query.where(self.among(OneOnOne.report_id, report_ids))
        rows = await self.rows(query.order_by(Person.name, Person.id))
        return list(rows_as(PairRow, rows))
