"""Withdrawn and edited messages on the Slack wire: chat.delete and chat.update of what was sent, by its ts."""

from __future__ import annotations

import json
import re

from bot.kernel.outbox import Recipient
from bot.kernel.views import Text, View
from storage.models import Kudos
from tests.fakes.slack_api import SlackEnv
from tests.fakes.slack_api import slack as slack  # the fixture


async def test_kudos_undo_deletes_the_channel_post_and_the_dm(slack: SlackEnv) -> None:
    await slack.command("/feedbot", "help", user="U0BO")
    await slack.command("/kudos", "<@U0BO|bo> Thanks for the release notes")
    posted = {(p["channel"]): p for p in slack.fake.called("chat.postMessage")}
    assert set(posted) == {"#kudos", "D0BO"}
    slack.fake.clear()
    await slack.command("/kudos", "undo")
    deleted = sorted((c["channel"], c["ts"]) for c in slack.fake.called("chat.delete"))
    assert len(deleted) == 2 and {channel for channel, _ in deleted} == {"#kudos", "D0BO"}
    assert all(re.fullmatch(r"\d{10}\.\d{6}", ts) for _, ts in deleted)  # Slack's ts, as posted
    assert slack.fake.called("chat.postMessage") == []  # withdrawn in place: no notice on top
    assert "taken back" in json.dumps(slack.fake.called("response")[-1])
    assert await slack.count(Kudos) == 0


async def test_a_message_slack_no_longer_has_is_withdrawn_all_the_same(slack: SlackEnv) -> None:
    await slack.command("/feedbot", "help", user="U0BO")
    await slack.command("/kudos", "<@U0BO|bo> Thanks")
    slack.fake.clear()
    slack.fake.fail("chat.delete", "message_not_found", times=2)
    await slack.command("/kudos", "undo")
    assert len(slack.fake.called("chat.delete", refused=True)) == 2
    assert slack.fake.called("chat.postMessage") == []


async def test_a_message_that_cannot_be_deleted_gets_a_notice_instead(slack: SlackEnv) -> None:
    await slack.command("/feedbot", "help", user="U0BO")
    await slack.command("/kudos", "<@U0BO|bo> Thanks")
    slack.fake.clear()
    slack.fake.fail("chat.delete", "cant_delete_message", times=2)
    await slack.command("/kudos", "undo")
    notices = slack.fake.texts()
    assert len(notices) == 2 and all("took back their kudos: Thanks" in text for text in notices)


async def test_a_replacement_updates_the_one_message_in_place(slack: SlackEnv) -> None:
    messenger = slack.platform.messenger
    receipt = await messenger.send(Recipient(channel="#kudos"), View(blocks=[Text(text="first")]))
    assert receipt["platform"] == "slack" and len(receipt["ts"]) == 1
    assert await messenger.amend(receipt, View(blocks=[Text(text="second")], ephemeral=False))
    update = slack.fake.called("chat.update")[-1]
    assert (update["channel"], update["ts"]) == ("#kudos", receipt["ts"][0]) and "second" in update["text"]
    assert not await messenger.amend({"platform": "teams", "activities": ["x"]}, None)
