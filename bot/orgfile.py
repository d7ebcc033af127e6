"""Reading and checking an org directory CSV file (for bot/orgdir.py): every bad row is found in one run.

Problems with the file as a whole (not UTF-8, no header) stop the reading at once; problems with rows are
collected, one per row, and raised together, so the operator fixes them all before importing again.
Operator output is plain English for the CLI, not chat text, so it is not translated.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.kernel.i18n import SUPPORTED_LOCALES, normalize_locale
from bot.kernel.people import is_email, valid_timezone

REQUIRED = ("email", "name")
OPTIONAL = ("manager_email", "team", "timezone", "locale", "role", "level")
HEADER = ",".join(REQUIRED + OPTIONAL)
LIMITS = {"email": 320, "name": 200, "team": 200, "role": 100, "level": 50}  # the column sizes in storage.models
LONGEST_CYCLE_SHOWN = 10
EMAIL_FORBIDDEN = set('",;:<>()[]\\')  # legal only in quoted local parts, which no directory uses


class OrgImportError(Exception):
    """A bad file: every problem as (spreadsheet row, reason), the header being row 1. Nothing has been written.

    `row` and `reason` are the first problem's."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = sorted(problems, key=lambda problem: problem[0])
        self.row, self.reason = self.problems[0]
        super().__init__("\n".join(f"row {row}: {reason}" for row, reason in self.problems))


def fail(row: int, reason: str) -> OrgImportError:
    return OrgImportError([(row, reason)])


@dataclass(frozen=True)
class Row:
    number: int
    email: str
    name: str
    manager_email: str | None  # None also when the column is absent (see `columns`)
    team: str | None
    timezone: str | None
    locale: str | None
    role: str | None  # which `[[expectations.catalogue]]` of the settings are theirs
    level: str | None


Record = tuple[int, dict[str, str]]  # (row number, column → stripped cell)


def read_file(path: Path) -> tuple[set[str], list[Record], list[tuple[int, str]]]:
    """The header's columns, the readable non-blank rows, and what is wrong with every other row. A file that
    cannot be read as a table at all raises at once."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")  # Excel writes a BOM at the start; one anywhere else is refused below
    except UnicodeDecodeError as exc:
        raise fail(raw[:exc.start].count(b"\n") + 1, "not UTF-8 text; save the file as CSV UTF-8") from None
    lines, problems = read_table(text)
    if not lines or not any(cell.strip() for cell in lines[0][1]):
        raise fail(1, f"the first row must be the header {HEADER}")
    header = [cell.strip().lower() for cell in lines[0][1]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise fail(1, f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; the header must "
                      f"have email,name and may have {','.join(OPTIONAL)}")
    twice = next((name for name in header if name and header.count(name) > 1), None)
    if twice:
        raise fail(1, f"the column {twice} appears twice in the header")
    records: list[Record] = []
    for number, cells in lines[1:]:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines still count as spreadsheet rows
        problem = malformed(cells, len(header))
        if problem:
            problems.append((number, problem))
            continue
        records.append((number, {name: cell.strip() for name, cell in zip(header, cells, strict=False)}))
    return set(header), records, problems


def read_table(text: str) -> tuple[list[tuple[int, list[str]]], list[tuple[int, str]]]:
    """(first line number, cells) of every row CSV can read, and why each other row could not be read."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    lines: list[tuple[int, list[str]]] = []
    problems: list[tuple[int, str]] = []
    end = 0
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append((start, "a quoted value is never closed (an unterminated \")" if "end of data" in str(exc)
                             else f"not valid CSV: {exc}; a double quote inside a value must be doubled (\"\")"))
            cells = None
        end = reader.line_num  # a quoted line break makes one row of several lines
        if cells is not None:
            lines.append((start, cells))
    if problems and (not lines or lines[0][0] != 1):
        raise OrgImportError(problems)
    return lines, problems


def malformed(cells: list[str], columns: int) -> str | None:
    """What makes a row unreadable whatever its columns mean: extra values, control or invisible characters."""
    if len(cells) > columns and any(cell.strip() for cell in cells[columns:]):
        return (f"{len(cells)} values but the header has {columns} columns; put values that contain commas in "
                f"double quotes")
    for cell in cells:
        if "\ufeff" in cell:
            return "a byte order mark (U+FEFF) inside the file; save it again as CSV UTF-8"
        bad = next((c for c in cell if unicodedata.category(c) in ("Cc", "Cs")), None)
        if bad is not None:
            what = "a NUL character" if bad == "\0" else "a line break" if bad in "\r\n" else \
                f"the control character U+{ord(bad):04X}"
            return f"{what} inside a value; remove it (a line break usually means a quote is not closed)"
    return None


