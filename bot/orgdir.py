"""The org directory: people, teams and reporting lines imported from a CSV file, and the reporting tree.

The file is authoritative for the people it lists and the columns it has: an empty manager_email or team
clears it. Empty timezone and locale cells keep what is stored, because those are also filled from the
chat platform's profile (and `/language`). People not in the file are never touched.
Operator output (this module) is plain English for the CLI, not chat text, so it is not translated.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from bot.kernel.context import Deps
from bot.kernel.i18n import SUPPORTED_LOCALES, normalize_locale
from bot.kernel.people import is_email, valid_timezone
from storage.models import Person, Team

REQUIRED = ("email", "name")
OPTIONAL = ("manager_email", "team", "timezone", "locale")
HEADER = ",".join(REQUIRED + OPTIONAL)
NONE = "(none)"
EMPTY_DIRECTORY = "The org directory is empty. Import one with: feedbot org import people.csv"
LIMITS = {"email": 320, "name": 200, "team": 200}  # the column sizes in storage.models


class OrgImportError(Exception):
    """A bad file; `row` is the spreadsheet row (the header is row 1). Nothing has been written."""

    def __init__(self, row: int, reason: str) -> None:
        super().__init__(f"row {row}: {reason}")
        self.row = row
        self.reason = reason


@dataclass(frozen=True)
class Row:
    number: int
    email: str
    name: str
    manager_email: str | None  # None also when the column is absent (see `columns`)
    team: str | None
    timezone: str | None
    locale: str | None


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)  # emails, in file order
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changes: dict[str, list[str]] = field(default_factory=dict)  # email → "team Platform → Apps", …
    teams_created: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged"]
        lines += [f"created team {name}" for name in self.teams_created]
        lines += [f"created {email}: {', '.join(self.changes[email])}" for email in self.created]
        lines += [f"updated {email}: {', '.join(self.changes[email])}" for email in self.updated]
        return "\n".join(lines)


async def import_people(deps: Deps, path: Path) -> ImportReport:
    """Create or update people, teams and reporting lines from `path`, all or nothing."""
    columns, records = read_file(path)
    async with deps.uow() as uow:
        existing = {p.email: p for p in await uow.people.all()}
        rows = parse_rows(records, existing)
        check_cycles(columns, rows, existing)
        teams = {t.name: t for t in await uow.people.teams()}
        email_of = {p.id: p.email for p in existing.values()}
        team_of = {t.id: t.name for t in teams.values()}
        before = {email: snapshot(p, email_of, team_of) for email, p in existing.items()}
        report = ImportReport()
        for name in dict.fromkeys(r.team for r in rows if r.team):
            if name not in teams:
                teams[name] = Team(name=name)
                uow.people.add(teams[name])
                report.teams_created.append(name)
        now = deps.clock.now()
        people = dict(existing)
        for row in rows:
            if row.email not in people:
                people[row.email] = Person(email=row.email, name=row.name, created_at=now)
                uow.people.add(people[row.email])
        await uow.people.flush()  # ids for the new people and teams
        for row in rows:
            apply(people[row.email], row, columns, people, teams)
        email_of = {p.id: p.email for p in people.values()}
        team_of = {t.id: t.name for t in teams.values()}
        for row in rows:
            after = snapshot(people[row.email], email_of, team_of)
            old = before.get(row.email)
            if old is None:
                report.created.append(row.email)
                report.changes[row.email] = [row.name] + [
                    f"{label} {value}" for label, value in after.items() if label != "name" and value]
            elif old != after:
                report.updated.append(row.email)
                report.changes[row.email] = [f"{label} {old[label] or NONE} → {after[label] or NONE}"
                                             for label in after if old[label] != after[label]]
            else:
                report.unchanged.append(row.email)
    return report


def apply(person: Person, row: Row, columns: set[str], people: dict[str, Person], teams: dict[str, Team]) -> None:
    person.name = row.name
    if "manager_email" in columns:
        person.manager_id = people[row.manager_email].id if row.manager_email else None
    if "team" in columns:
        person.team_id = teams[row.team].id if row.team else None
    if row.timezone:
        person.timezone = row.timezone
    if row.locale:
        person.locale = row.locale


def snapshot(person: Person, email_of: dict[int, str], team_of: dict[int, str]) -> dict[str, str | None]:
    """What an import can change, as shown in the report (the order of the change lines)."""
    return {"name": person.name,
            "manager": email_of.get(person.manager_id) if person.manager_id is not None else None,
            "team": team_of.get(person.team_id) if person.team_id is not None else None,
            "time zone": person.timezone,
            "locale": person.locale}


Record = tuple[int, dict[str, str]]  # (row number, column → stripped cell)


def read_file(path: Path) -> tuple[set[str], list[Record]]:
    """The header's columns and the non-blank rows; problems with the file as a whole are raised here."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")  # Excel writes a BOM
    except UnicodeDecodeError as exc:
        raise OrgImportError(raw[:exc.start].count(b"\n") + 1,
                             "not UTF-8 text; save the file as CSV UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise OrgImportError(reader.line_num, f"not valid CSV: {exc}") from None
    if not lines or not any(cell.strip() for cell in lines[0]):
        raise OrgImportError(1, f"the first row must be the header {HEADER}")
    header = [cell.strip().lower() for cell in lines[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise OrgImportError(1, f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                                f"the header must have email,name "
                                f"and may have manager_email,team,timezone,locale")
    twice = next((name for name in header if name and header.count(name) > 1), None)
    if twice:
        raise OrgImportError(1, f"the column {twice} appears twice in the header")
    records: list[Record] = []
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines still count as spreadsheet rows
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header):]):
            raise OrgImportError(number, f"{len(cells)} values but the header has {len(header)} columns; "
                                         f"put values that contain commas in double quotes")
        records.append((number, {name: cell.strip() for name, cell in zip(header, cells, strict=False)}))
    return set(header), records


