"""Objectives and development plans on the web dashboard: mine on Me, the team's on Team (the manager's own reports
only), counts on Admin — the same rules as the chat (`/goal`, `/grow`, the digest)."""

from __future__ import annotations

from datetime import timedelta

from tests.test_dashboard_pages import ADMIN, ANA, BO, CY, org
from tests.web_dashboard import dashboard

SCRIPT = (
    (ADMIN, "/goal add --company Win the Nordic market by 2027-Q2"),  # 1
    (ANA, "/goal add --team Make the app fast"),  # 2
    (ANA, "/goal align 2 to 1"),
    (CY, "/goal add Cut latency by 2027-03-31"),  # 3
    (CY, "/goal kr 3 Cut p95 latency from 900 to 200 ms"),
    (CY, "/goal align 3 to 2"),
    (BO, "/goal add Secret signups"),  # 4
    (BO, "/goal kr 4 Grow signups from 10 to 50 customers"),
    (BO, "/goal update 4.1 20 at risk"),
    (CY, "/grow add Learn query tuning by 2027-03-31 — the PostgreSQL course"),  # 1
    (CY, "/grow add Speak at a meetup"),  # 2
    (CY, "/grow done 2"),
)


async def objectives(console, clock) -> None:
    for who, line in SCRIPT:
        out = await console.type(line, as_=who)
        assert "#" in out or "serves" in out or "added" in out.lower() or "done" in out, (line, out)
    clock.advance(timedelta(days=1))
    await console.type("/goal update 3.1 450 off track The cache is cold", as_=CY)


async def test_me_shows_my_objectives_key_results_and_plan(console, deps, tmp_path, clock):
    await org(console, tmp_path)
    await objectives(console, clock)
    async with dashboard(deps) as web, web.client(CY) as browser:
        status, html = await web.get(browser, "/dashboard/me")
    assert status == 200
    main = html.split("<main", 1)[1]
    assert "My objectives" in main and "#3 Cut latency" in main and "due 2027-03-31" in main
    assert "serves #2 Make the app fast" in main  # the parent objective it serves
    assert '<progress max="100" value="64"' in main  # 900 → 450 of 900 → 200 ms
    assert "3.1 Cut p95 latency: 450 ms (900 → 200 ms, 64%)" in main
    assert 'class="confidence off-track">off track<' in main
    assert "Your development plan" in main and "Learn query tuning" in main and "(by 2027-03-31)" in main
    assert "the PostgreSQL course" in main and "not agreed yet" in main and "Speak at a meetup" not in main  # done
    assert "Secret signups" not in main and "Win the Nordic market" not in main  # Bo's; not Cy's own
    await console.type("/goal add Read two books", as_=CY)  # measured by a percentage: a bar, no key result line
    await console.type("/goal progress 5 50%", as_=CY)
    async with dashboard(deps) as web, web.client(CY) as browser:
        main = (await web.get(browser, "/dashboard/me"))[1].split("<main", 1)[1]
    assert '<progress max="100" value="50" aria-labelledby="objective-5">' in main and "5.1" not in main


async def test_team_shows_the_teams_objectives_and_what_needs_attention_to_the_manager_only(console, deps, tmp_path,
                                                                                           clock):
    await org(console, tmp_path)
    await objectives(console, clock)
    async with dashboard(deps) as web:
        async with web.client(ANA) as manager:
            status, html = await web.get(manager, "/dashboard/team")
            main = html.split("<main", 1)[1]
            assert status == 200 and "Team objectives" in main and "#2 Make the app fast" in main
            attention = main.split("Key results that need attention</h3>", 1)[1]
            assert "Cy Walker" in attention and "3.1 Cut p95 latency" in attention and "off track" in attention
            assert "Grow signups" not in attention  # at risk, updated today: not yet for attention
            plans = main.split('id="team-plans"', 1)[1]
            assert "Cy Walker</td><td>1<" in plans and "Bo Nilsson</td><td>no plan yet<" in plans
            assert "Learn query tuning" not in plans  # whether, not what
        clock.advance(timedelta(weeks=3))  # three weeks without an update: Bo's at-risk key result too
        async with web.client(ANA) as manager:
            attention = (await web.get(manager, "/dashboard/team"))[1].split("need attention</h3>", 1)[1]
            assert "@Bo Nilsson</h4>" in attention and "4.1 Grow signups" in attention
            assert 'class="attention">no update since 2026-11-23<' in attention
        async with web.client(BO) as report:
            status, html = await web.get(report, "/dashboard/team")
            assert status == 403 and "Cut p95" not in html and "Team objectives" not in html
        async with web.client(ADMIN) as admin:
            status, html = await web.get(admin, "/dashboard/team/org")
            assert status == 200 and "Cut p95" not in html and "Learn query tuning" not in html


async def test_admin_sees_counts_never_titles(console, deps, tmp_path, clock):
    await org(console, tmp_path)
    await objectives(console, clock)
    async with dashboard(deps) as web:
        async with web.client(ADMIN) as admin:
            status, html = await web.get(admin, "/dashboard/admin")
            main = html.split("<main", 1)[1]
            assert status == 200 and "Objectives at risk" in main
            assert "<td>Apps</td><td>2</td>" in main  # Cy's off track, Bo's at risk
            assert "Development plans: 1 people with a plan; 1 items done in 2026-Q4." in main
            for title in ("Cut latency", "Cut p95", "Secret signups", "Grow signups", "Learn query tuning",
                          "Speak at a meetup"):
                assert title not in main, title
            status, html = await web.get(admin, "/dashboard/me")
            assert "[company]" not in html and "#1 Win the Nordic market" in html  # the company objective is theirs
        async with web.client(ANA) as manager:
            status, html = await web.get(manager, "/dashboard/admin")
            assert status == 403 and "Objectives at risk" not in html


async def test_objectives_are_in_the_readers_language(console, deps, tmp_path, clock):
    await org(console, tmp_path)
    await objectives(console, clock)
    async with dashboard(deps) as web, web.client(BO) as browser:  # Bo's locale is sv
        status, html = await web.get(browser, "/dashboard/me")
    main = html.split("<main", 1)[1]
    assert status == 200 and "Mina mål" in main and "#4 Secret signups" in main and "My objectives" not in main
    assert "class=\"confidence at-risk\">i riskzonen<" in main
    assert "Din utvecklingsplan" in main and "Your development plan" not in main