def email_problem(column: str, email: str) -> str | None:
    """Why `email` cannot be a directory address: quotes, commas, invisible characters, or not an address."""
    invisible = next((c for c in email if unicodedata.category(c) in ("Cf", "Zs", "Zl", "Zp")), None)
    if invisible is not None:
        return f"invalid {column} {email!r}: it contains the invisible character U+{ord(invisible):04X}"
    if any(c in EMAIL_FORBIDDEN for c in email) or not is_email(email):
        return f"invalid {column} {email}"
    return None


def parse_rows(records: list[Record], known: set[str]) -> tuple[list[Row], list[tuple[int, str]]]:
    """The good rows, and the first problem of every bad one, in file order. `known`: emails in the directory."""
    in_file = {values.get("email", "").lower() for _, values in records}
    first_row_of: dict[str, int] = {}
    rows: list[Row] = []
    problems: list[tuple[int, str]] = []
    for number, values in records:
        try:
            row = parse_row(number, values)
        except OrgImportError as exc:
            problems.append((number, exc.reason))
            continue
        if row.email in first_row_of:
            problems.append((number, f"duplicate email {row.email} (also on row {first_row_of[row.email]})"))
            continue
        first_row_of[row.email] = number
        if row.manager_email and row.manager_email not in in_file and row.manager_email not in known:
            problems.append((number, f"unknown manager {row.manager_email} (not in the file or the directory)"))
            continue
        rows.append(row)
    return rows, problems


def parse_row(number: int, values: dict[str, str]) -> Row:
    email = values.get("email", "").lower()
    if not email:
        raise fail(number, "email is empty")
    problem = email_problem("email", email)
    if problem:
        raise fail(number, problem)
    name = values.get("name", "")
    if not name:
        raise fail(number, f"name is empty for {email}")
    manager = values.get("manager_email", "").lower() or None
    problem = email_problem("manager_email", manager) if manager is not None else None
    if problem:
        raise fail(number, problem)
    if manager == email:
        raise fail(number, f"{email} cannot be their own manager")
    for column, limit in LIMITS.items():
        if len(values.get(column, "")) > limit:
            raise fail(number, f"{column} is longer than {limit} characters")
    zone = values.get("timezone", "") or None
    if zone is not None and valid_timezone(zone) is None:
        raise fail(number, f"unknown time zone {zone} (use an IANA name such as Europe/Stockholm, or leave it empty)")
    locale = values.get("locale", "") or None
    if locale is not None and normalize_locale(locale) is None:
        raise fail(number, f"unsupported locale {locale} (use one of {', '.join(SUPPORTED_LOCALES)}, or leave it "
                           f"empty)")
    return Row(number=number, email=email, name=name, manager_email=manager, team=values.get("team", "") or None,
               timezone=zone, locale=normalize_locale(locale), role=values.get("role", "") or None,
               level=values.get("level", "") or None)


def find_cycles(manager_of: dict[str, str | None], row_of: dict[str, int]) -> list[tuple[int, str]]:
    """Every reporting cycle through someone in the file, once, at the row of its first member in the file.

    Each person has at most one manager, so following managers from everyone in turn, and never walking past
    someone already followed, visits each person once: linear in the size of the directory."""
    state: dict[str, int] = {}  # 1: on the walk now, 2: done
    problems: list[tuple[int, str]] = []
    for start in manager_of:
        path: list[str] = []
        current: str | None = start
        while current is not None and current not in state:
            state[current] = 1
            path.append(current)
            current = manager_of.get(current)
        if current is not None and state[current] == 1:  # came back to this walk: a new cycle
            cycle = path[path.index(current):]
            in_file = [person for person in cycle if person in row_of]
            if in_file:  # a loop made outside the import is not this file's fault
                first = min(in_file, key=row_of.__getitem__)
                at = cycle.index(first)
                chain = [*cycle[at:], *cycle[:at], first]
                if len(chain) > LONGEST_CYCLE_SHOWN:
                    chain = [*chain[:4], f"… {len(cycle) - 6} more …", *chain[-3:]]
                problems.append((row_of[first], f"reporting cycle {' → '.join(chain)} (each reports to the next)"))
        for person in path:
            state[person] = 2
    return problems
