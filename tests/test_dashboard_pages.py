"""What the dashboard's pages show, and never show: the same permissions and thresholds as the chat."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.rhythm.scheduler import tick
from tests.test_pulse import CLOSE, OPEN, answer, lead, member, setup
from tests.web_dashboard import dashboard

ADMIN, ANA, BO, CY = "admin@example.com", "ana@example.com", "bo@example.com", "cy@example.com"
ORG = ("email,name,manager_email,team,timezone,locale\n"
       "admin@example.com,Hanna Admin,,,,\n"
       "ana@example.com,Ana Lima,,Apps,,\n"
       "bo@example.com,Bo Nilsson,ana@example.com,Apps,,sv\n"
       "cy@example.com,Cy Walker,ana@example.com,Apps,,\n")


async def org(console, tmp_path) -> None:
    (tmp_path / "org.csv").write_text(ORG)
    from bot.orgdir import import_people

    await import_people(console.deps, tmp_path / "org.csv")


async def test_a_manager_sees_their_team_and_a_report_cannot_open_it(console, deps, tmp_path, clock):
    await org(console, tmp_path)
    await console.type("/checkin", as_=BO)
    for line in ("Shipped the release", "Docs", "Waiting for the VPN", "4", ""):
        await console.type(line)
    clock.advance(timedelta(days=7))  # the team page is the digest of the week before
    async with deps.uow() as uow:
        ana = await uow.people.by_email(ANA)
    async with dashboard(deps) as web:
        async with web.client(ANA) as manager:
            status, html = await web.get(manager, "/dashboard/team")
            assert status == 200 and "Waiting for the VPN" in html and "<svg" in html  # blockers; the mood chart
            assert (await web.get(manager, f"/dashboard/team/{ana.uid}"))[0] == 200
            assert (await web.get(manager, "/dashboard/team/org"))[0] == 403  # the organisation is for admins
        async with web.client(BO) as report:
            for path in ("/dashboard/team", f"/dashboard/team/{ana.uid}", "/dashboard/team/org"):
                status, html = await web.get(report, path)
                assert status == 403 and "Waiting for the VPN" not in html and "Cy Walker" not in html, path
        async with web.client(ADMIN) as admin:
            status, html = await web.get(admin, f"/dashboard/team/{ana.uid}")
            assert status == 403 and "Waiting for the VPN" not in html  # admins get counts, not Ana's team
            status, html = await web.get(admin, "/dashboard/team/org")
            assert status == 200 and "organisation" in html and "Waiting for the VPN" not in html


async def test_an_anonymous_ideas_author_is_never_shown(console, deps, tmp_path):
    await org(console, tmp_path)
    await console.type("/idea --anon Fewer status meetings", as_=BO)
    await console.type("/idea Cache the wheels", as_=CY)
    await console.type("/idea vote 1", as_=BO)
    async with deps.uow() as uow:
        bo = await uow.people.by_email(BO)
    async with dashboard(deps) as web:
        for reader in (ADMIN, ANA, CY, BO):
            async with web.client(reader) as browser:
                for path in ("/dashboard/ideas", "/dashboard/ideas/1", "/dashboard/ideas?q=status"):
                    status, html = await web.get(browser, path)
                    assert status == 200 and "Fewer status meetings" in html, (reader, path)
                    body = html.split("<main", 1)[1]
                    assert "Bo Nilsson" not in body and bo.uid not in body and BO not in body, (reader, path)
                    assert "anonymous" in body or "anonym" in body
        async with web.client(BO) as author:  # only the author finds it among their own, as with /idea list mine
            assert "Fewer status meetings" in (await web.get(author, "/dashboard/ideas?show=mine"))[1]
        async with web.client(CY) as other:
            assert "Fewer status meetings" not in (await web.get(other, "/dashboard/ideas?show=mine"))[1]


async def test_ideas_move_on_the_board_only_for_their_owner_or_an_admin(console, deps, tmp_path):
    await org(console, tmp_path)
    await console.type("/idea Cache the wheels", as_=CY)
    async with dashboard(deps) as web:
        async with web.client(CY) as author:
            status, html = await web.get(author, "/dashboard/ideas")
            assert status == 200 and 'name="v.status"' not in html  # not Cy's to move
            csrf = await web.csrf(author)
            async with author.post(f"{web.url}/dashboard/act", data={
                    "csrf": csrf, "command": "idea status 1", "v.status": "accepted"}) as refused:
                assert refused.status == 403 and "Only an admin can move idea #1" in await refused.text()
        async with web.client(ADMIN) as admin:
            html = (await web.get(admin, "/dashboard/ideas"))[1]
            assert 'name="v.status"' in html
            async with admin.post(f"{web.url}/dashboard/act", data={
                    "csrf": await web.csrf(admin), "command": "idea status 1", "v.status": "accepted",
                    "v.note": "Trial on Apps", "back": "/dashboard/ideas"}) as moved:
                assert moved.status == 200 and "moved from new to accepted (plan)" in await moved.text()
            html = (await web.get(admin, "/dashboard/ideas"))[1]
            accepted = html.split('data-status="accepted"', 1)[1].split("</section>", 1)[0]
            assert "Cache the wheels" in accepted
    assert "Trial on Apps" in await console.type("/idea show 1", as_=CY)  # the same idea, as the chat sees it


async def test_pulse_slices_below_the_threshold_never_appear(deps_factory, settings, tmp_path):
    deps, console = await setup(deps_factory, settings, tmp_path, teams={"Apps": 6, "Platform": 5, "Design": 3})
    await tick(deps, OPEN)
    for team, n in (("Apps", 6), ("Platform", 5), ("Design", 2)):
        for number in range(1, n + 1):
            await answer(console, member(team, number), "4", "9", "Tuesday", "")
    deps.clock.set(CLOSE + timedelta(hours=1))  # type: ignore[attr-defined]
    await tick(deps, CLOSE + timedelta(hours=1))
    async with dashboard(deps) as web:
        async with web.client(ADMIN) as admin:
            status, html = await web.get(admin, "/dashboard/pulse")
            assert status == 200 and "13 of" in html and "Apps: 6 answers" in html and "Other teams: 7" in html
            assert "Design" not in html and "Platform" not in html  # Design is 2; Platform merged to hide it
            assert "<script" not in html and not re.search(r"\.json|fetch\(", html)  # the page loads no data
        async with web.client(lead("Design")) as manager:
            status, html = await web.get(manager, "/dashboard/pulse")
            assert "Design: not enough answers to show" in html and not re.search(r"Design: \d", html)
        async with web.client(member("Apps", 1)) as someone:
            status, html = await web.get(someone, "/dashboard/pulse")
            assert status == 403 and "Apps: 6" not in html


async def test_pages_are_in_the_readers_language(console, deps, tmp_path):
    await org(console, tmp_path)
    async with dashboard(deps) as web, web.client(BO) as browser:  # Bo's locale is sv
        status, html = await web.get(browser, "/dashboard/ideas")
        assert status == 200 and '<html lang="sv">' in html and "Logga ut" in html and "Sign out" not in html
