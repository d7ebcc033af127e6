"""The last org directory import's report, kept by `feedbot org import` and shown on the admin page: counts for an
import, the bad rows and their reasons for a refused file; admins only, in the reader's language."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.datarights import erase_person
from bot.orgdir import OrgImportError, import_people
from tests.test_orgdir import BASE, HEADER, csv_file
from tests.web_dashboard import dashboard

ADMIN = "admin@example.com"
WITH_ADMIN = BASE + "admin@example.com,Hanna Admin,,,,\n"


def cells(html: str) -> list[str]:
    section = html.split("Last import", 1)[1].split("</section>", 1)[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", section, re.S)]


async def test_the_admin_page_shows_the_last_imports_counts(deps, clock, tmp_path):
    async with dashboard(deps) as web:
        await import_people(deps, csv_file(tmp_path, WITH_ADMIN, "first.csv"))
        clock.advance(timedelta(hours=2))
        changed = WITH_ADMIN.replace("Lea Berg", "Lea Berg-Holm").replace("bo@example.com,Apps", "bo@example.com,Ops")
        await import_people(deps, csv_file(tmp_path, changed.replace("Bo@Example.com,Bo Nilsson,ana@example.com,"
                                                                     "Apps,Europe/Stockholm,sv-SE\n", ""),
                                           "october.csv"), deactivate_missing=True)
        async with web.client(ADMIN) as admin:
            status, html = await web.get(admin, "/dashboard/admin")
        assert status == 200 and "october.csv" in html and "first.csv" not in html  # only the last one is kept
        assert clock.now().strftime("%Y-%m-%d %H:%M") in html and "Imported." in html
        got = cells(html)
        assert got == ["Status", "People", "Added", "0", "Updated", "1", "Unchanged", "2", "Deactivated", "1",
                       "Not in the file, still active", "0"]


async def test_a_refused_file_is_reported_with_its_bad_rows_in_the_readers_language(deps, console, tmp_path):
    await import_people(deps, csv_file(tmp_path, WITH_ADMIN))
    bad = HEADER + ("cy@example.com,Cy Walker,,Apps,Mars/Olympus,\nnot-an-email,X,,,,\nana@example.com,Ana,,,,\n"
                    "ana@example.com,Ana Lima,,,,\n")
    with pytest.raises(OrgImportError):
        await import_people(deps, csv_file(tmp_path, bad, "bad.csv"))
    async with dashboard(deps) as web:
        async with web.client(ADMIN) as admin:
            html = (await web.get(admin, "/dashboard/admin"))[1]
        assert "bad.csv" in html and "Refused: the file has problems, so nothing was imported." in html
        assert cells(html) == [
            "Row", "Problem",
            "2", "unknown time zone Mars/Olympus (use an IANA name such as Europe/Stockholm, or leave it empty)",
            "3", "invalid email not-an-email", "5", "duplicate email ana@example.com (also on row 4)"]
        await console.type("/language sv", as_=ADMIN)
        async with web.client(ADMIN) as admin:
            html = (await web.get(admin, "/dashboard/admin"))[1]
        assert "Senaste import" in html and "Avvisad" in html
        async with web.client("ana@example.com") as ana:
            status, html = await web.get(ana, "/dashboard/admin")
        assert status == 403 and "bad.csv" not in html and "Mars" not in html  # admins only


async def test_before_any_import_the_admin_page_says_so(deps, console):
    await console.people(ADMIN)
    async with dashboard(deps) as web, web.client(ADMIN) as admin:
        assert "No import yet." in (await web.get(admin, "/dashboard/admin"))[1]


async def test_erasing_a_person_named_in_a_refused_report_removes_the_report(deps, tmp_path):
    await import_people(deps, csv_file(tmp_path, WITH_ADMIN))
    with pytest.raises(OrgImportError):
        await import_people(deps, csv_file(tmp_path, HEADER + "lea@example.com,,,,,\n", "bad.csv"))
    async with deps.uow() as uow:
        assert "lea@example.com" in str((await uow.people.last_import()).problems)
    await erase_person(deps, "bo@example.com")  # not named: the report stays
    async with deps.uow() as uow:
        assert await uow.people.last_import() is not None
    await erase_person(deps, "lea@example.com")
    async with deps.uow() as uow:
        assert await uow.people.last_import() is None
