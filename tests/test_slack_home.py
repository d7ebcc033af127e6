"""The App Home tab: published when opened, built from the person's own views, refreshed after a press."""

from __future__ import annotations

import json

from tests.fakes.slack_api import SlackEnv, payload
from tests.fakes.slack_api import slack as slack  # the fixture


def published(env: SlackEnv) -> tuple[str, dict]:
    call = env.fake.called("views.publish")[-1]
    return call["user_id"], call["view"]


async def test_opening_the_home_tab_shows_my_dashboard(slack: SlackEnv) -> None:
    await slack.command("/goal", "add Reduce p95 latency to 200 ms")
    await slack.command("/idea", "Cache wheels in CI")
    await slack.event(payload("app_home_opened"))
    user, view = published(slack)
    assert user == "U0ANA" and view["type"] == "home" and len(view["blocks"]) <= 100
    text = json.dumps(view["blocks"], ensure_ascii=False)
    for expected in ("Reduce p95 latency", "Cache wheels in CI", "Check in"):
        assert expected in text, expected
    buttons = [e["value"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "checkin" in buttons


async def test_a_press_on_the_home_tab_opens_the_form_and_refreshes_the_tab(slack: SlackEnv) -> None:
    await slack.event(payload("app_home_opened"))
    await slack.press("checkin", home=True)
    assert slack.last_modal()["callback_id"] == "feedbot:form"
    assert len(slack.fake.called("views.publish")) == 2


async def test_a_newcomer_is_created_on_opening_the_tab_and_sees_it_in_their_language(slack: SlackEnv) -> None:
    slack.fake.add_user("U0MEI", "mei@example.com", "Mei Chen", tz="Asia/Taipei", locale="zh-TW")
    await slack.event(payload("app_home_opened") | {"user": "U0MEI"})
    _, view = published(slack)
    assert view["blocks"][0]["text"]["text"] == "feedbot — 持續回饋"  # Traditional Chinese, from zh-TW
