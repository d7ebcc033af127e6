"""Signing in to the web dashboard: a one-time link from chat, a session cookie, CSRF, sign-out — on the real server."""

from __future__ import annotations

from datetime import timedelta

from bot.kernel.settings import Settings
from tests.test_cli import feedbot
from tests.web_dashboard import dashboard

ANA, BO = "ana@example.com", "bo@example.com"
PAGES = ("/dashboard/me", "/dashboard/team", "/dashboard/ideas", "/dashboard/pulse", "/dashboard/admin",
         "/dashboard/ideas/1")


async def test_dashboard_in_chat_replies_privately_with_a_link_that_signs_in_once(console, deps):
    await console.people(BO)
    out = await console.type("/dashboard", as_=ANA)
    link = next(word for word in out.split() if "/dashboard/signin/" in word)
    assert link.startswith("http://127.0.0.1:3000/dashboard/signin/")  # dashboard.base_url, else server.host:port
    assert "→" not in out  # nothing was sent to anyone else
    token = link.rsplit("/", 1)[1]
    async with dashboard(deps) as web, web.client() as browser:
        async with browser.get(f"{web.url}/dashboard/signin/{token}") as opened:  # a link preview: nothing used up
            assert opened.status == 200 and token in await opened.text()
        async with browser.post(f"{web.url}/dashboard/signin", data={"token": token}, allow_redirects=False) as first:
            assert first.status == 303 and first.headers["Location"] == "/dashboard/me"
            cookie = first.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/dashboard" in cookie
        assert "Max-Age=28800" in cookie and "Secure" not in cookie  # 8 hours; plain http on loopback
        status, html = await web.get(browser, "/dashboard/me")
        assert status == 200 and "Signed in as ana" in html
        async with web.client() as other, other.post(f"{web.url}/dashboard/signin", data={"token": token}) as again:
            assert again.status == 401  # the link cannot be reused
            html = await again.text()
            assert "used, expired or not valid" in html and "Signed in" not in html


async def test_expired_forged_and_missing_sign_ins_get_the_sign_in_page_and_no_data(console, deps, clock):
    await console.people(ANA, BO)
    async with dashboard(deps) as web, web.client() as browser:
        expired = (await web.link(ANA)).rsplit("/", 1)[1]
        genuine = (await web.link(ANA)).rsplit("/", 1)[1]
        uid, rest = genuine.split(".", 1)
        async with deps.uow() as uow:
            bo = await uow.people.by_email(BO)
        forged = [f"{bo.uid}.{rest}", genuine[:-1] + ("0" if genuine[-1] != "0" else "1"), "nonsense", ""]
        clock.advance(timedelta(minutes=16))
        for token in [expired, *forged]:
            async with browser.post(f"{web.url}/dashboard/signin", data={"token": token}) as response:
                assert response.status == 401, token
        for path in PAGES:
            status, html = await web.get(browser, path)
            assert status == 401 and "Signed in" not in html and "example.com" not in html, path
        browser.cookie_jar.update_cookies({"feedbot_session": f"x.{uid}.9999999999.0000"})
        assert (await web.get(browser, "/dashboard/me"))[0] == 401  # a made-up session cookie


async def test_forms_need_the_sessions_csrf_token_and_this_servers_origin(console, deps):
    await console.people(ANA)
    await console.type("/idea Cache the wheels", as_=ANA)
    async with dashboard(deps) as web, web.client(ANA) as browser:
        csrf = await web.csrf(browser)
        vote = {"command": "idea vote 1"}
        async with browser.post(f"{web.url}/dashboard/act", data=vote) as response:
            assert response.status == 403
        async with browser.post(f"{web.url}/dashboard/act", data=vote | {"csrf": "0" * 40}) as response:
            assert response.status == 403
        async with browser.post(f"{web.url}/dashboard/act", data=vote | {"csrf": csrf},
                                headers={"Origin": "https://evil.example"}) as response:
            assert response.status == 403
        assert "Votes   0" in await console.type("/idea show 1", as_=ANA)  # refused: nothing happened
        async with browser.post(f"{web.url}/dashboard/act", data=vote | {"csrf": csrf}) as response:
            assert response.status == 200 and "You voted for idea #1" in await response.text()


async def test_sign_out_ends_the_session_even_for_a_copied_cookie(console, deps):
    await console.people(ANA)
    async with dashboard(deps) as web, web.client(ANA) as browser:
        copied = {cookie.key: cookie.value for cookie in browser.cookie_jar}
        csrf = await web.csrf(browser)
        async with browser.post(f"{web.url}/dashboard/signout", data={"csrf": csrf}) as response:
            assert response.status == 200 and "You are signed out" in await response.text()
        assert (await web.get(browser, "/dashboard/me"))[0] == 401
        async with web.client() as thief:
            thief.cookie_jar.update_cookies(copied)
            assert (await web.get(thief, "/dashboard/me"))[0] == 401


async def test_the_cookie_is_secure_over_https(deps_factory, settings, console):
    deps, chat = deps_factory(settings.model_copy(update={"dashboard": settings.dashboard.model_copy(
        update={"base_url": "https://feedbot.example.com"})}))
    out = await chat.type("/dashboard", as_=ANA)
    assert "https://feedbot.example.com/dashboard/signin/" in out
    async with dashboard(deps) as web, web.client() as browser:
        token = (await web.link(ANA)).rsplit("/", 1)[1]
        async with browser.post(f"{web.url}/dashboard/signin", data={"token": token}, allow_redirects=False) as first:
            assert "Secure" in first.headers["Set-Cookie"]


def test_the_dashboard_link_command_prints_a_link(tmp_path):
    (tmp_path / "people.csv").write_text("email,name,manager_email,team,timezone,locale\nana@example.com,Ana,,,,\n")
    assert feedbot(tmp_path, "org", "import", "people.csv").returncode == 0
    done = feedbot(tmp_path, "dashboard-link", ANA, env={"FEEDBOT_DASHBOARD__BASE_URL": "https://fb.example.com"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("https://fb.example.com/dashboard/signin/")
    missing = feedbot(tmp_path, "dashboard-link", "nobody@example.com")
    assert missing.returncode == 1 and "nobody active with the email" in missing.stderr


def test_the_dashboard_settings_are_checked():
    assert Settings().dashboard.session_hours == 8 and Settings().dashboard.link_minutes == 15
    for bad in ({"session_hours": 48}, {"base_url": "feedbot.example.com"}):
        try:
            Settings.model_validate({"dashboard": bad})
        except ValueError:
            continue
        raise AssertionError(bad)

