"""The org import's second line of checks: every bad row in one run, malformed CSV, people no longer in the file
(and --deactivate-missing), a person's own language choice, deep and wide orgs, and a seeded fuzz run."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.orgdir import OrgImportError, import_people
from bot.orgfile import find_cycles
from bot.rhythm.scheduler import tick
from storage.models import Delivery
from tests.test_cli import feedbot
from tests.test_orgdir import BASE, HEADER, csv_file, directory, facts


async def test_every_bad_row_is_reported_in_one_run_in_file_order(deps, tmp_path):
    content = HEADER + (
        "a@example.com,A,,,,\n"
        "b@example.com,B,nobody@example.com,,,\n"  # 3
        'c"@example.com,C,,,,\n'  # 4
        "d@example.com,D,,,Mars/Olympus,\n"  # 5
        "a@example.com,A again,,,,\n"  # 6
        "p@example.com,P,q@example.com,,,\n"  # 7
        "q@example.com,Q,p@example.com,,,\n"  # 8
        "e@example.com,E\0,,,,\n")  # 9
    with pytest.raises(OrgImportError) as info:
        await import_people(deps, csv_file(tmp_path, content))
    assert [row for row, _ in info.value.problems] == [3, 4, 5, 6, 7, 9]
    assert "row 7: reporting cycle p@example.com → q@example.com → p@example.com" in str(info.value)
    assert await directory(deps) == ([], [])


async def test_people_not_in_the_file_are_listed_and_deactivated_on_request_and_get_no_prompts(deps, tmp_path):
    org = HEADER + ("ana@example.com,Ana,,Apps,Europe/Stockholm,en\n"
                    "bo@example.com,Bo,ana@example.com,Apps,Europe/Stockholm,en\n"
                    "cy@example.com,Cy,ana@example.com,Apps,Europe/Stockholm,en\n")
    await import_people(deps, csv_file(tmp_path, org))
    smaller = csv_file(tmp_path, HEADER + "ana@example.com,Ana,,Apps,Europe/Stockholm,en\n", "smaller.csv")
    report = await import_people(deps, smaller)
    assert report.summary().splitlines()[-1] == (
        "2 in the directory but not in the file: bo@example.com, cy@example.com — import again with "
        "--deactivate-missing to deactivate them")
    async with deps.uow() as uow:
        assert [p.deactivated_at for p in await uow.people.all()] == [None, None, None]
    report = await import_people(deps, smaller, deactivate_missing=True)
    assert report.summary().splitlines()[-1] == (
        "deactivated 2 not in the file (no more prompts): bo@example.com, cy@example.com")
    assert (await import_people(deps, smaller, deactivate_missing=True)).summary() == \
        "0 created, 0 updated, 1 unchanged"  # already deactivated: not listed again

    await tick(deps, datetime(2026, 11, 27, 14, tzinfo=UTC))  # Friday 15:00 in Stockholm: check-in prompts
    async with deps.uow() as uow:
        recipients = {(await uow.people.get(d.recipient_id)).email
                      for d in (await uow.session.scalars(select(Delivery))).all()}
    assert recipients == {"ana@example.com"}

    report = await import_people(deps, csv_file(tmp_path, org))  # back in the file: active again
    assert "updated bo@example.com: reactivated" in report.summary()
    async with deps.uow() as uow:
        assert [p.deactivated_at for p in await uow.people.all()] == [None, None, None]


async def test_an_import_keeps_the_language_a_person_chose(deps, console, tmp_path):
    await import_people(deps, csv_file(tmp_path, BASE))
    await console.type("/language en", as_="lea@example.com")  # the file says zh_Hant
    report = await import_people(deps, csv_file(tmp_path, BASE))
    assert report.summary() == ("0 created, 0 updated, 3 unchanged\n"
                                "kept the language lea@example.com chose with /language")
    assert (await facts(deps, "lea@example.com"))[4] == "en"
    assert (await facts(deps, "bo@example.com"))[4] == "sv"  # chosen by nobody: the file still sets it


async def test_a_deep_chain_imports_and_closing_it_is_one_short_cycle(deps, tmp_path):
    deep = HEADER + "".join(f"p{n}@example.com,P{n},{f'p{n - 1}@example.com' if n else ''},,,\n" for n in range(600))
    report = await import_people(deps, csv_file(tmp_path, deep))
    assert len(report.created) == 600
    loop = deep + "p0@example.com,P0,p599@example.com,,,\n"
    with pytest.raises(OrgImportError) as info:
        await import_people(deps, csv_file(tmp_path, loop.replace("p0@example.com,P0,,,,\n", "")))
    assert str(info.value) == ("row 2: reporting cycle p1@example.com → p0@example.com → p599@example.com → "
                               "p598@example.com → … 594 more … → p3@example.com → p2@example.com → p1@example.com "
                               "(each reports to the next)")


def test_the_cycle_check_visits_each_person_once():
    """Counted, not timed: a 20,000-deep chain is followed in one pass (the old check walked it per person)."""
    visits = 0

    class Counting(dict):
        def get(self, key, default=None):
            nonlocal visits
            visits += 1
            return super().get(key, default)

    chain = Counting({f"p{n}": f"p{n - 1}" if n else None for n in range(20_000)})
    assert find_cycles(chain, {email: n for n, email in enumerate(chain)}) == []
    assert visits <= 20_000
    ring = Counting({f"p{n}": f"p{(n + 1) % 5}" for n in range(5)})
    assert find_cycles(ring, {"p3": 9, "p1": 7}) == [
        (7, "reporting cycle p1 → p2 → p3 → p4 → p0 → p1 (each reports to the next)")]


CELLS = ["ana@example.com", "bo@example.com", "x@example.com", "ANA@example.com", "lea@example.com", "", " ",
         "Ana", '"', '""', ",", "\0", "\ufeff", "\u200b", "\n", "\r", "\x07", "Europe/Stockholm", "Mars/Olympus",
         "sv", "fr", "Apps", "x@", "@x", "ä", "\ud800", "N" * 201]


def fuzzed_file(rng: random.Random) -> str:
    rows = [",".join(rng.choice(CELLS) for _ in range(rng.randint(0, 7))) for _ in range(rng.randint(0, 6))]
    return HEADER + "\n".join(rows) + "\n"


async def test_fuzzed_files_import_or_are_refused_by_row_without_writing(deps, tmp_path):
    """200 seeded files of awkward cells: each imports, or is refused naming rows of the file, writing nothing."""
    rng = random.Random(16)
    await import_people(deps, csv_file(tmp_path, BASE, "base.csv"))
    for _ in range(200):
        content = fuzzed_file(rng)
        before = await directory(deps)
        path = tmp_path / "fuzz.csv"
        path.write_bytes(content.encode("utf-8", "surrogatepass"))
        try:
            report = await import_people(deps, path)
        except OrgImportError as exc:
            last = content.count("\n") + content.count("\r") + 1  # a lone \r ends a CSV row too
            assert exc.problems and all(1 <= row <= last for row, _ in exc.problems), content
            assert await directory(deps) == before
            continue
        people = {email for email, *_ in (await directory(deps))[0]}
        assert set(report.created) | set(report.updated) | set(report.unchanged) <= people
        for email in people:
            assert not any(c in email for c in '\0\ufeff\u200b",\n'), email


def test_the_cli_lists_every_bad_row_and_deactivates_on_request(tmp_path):
    (tmp_path / "people.csv").write_text(BASE, encoding="utf-8")
    assert feedbot(tmp_path, "org", "import", "people.csv").returncode == 0
    (tmp_path / "bad.csv").write_text(HEADER + "a@example.com,A,zed@example.com,,,\nb\u200b@example.com,B,,,,\n",
                                      encoding="utf-8")
    done = feedbot(tmp_path, "org", "import", "bad.csv")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-3:] == [
        "feedbot: bad.csv: 2 problems, nothing was imported:",
        "row 2: unknown manager zed@example.com (not in the file or the directory)",
        "row 3: invalid email 'b\\u200b@example.com': it contains the invisible character U+200B"]
    (tmp_path / "one.csv").write_text(HEADER + "ana@example.com,Ana Lima,,Apps,Europe/Stockholm,en\n",
                                      encoding="utf-8")
    done = feedbot(tmp_path, "org", "import", "one.csv", "--deactivate-missing")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == \
        "deactivated 2 not in the file (no more prompts): bo@example.com, lea@example.com"
