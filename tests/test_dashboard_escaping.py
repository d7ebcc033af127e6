"""What people type, and what an import file holds, reaches the dashboard's new sections as text, never as markup:
objective and key result titles, plan items, expectation texts, an import's file name and its bad rows."""

from __future__ import annotations

import pytest

from bot.orgdir import OrgImportError, import_people
from tests.test_dashboard_pages import ADMIN, ANA, CY, org
from tests.test_orgdir import HEADER, csv_file
from tests.web_dashboard import dashboard

EVIL = '<img src=x onerror="alert(1)">'
SHOWN = "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;"


async def test_typed_text_is_escaped_on_me_and_team(console, deps, tmp_path):
    await org(console, tmp_path)
    for line in (f"/goal add Ship {EVIL}", f"/goal kr 1 Cut {EVIL} latency from 900 to 200 ms",
                 "/goal update 1.1 900 off track", f"/grow add Learn {EVIL} — {EVIL}",
                 f"/expectations propose Review {EVIL} --action"):
        assert "#" in await console.type(line, as_=CY), line
    async with dashboard(deps) as web:
        for who, path, least in ((CY, "/dashboard/me", 4), (ANA, "/dashboard/team", 1)):
            async with web.client(who) as browser:
                status, html = await web.get(browser, path)
            assert status == 200 and "<img" not in html and html.count(SHOWN) >= least, (who, path)


async def test_an_import_files_name_and_bad_rows_are_escaped_on_the_admin_page(console, deps, tmp_path):
    await org(console, tmp_path)
    bad = HEADER + f"{EVIL},X,,,,\nana@example.com,Ana,,,Mars/{EVIL},\n"
    with pytest.raises(OrgImportError):
        await import_people(deps, csv_file(tmp_path, bad, "<b>org.csv"))
    async with dashboard(deps) as web, web.client(ADMIN) as admin:
        status, html = await web.get(admin, "/dashboard/admin")
    assert status == 200 and "<img" not in html and "<b>org" not in html and "&lt;b&gt;org.csv" in html
    assert html.count(SHOWN) >= 1
