"""A browser on the "Add to Slack" pages: open the install page, then come back from Slack to the callback."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import aiohttp

COOKIE = "slack-app-oauth-state"
AUTHORIZE = "https://slack.test/oauth/v2/authorize"


async def start_install(session: aiohttp.ClientSession, base: str) -> str:
    """Open the Add to Slack page like a browser: its link goes to Slack with the state the cookie holds."""
    async with session.get(f"{base}/slack/install") as response:
        assert response.status == 200
        page, cookie = await response.text(), response.cookies[COOKIE].value
    found = re.search(r'href="([^"]+)"', page)
    assert found is not None
    link = urlsplit(html.unescape(found.group(1)))
    query = parse_qs(link.query)
    assert f"{link.scheme}://{link.netloc}{link.path}" == AUTHORIZE
    assert query["state"] == [cookie] and query["client_id"] == ["1.2"]
    assert "chat:write" in query["scope"][0].split(",")
    return cookie


async def callback(session: aiohttp.ClientSession, base: str, cookie: str | None = None,
                   **query: str) -> tuple[int, str]:
    """Slack sending the browser back to feedbot."""
    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
    async with session.get(f"{base}/slack/oauth_redirect", params=query, headers=headers) as response:
        return response.status, await response.text()
