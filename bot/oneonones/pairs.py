"""One-on-one pairs: who meets whom, how often, and when next — shared by the 1:1 commands, agendas and digest.

Pairs come from the reporting lines (Person.manager_id) and are created when first needed: by a command, a tick or
a digest. A pair's dates are the manager's local dates.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from bot.kernel.i18n import N_, Translator
from bot.kernel.keywords import Keywords
from bot.kernel.settings import Settings
from storage.digest_queries import DigestQueries, Member, PairRow
from storage.models import OneOnOne, Person
from storage.uow import UnitOfWork

CADENCE_NAMES = {7: N_("weekly"), 14: N_("every two weeks"), 28: N_("every four weeks")}
# A cadence as typed: its keyword or its name as shown, in any language (`biweekly`, `varannan vecka`, `每两周一次`).
CADENCE_WORDS = Keywords({"weekly": (CADENCE_NAMES[7],), "biweekly": (CADENCE_NAMES[14],),
                          "monthly": (CADENCE_NAMES[28],)})
# Example commands: {name} is the other person of the pair; the free text comes out in the reader's language.
ADD = N_("1on1 add {name} Career plans")
NOTE = N_("1on1 note {name} Wants to lead the next release")
ACTION = N_("1on1 action {name} Book the course")
CADENCE, DONE, AGENDA = "1on1 cadence {name} weekly", "1on1 done {name}", "1on1 agenda {name}"


# The ORM row and people, to change them; or their columns, to read thousands of pairs at once (the digest).
Row = TypeVar("Row", OneOnOne, PairRow)
Who = TypeVar("Who", Person, Member)


@dataclass(frozen=True, slots=True)
class Pair(Generic[Row, Who]):
    row: Row
    manager: Who
    report: Who
    zone: ZoneInfo  # the manager's

    @property
    def since(self) -> date:
        """The last meeting, or the day the pair started."""
        return since_of(self.row, self.zone)

    @property
    def next_day(self) -> date:
        """Last meeting + cadence, moved off a weekend."""
        return next_meeting(self.since, self.row.cadence_days)

    def overdue(self, today: date) -> bool:
        return is_overdue(today, self.since, self.row.cadence_days)

    def other(self, person: Who) -> Who:
        return self.report if person.id == self.manager.id else self.manager


@lru_cache(maxsize=4096)  # a pure function of its two values: ten thousand pairs have a few hundred of them
def next_meeting(since: date, cadence_days: int) -> date:
    """`since` + the cadence, moved off a weekend."""
    day = since + timedelta(days=cadence_days)
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def since_of(row: OneOnOne | PairRow, zone: ZoneInfo) -> date:
    """A pair's last meeting, or the day it started in its manager's `zone` (a PairRow has its start while no
    meeting is recorded)."""
    return row.last_held_on or row.created_at.astimezone(zone).date()  # type: ignore[union-attr]


def is_overdue(today: date, since: date, cadence_days: int) -> bool:
    """Two cadences or more since the last meeting (or the start)."""
    return (today - since).days >= 2 * cadence_days


def zone_of(settings: Settings, person: Person | Member) -> ZoneInfo:
    return ZoneInfo(person.timezone or settings.org.default_timezone)


def manager_zones(settings: Settings, rows: Iterable[PairRow], people: Mapping[int, Who]) -> dict[int, ZoneInfo]:
    """Each pair's manager's zone, by manager id: thousands of pairs have a few dozen zones, each made once."""
    by_name: dict[str | None, ZoneInfo] = {}
    zones: dict[int, ZoneInfo] = {}
    for manager_id in {row.manager_id for row in rows}:
        manager = people[manager_id]
        if manager.timezone not in by_name:
            by_name[manager.timezone] = zone_of(settings, manager)
        zones[manager_id] = by_name[manager.timezone]
    return zones


def example(t: Translator, prefix: str, usage: str, person: Person | None = None) -> str:
    return prefix + t(usage, name="@" + (person.handle if person else "lea"))


def cadence_name(t: Translator, days: int) -> str:
    return t(CADENCE_NAMES[days]) if days in CADENCE_NAMES else t.plural("every {n} day", "every {n} days", days)


async def pairs(uow: UnitOfWork, settings: Settings, now: datetime, *, involving: int | None = None,
                report_ids: list[int] | None = None) -> list[Pair[OneOnOne, Person]]:
    """Current pairs, created first where a reporting line has none yet."""
    await uow.oneonones.create_missing(settings.oneonone.cadence_days, now, involving=involving,
                                       report_ids=report_ids)
    rows = await uow.oneonones.current(involving=involving, report_ids=report_ids)
    return [Pair(row, manager, report, zone_of(settings, manager)) for row, manager, report in rows]


async def read_pairs(uow: UnitOfWork, settings: Settings, now: datetime, known: Mapping[int, Who],
                     more: Callable[[list[int]], Awaitable[Mapping[int, Who]]], *,
                     report_ids: list[int] | None = None) -> list[Pair[PairRow, Who]]:
    """`pairs` to read only (a tick reads thousands): the pairs' columns, the people from `known`, and those it lacks
    from `more`."""
    rows, people = await pair_rows(uow, settings, now, known, more, report_ids=report_ids)
    zones = manager_zones(settings, rows, people)
    return [Pair(row, people[row.manager_id], people[row.report_id], zones[row.manager_id]) for row in rows]


async def pair_rows(uow: UnitOfWork, settings: Settings, now: datetime, known: Mapping[int, Who],
                    more: Callable[[list[int]], Awaitable[Mapping[int, Who]]], *, report_ids: list[int] | None = None,
                    managers: list[int] | None = None) -> tuple[list[PairRow], Mapping[int, Who]]:
    """The current pairs' columns, created first where a reporting line has none yet, and everyone in them: from
    `known`, and those it lacks from `more`. A digest batch reads these without making a `Pair` of each.

    With `managers` (a digest batch: `report_ids` are all their reports, each in `known`), the pairs are read by
    the managers (`DigestQueries.pairs`) before any is made: nearly every reporting line has its pair, so those that
    lack one are found in what was read, not by a query of their own, and made (then all read again) only then."""
    queries, cadence = DigestQueries(uow.session), settings.oneonone.cadence_days
    if managers is None or report_ids is None:
        await uow.oneonones.create_missing(cadence, now, report_ids=report_ids)
        rows = await queries.pairs(report_ids)
    else:
        rows = await queries.pairs(report_ids, managers)
        # A reporting line has one pair at most (unique): as many rows as reports, and none lacks one.
        missing = set(report_ids).difference([row.report_id for row in rows]) if len(rows) < len(report_ids) else ()
        unpaired = [person_id for person_id in report_ids  # a manager of themselves is in no pair
                    if person_id in missing and known[person_id].manager_id not in (None, person_id)] if missing else []
        if unpaired:
            await uow.oneonones.create_missing(cadence, now, report_ids=unpaired)
            rows = await queries.pairs(report_ids, managers)
        # Each pair's report is one of `report_ids`, all in `known`: only the managers can be missing.
        lacking = sorted({row.manager_id for row in rows}.difference(known))
        return rows, {**known, **await more(lacking)} if lacking else known
    lacking = sorted({row.manager_id for row in rows}.union(row.report_id for row in rows).difference(known))
    return rows, {**known, **await more(lacking)} if lacking else known
