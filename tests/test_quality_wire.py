"""Issue 10 on the wire: the digest's control chart reaches Slack as an uploaded PNG and Teams as an inline one,
with its limits drawn and its signal ringed; recognition at Act is a post in Slack's kudos channel naming the
contributors with the measured effect, while an anonymous author is thanked by a private message only."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

from PIL import Image

from bot.kernel.charts import LIMIT
from bot.orgdir import import_people
from tests.fakes.slack_api import SlackEnv
from tests.fakes.slack_api import slack as slack  # the fixture
from tests.fakes.teams_connector import TeamsHarness, card_text, user
from tests.test_quality_signals import MONDAY, ORG, STEADY, moods

SHIFTED = [*STEADY, [1, 1, 2, 1, 1]]  # ten steady weeks of Ana's five reports, then week 48 far below


def limit_pixels(png: bytes) -> int:
    """How many pixels have the colour of a control chart's limits and signal rings."""
    colours = Image.open(io.BytesIO(png)).convert("RGB").getcolors(maxcolors=1 << 16) or []
    return sum(count for count, colour in colours if colour == LIMIT)


async def import_org(deps, tmp_path: Path, text: str) -> None:
    (tmp_path / "org.csv").write_text(text, encoding="utf-8")
    await import_people(deps, tmp_path / "org.csv")


async def test_slack_digest_names_the_signal_and_uploads_its_control_chart(slack: SlackEnv, tmp_path) -> None:
    await import_org(slack.deps, tmp_path, ORG)
    await moods(slack.deps, SHIFTED)
    slack.deps.clock.set(MONDAY)
    await slack.command("/digest", "", user="U0ANA")
    [reply] = slack.fake.called("response")  # the text answers the command; the images follow by DM
    assert "⚠ Mood of your team, week 48: a point beyond the control limits, down." in reply["text"]
    uploads = slack.fake.called("files.completeUploadExternal")
    titles = [file["title"] for call in uploads for file in call["files"]]
    assert titles == ["Mood, 1–5, last 8 weeks", "Mood of your team: control chart"]
    assert {call["channel_id"] for call in uploads} == {"D0ANA"}
    assert all(call["png"] for call in slack.fake.called("upload"))


async def test_teams_digest_in_chinese_carries_the_control_chart_with_its_limits_and_ringed_signal(
        database, clock, catalogs, tmp_path) -> None:
    ana = user("Ana Lima", "ana@example.com", 2)
    teams = await TeamsHarness.start(database, clock, catalogs)
    try:
        await import_org(teams.deps, tmp_path, ORG.replace("ana@example.com,Ana Lima,,Apps,UTC,en",
                                                           "ana@example.com,Ana Lima,,Apps,UTC,zh_Hant"))
        await moods(teams.deps, SHIFTED)
        clock.set(MONDAY)
        [digest] = [a for a in await teams.say(ana, "digest") if "每週摘要" in card_text(a)]
        text = card_text(digest)
        assert "⚠ 你團隊的心情，第 48 週：有一個點超出管制界限，向下。" in text
        images = {e["altText"]: e["url"] for e in digest["attachments"][0]["content"]["body"] if e["type"] == "Image"}
        chart = images["你團隊的心情：管制圖"]
        png = base64.b64decode(chart.removeprefix("data:image/png;base64,"))
        quiet = [name for name in images if name != "你團隊的心情：管制圖"]
        assert limit_pixels(png) > 100  # two dashed limit lines and the ring around week 48
        assert all(limit_pixels(base64.b64decode(images[n].split(",", 1)[1])) == 0 for n in quiet)
    finally:
        await teams.close()


async def test_slack_kudos_channel_thanks_the_contributors_and_never_the_anonymous_author(slack: SlackEnv) -> None:
    from storage.models import Kudos

    await slack.command("/idea", "--anon Cache wheels in CI", user="U0BO")
    await slack.command("/idea", "comment 1 I can run the trial", user="U0ANA")
    for line in ("status 1 accepted", "measure 1 baseline 11 target 6 minutes", "measure 1 result 5.5",
                 "status 1 doing", "status 1 checking", "status 1 adopted Rolled out"):
        await slack.command("/idea", line, user="U0ADMIN")
    posts = [m for m in slack.fake.called("chat.postMessage") if m["channel"] == "#kudos"]
    assert len(posts) == 1
    post = json.dumps(posts[0], ensure_ascii=False)
    assert posts[0]["text"].startswith("Idea #1 is adopted: thank you, @Ana Andersson\n")  # as kudos posts name
    assert "11 → 5.5 minutes against a target of 6: -50%; the target is met." in post and "#teamwork" in post
    assert "U0BO" not in post and "Bo" not in post
    to_bo = json.dumps([m for m in slack.fake.called("chat.postMessage") if m["channel"] == "D0BO"],
                       ensure_ascii=False)
    assert "Thank you: your idea #1 is adopted" in to_bo and "Only you know it was yours" in to_bo
    assert await slack.count(Kudos) == 1
