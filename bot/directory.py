"""The org directory as an admin reads it on the web dashboard: who is who, their team, manager, language and zone,
and who has left. Admins only, as `feedbot org show` is the operator's."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from bot.kernel.context import Context
from bot.kernel.errors import UserError
from bot.kernel.people import who

LIMIT = 500  # rows shown; the counts cover everyone


@dataclass(frozen=True)
class Entry:
    name: str  # a mention
    email: str
    team: str
    manager: str  # a mention, or empty
    reports: int
    locale: str
    timezone: str
    active: bool


@dataclass(frozen=True)
class LastImport:
    """The last `feedbot org import`: its counts, or for a refused file its bad rows (row number, reason)."""

    at: datetime
    file_name: str
    refused: bool
    counts: list[tuple[str, int]]  # (added, n), (updated, n), (unchanged, n), (deactivated_now, n), (missing, n)
    problems: list[tuple[int, str]]


@dataclass(frozen=True)
class Directory:
    people: list[Entry]
    total: int
    deactivated: int
    teams: list[tuple[str, int]]  # team name, active members
    last_import: LastImport | None = None


async def directory(ctx: Context) -> Directory:
    if not ctx.is_admin:
        raise UserError("The org directory is for admins.")
    rows = await ctx.uow.people.with_team_names()
    people = {person.id: person for person, _ in rows}
    reports = Counter(person.manager_id for person, _ in rows if person.deactivated_at is None)
    teams = Counter(team for person, team in rows if team and person.deactivated_at is None)
    ordered = sorted(rows, key=lambda row: (row[0].deactivated_at is not None, row[0].name.lower(), row[0].id))
    entries = [Entry(name=who(person), email=person.email, team=team or "",
                     manager=who(people[person.manager_id]) if person.manager_id in people else "",
                     reports=reports.get(person.id, 0), locale=person.locale or "", timezone=person.timezone or "",
                     active=person.deactivated_at is None) for person, team in ordered[:LIMIT]]
    found = await ctx.uow.people.last_import()
    last = None if found is None else LastImport(
        found.imported_at, found.file_name, found.refused,
        [("added", found.added), ("updated", found.updated), ("unchanged", found.unchanged),
         ("deactivated_now", found.deactivated), ("missing", found.missing)],
        [(int(row), str(reason)) for row, reason in found.problems])
    return Directory(entries, len(rows), sum(1 for person, _ in rows if person.deactivated_at is not None),
                     sorted(teams.items()), last)