def parse_rows(records: list[Record], existing: dict[str, Person]) -> list[Row]:
    """Check every row in file order and raise the first problem, so the operator fixes them top down."""
    in_file = {values.get("email", "").lower() for _, values in records}
    first_row_of: dict[str, int] = {}
    rows: list[Row] = []
    for number, values in records:
        row = parse_row(number, values)
        if row.email in first_row_of:
            raise OrgImportError(number, f"duplicate email {row.email} (also on row {first_row_of[row.email]})")
        if row.manager_email and row.manager_email not in in_file and row.manager_email not in existing:
            raise OrgImportError(number, f"unknown manager {row.manager_email} (not in the file or the directory)")
        first_row_of[row.email] = number
        rows.append(row)
    return rows


def parse_row(number: int, values: dict[str, str]) -> Row:
    def fail(reason: str) -> OrgImportError:
        return OrgImportError(number, reason)

    email = values.get("email", "").lower()
    if not email:
        raise fail("email is empty")
    if not is_email(email):
        raise fail(f"invalid email {email}")
    name = values.get("name", "")
    if not name:
        raise fail(f"name is empty for {email}")
    manager = values.get("manager_email", "").lower() or None
    if manager is not None and not is_email(manager):
        raise fail(f"invalid manager_email {manager}")
    if manager == email:
        raise fail(f"{email} cannot be their own manager")
    for column, limit in LIMITS.items():
        if len(values.get(column, "")) > limit:
            raise fail(f"{column} is longer than {limit} characters")
    zone = values.get("timezone", "") or None
    if zone is not None and valid_timezone(zone) is None:
        raise fail(f"unknown time zone {zone} (use an IANA name such as Europe/Stockholm, or leave it empty)")
    locale = values.get("locale", "") or None
    if locale is not None and normalize_locale(locale) is None:
        raise fail(f"unsupported locale {locale} (use one of {', '.join(SUPPORTED_LOCALES)}, or leave it empty)")
    return Row(number=number, email=email, name=name, manager_email=manager, team=values.get("team", "") or None,
               timezone=zone, locale=normalize_locale(locale))


def check_cycles(columns: set[str], rows: list[Row], existing: dict[str, Person]) -> None:
    """No reporting cycle after the import, also through people in the directory who are not in the file."""
    email_of = {p.id: p.email for p in existing.values()}
    manager_of: dict[str, str | None] = {
        email: email_of.get(p.manager_id) if p.manager_id is not None else None for email, p in existing.items()}
    for row in rows:
        if "manager_email" in columns or row.email not in existing:
            manager_of[row.email] = row.manager_email
    for row in rows:
        cycle = cycle_through(row.email, manager_of)
        if cycle:
            raise OrgImportError(row.number, f"reporting cycle {' → '.join(cycle)} (each reports to the next)")


def cycle_through(start: str, manager_of: dict[str, str | None]) -> list[str] | None:
    """The chain start → manager → … → start, if following managers up from `start` comes back to it."""
    chain, current = [start], manager_of.get(start)
    while current is not None:
        if current == start:
            return [*chain, start]
        if current in chain:
            return None  # a loop higher up that `start` is not part of; reported from one of its members
        chain.append(current)
        current = manager_of.get(current)
    return None


async def org_tree(deps: Deps) -> str:
    """Everyone by reporting line: people without a manager first, reports indented under their manager."""
    async with deps.uow() as uow:
        people = list(await uow.people.all())
        team_of = {t.id: t.name for t in await uow.people.teams()}
    if not people:
        return EMPTY_DIRECTORY
    ids = {p.id for p in people}
    reports: dict[int | None, list[Person]] = {}
    for person in sorted(people, key=lambda p: (p.name.casefold(), p.email)):
        reports.setdefault(person.manager_id if person.manager_id in ids else None, []).append(person)
    lines: list[str] = []
    seen: set[int] = set()

    def walk(person: Person, depth: int) -> None:
        if person.id in seen:
            return
        seen.add(person.id)
        team = f" — {team_of[person.team_id]}" if person.team_id in team_of else ""
        lines.append(f"{'  ' * depth}{person.name} <{person.email}>{team}")
        for report in reports.get(person.id, []):
            walk(report, depth + 1)

    for root in reports.get(None, []):
        walk(root, 0)
    for person in sorted(people, key=lambda p: (p.name.casefold(), p.email)):
        walk(person, 0)  # only a loop made outside the import leaves someone unreached
    return "\n".join(lines)
