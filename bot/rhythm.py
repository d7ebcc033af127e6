"""The rhythm: what is due now. The scheduler only calls `run_due`; every feature says what it owes whom.

Each due message has a key (person, kind, period) and is written to the outbox under that key, so a
restart, a retried or late tick, or a second bot process never sends it twice — and a tick after
downtime still sends what is at most `schedule.grace_hours` late.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.deps import Deps
from bot.i18n import Translator
from bot.views import View
from storage.models import Person
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
CHUNK = 500


@dataclass(frozen=True)
class Due:
    key: str  # unique: kind, person, period
    kind: str
    recipient_id: int
    locale: str | None
    build: Callable[[Translator], View]


@dataclass
class Tick:
    """What a feature's due-finder gets: the instant, the unit of work and calendar helpers."""

    deps: Deps
    uow: UnitOfWork
    now: datetime

    @property
    def grace(self) -> timedelta:
        return timedelta(hours=self.deps.settings.schedule.grace_hours)

    def zone(self, person: Person) -> ZoneInfo:
        return ZoneInfo(person.timezone or self.deps.settings.org.default_timezone)

    def local_today(self, person: Person) -> date:
        return self.now.astimezone(self.zone(person)).date()

    def latest_slot(self, person: Person, weekday: int, hour: int) -> tuple[datetime, date]:
        """The latest weekly `weekday` at local `hour` not after now, as a UTC instant and a local date.

        Built from the local date and hour, so a DST change moves the instant with the wall clock and
        never yields two instants (or none) for one week.
        """
        zone = self.zone(person)
        local_now = self.now.astimezone(zone)
        day = local_now.date() - timedelta(days=(local_now.weekday() - weekday) % 7)
        instant = at_local(day, hour, zone)
        if instant > self.now:
            day -= timedelta(days=7)
            instant = at_local(day, hour, zone)
        return instant, day

    def in_grace(self, instant: datetime) -> bool:
        return instant <= self.now <= instant + self.grace

    def is_closed(self, day: date) -> bool:
        """Weekends and configured holidays."""
        return day.weekday() >= 5 or day in self.deps.settings.schedule.holidays

    def is_away(self, person: Person, day: date) -> bool:
        return person.away_until is not None and day <= person.away_until

    def is_day_off(self, person: Person, day: date) -> bool:
        """Weekends, configured holidays, and days the person said they are away."""
        return self.is_closed(day) or self.is_away(person, day)

    def working_day_before(self, day: date) -> date:
        day -= timedelta(days=1)
        while self.is_closed(day):
            day -= timedelta(days=1)
        return day

    def first_day_on(self, person: Person, instant: datetime) -> datetime:
        """`instant`, or the same local wall time on the first later day that is not off.

        Moved by local days, not by 24 hours, so a DST change over the weekend keeps the local hour; an
        away period is jumped over at once, however long it is.
        """
        zone = self.zone(person)
        local = instant.astimezone(zone)
        day = local.date()
        if not self.is_day_off(person, day):
            return instant
        while self.is_day_off(person, day):
            day = max(day, person.away_until or day) + timedelta(days=1)
        return datetime.combine(day, local.time(), tzinfo=zone).astimezone(UTC)

    def due(self, key: str, kind: str, person: Person, build: Callable[[Translator], View]) -> Due:
        return Due(key=key, kind=kind, recipient_id=person.id, locale=person.locale, build=build)


def at_local(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


DueFinder = Callable[[Tick], Awaitable[list[Due]]]


async def run_due(deps: Deps, at: datetime, finders: Sequence[DueFinder] | None = None) -> Counter[str]:
    """Record everything due at `at` in the outbox (once per key); returns how many were new, by kind."""
    from bot.router import DUE_FINDERS  # the rhythm's routing table lives beside the commands'

    recorded: Counter[str] = Counter()
    for finder in finders or DUE_FINDERS:
        async with deps.uow() as uow:
            items = await finder(Tick(deps=deps, uow=uow, now=at))
            fresh = await _not_recorded(uow, items)
        for start in range(0, len(fresh), CHUNK):
            async with deps.uow() as uow:
                recorded.update(await _record(deps, uow, fresh[start:start + CHUNK], at))
    return recorded


async def _not_recorded(uow: UnitOfWork, items: list[Due]) -> list[Due]:
    unique = list({item.key: item for item in items}.values())
    known = await uow.deliveries.existing_keys([item.key for item in unique])
    return [item for item in unique if item.key not in known]


async def _record(deps: Deps, uow: UnitOfWork, items: list[Due], at: datetime) -> Counter[str]:
    """Insert the outbox rows; a key another process recorded first is skipped, not sent twice."""
    rows = []
    for item in items:
        t = deps.catalogs.translator(item.locale or deps.settings.org.default_locale)
        rows.append({"key": item.key, "kind": item.kind, "recipient_id": item.recipient_id, "status": "pending",
                     "attempts": 0, "payload": item.build(t).model_dump(mode="json"), "created_at": at})
    return Counter(await uow.deliveries.add_keyed(rows))
