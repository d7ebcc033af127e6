"""The dashboard in a real browser: Debian's chromium, headless, driven by Playwright (one browser for the module).

Left out, said once in the summary, when chromium or Playwright is missing (`scripts/browser` installs chromium);
CI sets FEEDBOT_REQUIRE_BROWSER=1 so they always run there. FEEDBOT_SCREENSHOTS=docs/images keeps the screenshots.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_org import ADMIN, ANA, APPS, BrowserOrg

pytestmark = pytest.mark.browser
CHROMIUM = os.environ.get("FEEDBOT_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserOrg]:
    org = BrowserOrg(tmp_path_factory.mktemp("browser"))
    yield org
    org.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    yield context.new_page()
    context.close()


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def screenshot(page: Any, name: str, tmp_path: Path) -> None:
    path = tmp_path / f"dashboard-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    keep = os.environ.get("FEEDBOT_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)


def sign_in(page: Any, org: BrowserOrg, email: str) -> None:
    page.goto(org.link(email))  # the page posts the link's token by itself
    page.wait_for_url("**/dashboard/me")


def test_sign_in_with_a_link_and_see_the_team_page_with_its_chart(page, org, tmp_path):
    sign_in(page, org, ANA)
    expect(page.get_by_text("Signed in as Ana Lima")).to_be_visible()
    screenshot(page, "me", tmp_path)
    page.get_by_role("link", name="Team").click()
    page.wait_for_url("**/dashboard/team")
    chart = page.locator("svg.chart").first
    expect(chart).to_be_visible()
    assert chart.get_attribute("role") == "img"
    expect(page.get_by_text("Waiting for the staging VPN")).to_be_visible()
    screenshot(page, "team", tmp_path)
    page.get_by_role("link", name="Pulse").click()
    expect(page.get_by_text("Apps: 6 answers")).to_be_visible()
    screenshot(page, "pulse", tmp_path)


def test_sign_in_with_slack_through_the_identity_provider(page, org, tmp_path):
    page.goto(f"{org.dashboard.url}/dashboard/")
    screenshot(page, "signin", tmp_path)
    page.get_by_role("link", name="Sign in with Slack").click()  # to the fake provider, and straight back
    page.wait_for_url("**/dashboard/me", timeout=10_000)
    expect(page.get_by_text("Signed in as Ana Lima")).to_be_visible()
    assert org.idp.authorized[-1]["code_challenge_method"] == "S256"


def test_move_an_idea_on_the_board(page, org, tmp_path):
    sign_in(page, org, ADMIN)
    page.get_by_role("link", name="Ideas").click()
    card = page.locator("#idea-1")
    expect(card.get_by_text("4", exact=True)).to_be_visible()  # its votes
    expect(page.locator("#idea-2").get_by_text("anonymous")).to_be_visible()
    screenshot(page, "ideas", tmp_path)
    card.get_by_label("Move to").select_option("accepted")
    card.get_by_label("Note for its author and voters").fill("Trial on Apps")
    card.get_by_role("button", name="Move it").click()
    expect(page.get_by_text("Idea #1 moved from new to accepted (plan)")).to_be_visible()
    page.get_by_role("link", name="Back").click()
    expect(page.locator('[data-status="accepted"] #idea-1')).to_be_visible()


def test_objectives_and_plans_on_me_and_team(page, org, tmp_path):
    sign_in(page, org, APPS[0])
    bar = page.get_by_role("progressbar", name="2.1 Cut p95 latency")
    expect(bar).to_be_visible(timeout=5000)
    assert bar.get_attribute("value") == "64"
    expect(page.get_by_text("serves #1 Make the app fast")).to_be_visible(timeout=5000)
    expect(page.locator(".confidence.off-track")).to_have_text("off track", timeout=5000)
    expect(page.get_by_text("Learn query tuning")).to_be_visible(timeout=5000)
    screenshot(page, "objectives", tmp_path)
    sign_in(page, org, ANA)
    page.goto(f"{org.dashboard.url}/dashboard/team")
    attention = page.locator('section[aria-labelledby="team-objectives"]')
    expect(attention.get_by_role("heading", name="@Bo Nilsson")).to_be_visible(timeout=5000)
    expect(attention.get_by_role("progressbar", name="2.1 Cut p95 latency")).to_be_visible(timeout=5000)


def test_a_report_is_refused_their_managers_team_page(page, org):
    sign_in(page, org, APPS[0])
    response = page.goto(f"{org.dashboard.url}/dashboard/team/{org.uid(ANA)}")
    assert response.status == 403
    expect(page.get_by_text("This is another manager's team")).to_be_visible()
    assert page.get_by_text("Waiting for the staging VPN").count() == 0


def test_sign_out_and_the_pages_are_closed(page, org):
    sign_in(page, org, APPS[1])
    page.keyboard.press("Tab")  # the first stop is the skip link, for keyboard users
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    response = page.goto(f"{org.dashboard.url}/dashboard/me")
    assert response.status == 401 and page.get_by_text("Signed in as").count() == 0


def test_on_a_phone_in_swedish(browser, org, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE", is_mobile=True)
    page = context.new_page()
    try:
        page.goto(org.link("yu@example.com"))  # Yu's language is Traditional Chinese, from the org file
        page.wait_for_url("**/dashboard/me")
        expect(page.get_by_role("button", name="登出")).to_be_visible()
        page.goto(f"{org.dashboard.url}/dashboard/ideas")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width  # no sideways scrolling on a phone
        screenshot(page, "phone", tmp_path)
    finally:
        context.close()
