"""The org directory: people, teams and reporting lines imported from a CSV file, and the reporting tree.

The file is authoritative for the people it lists and the columns it has: an empty manager_email, team, role or
level clears it. Empty timezone and locale cells keep what is stored, because those are also filled from the
chat platform's profile; a locale the person chose with `/language` is theirs and stays. People in the
directory but not in the file are listed, and deactivated only with `deactivate_missing` (kept with their
history, never prompted); one who is in a later file again is reactivated. The file's checks are in bot/orgfile.py.
Operator output (this module) is plain English for the CLI, not chat text, so it is not translated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.kernel.context import Deps
from bot.orgfile import HEADER, OrgImportError, Row, find_cycles, parse_rows, read_file
from storage.models import OrgImport, Person, Team

__all__ = ["HEADER", "ImportReport", "OrgImportError", "import_people", "org_tree"]
NONE = "(none)"
EMPTY_DIRECTORY = "The org directory is empty. Import one with: feedbot org import people.csv"
SHOWN = 20  # emails listed of those missing from the file
PROBLEMS_KEPT = 200  # bad rows kept for the admin page; the CLI prints them all


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)  # emails, in file order
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changes: dict[str, list[str]] = field(default_factory=dict)  # email → "team Platform → Apps", …
    teams_created: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # active people in the directory, not in the file
    deactivated: list[str] = field(default_factory=list)  # … and deactivated by this import
    kept_locale: list[str] = field(default_factory=list)  # the file's locale not applied: chosen with /language

    def summary(self) -> str:
        lines = [f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged"]
        lines += [f"created team {name}" for name in self.teams_created]
        lines += [f"created {email}: {', '.join(self.changes[email])}" for email in self.created]
        lines += [f"updated {email}: {', '.join(self.changes[email])}" for email in self.updated]
        lines += [f"kept the language {email} chose with /language" for email in self.kept_locale]
        if self.deactivated:
            lines.append(f"deactivated {len(self.deactivated)} not in the file (no more prompts): "
                         f"{listed(self.deactivated)}")
        elif self.missing:
            lines.append(f"{len(self.missing)} in the directory but not in the file: {listed(self.missing)} — "
                         f"import again with --deactivate-missing to deactivate them")
        return "\n".join(lines)


def listed(emails: list[str]) -> str:
    more = f" and {len(emails) - SHOWN} more" if len(emails) > SHOWN else ""
    return ", ".join(emails[:SHOWN]) + more


async def import_people(deps: Deps, path: Path, *, deactivate_missing: bool = False) -> ImportReport:
    """Create or update people, teams and reporting lines from `path`, all or nothing; every bad row is reported
    in one OrgImportError. `deactivate_missing`: people in the directory but not in the file are deactivated.
    Either way the import's report is kept for the admin page."""
    try:
        return await import_file(deps, path, deactivate_missing)
    except OrgImportError as exc:
        async with deps.uow() as uow:  # nothing of the file was written; only that it was refused, and why
            await uow.people.record_import(OrgImport(
                imported_at=deps.clock.now(), file_name=path.name[:255], refused=True,
                problems=[[row, reason] for row, reason in exc.problems[:PROBLEMS_KEPT]]))
        raise


async def import_file(deps: Deps, path: Path, deactivate_missing: bool) -> ImportReport:
    columns, records, problems = read_file(path)
    async with deps.uow() as uow:
        existing = {p.email: p for p in await uow.people.all()}
        rows, bad_rows = parse_rows(records, set(existing))
        problems += bad_rows + check_cycles(columns, rows, existing)
        if problems:
            raise OrgImportError(problems)
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
            if apply(people[row.email], row, columns, people, teams):
                report.kept_locale.append(row.email)
        in_file = {row.email for row in rows}
        report.missing = sorted(e for e, p in existing.items() if e not in in_file and p.deactivated_at is None)
        if deactivate_missing:
            for email in report.missing:
                existing[email].deactivated_at = now
            report.deactivated = report.missing
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
                report.changes[row.email] = [
                    "reactivated" if label == "status" else f"{label} {old[label] or NONE} → {after[label] or NONE}"
                    for label in after if old[label] != after[label]]
            else:
                report.unchanged.append(row.email)
        await uow.people.record_import(OrgImport(
            imported_at=now, file_name=path.name[:255], added=len(report.created), updated=len(report.updated),
            unchanged=len(report.unchanged), deactivated=len(report.deactivated),
            missing=len(report.missing) - len(report.deactivated), problems=[]))
    return report


def apply(person: Person, row: Row, columns: set[str], people: dict[str, Person], teams: dict[str, Team]) -> bool:
    """Write the row into `person`; True when the file's locale was not applied because the person chose theirs."""
    person.name = row.name
    person.deactivated_at = None  # in the file: with the org again
    if "manager_email" in columns:
        person.manager_id = people[row.manager_email].id if row.manager_email else None
    if "team" in columns:
        person.team_id = teams[row.team].id if row.team else None
    if "role" in columns:
        person.role = row.role
    if "level" in columns:
        person.level = row.level
    if row.timezone:
        person.timezone = row.timezone
    if row.locale and person.locale_chosen_at is None:
        person.locale = row.locale
    return bool(row.locale) and person.locale_chosen_at is not None and row.locale != person.locale


def snapshot(person: Person, email_of: dict[int, str], team_of: dict[int, str]) -> dict[str, str | None]:
    """What an import can change, as shown in the report (the order of the change lines)."""
    return {"name": person.name,
            "manager": email_of.get(person.manager_id) if person.manager_id is not None else None,
            "team": team_of.get(person.team_id) if person.team_id is not None else None,
            "time zone": person.timezone,
            "locale": person.locale,
            "role": person.role,
            "level": person.level,
            "status": "deactivated" if person.deactivated_at is not None else None}


def check_cycles(columns: set[str], rows: list[Row], existing: dict[str, Person]) -> list[tuple[int, str]]:
    """No reporting cycle after the import, also through people in the directory who are not in the file."""
    email_of = {p.id: p.email for p in existing.values()}
    manager_of: dict[str, str | None] = {
        email: email_of.get(p.manager_id) if p.manager_id is not None else None for email, p in existing.items()}
    for row in rows:
        if "manager_email" in columns or row.email not in existing:
            manager_of[row.email] = row.manager_email
    return find_cycles(manager_of, {row.email: row.number for row in rows})


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
