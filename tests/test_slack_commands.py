"""Slash commands, buttons and messages on the wire: signed requests into the real server, then the Web API
calls feedbot made and the rows it stored."""

from __future__ import annotations

import json
from datetime import date

from bot.orgdir import import_people
from storage.models import Feedback, Goal, Idea, IdeaVote, Kudos, Person
from tests.fakes.slack_api import SlackEnv
from tests.fakes.slack_api import slack as slack  # the fixture

ORG = """email,name,manager_email,team,timezone,locale
ana@example.com,Ana Andersson,,Apps,Europe/Stockholm,en
bo@example.com,Bo Berg,ana@example.com,Apps,Europe/Stockholm,en
"""


async def person(env: SlackEnv, email: str) -> Person:
    async with env.deps.uow() as uow:
        found = await uow.people.by_email(email)
    assert found is not None
    return found


def reply_text(env: SlackEnv) -> str:
    """The last answer through a response_url: its text fallback and blocks, as one string."""
    reply = env.fake.called("response")[-1]
    return reply["text"] + json.dumps(reply["blocks"], ensure_ascii=False)


async def test_kudos_is_acked_at_once_then_answered_posted_and_sent(slack: SlackEnv) -> None:
    await slack.command("/feedbot", "help", user="U0BO")  # Bo says hello first
    status, body = await slack.command("/kudos", "<@U0BO|bo> Thanks for the release notes &amp; more #teamwork")
    assert status == 200 and body == ""
    reply = slack.fake.called("response")[-1]
    assert reply["response_type"] == "ephemeral"
    assert "<@U0BO>" in json.dumps(reply["blocks"])  # a native mention of the recipient
    # The channel post and the DM go out together (sends to different conversations may overtake each other).
    posts = {p["channel"]: p for p in slack.fake.called("chat.postMessage")}
    assert sorted(posts) == ["#kudos", "D0BO"]
    assert "Thanks for the release notes & more" in posts["#kudos"]["text"]
    assert "&amp; more" in json.dumps(posts["#kudos"]["blocks"])  # escaped again for mrkdwn
    assert await slack.count(Kudos) == 1
    ana = await person(slack, "ana@example.com")
    assert (ana.name, ana.timezone, ana.locale) == ("Ana Andersson", "Europe/Stockholm", "en")
    async with slack.deps.uow() as uow:
        account = await uow.people.account("slack", "T0FEED", "U0BO")
    assert account is not None and account.address == {"channel": "D0BO"}  # conversations.open, remembered
    await slack.command("/kudos", "<@U0BO|bo> Again #quality")
    assert len(slack.fake.called("conversations.open")) == 1


async def test_a_colleague_feedbot_has_not_met_yet_is_created_from_their_profile_and_reached(
        slack: SlackEnv) -> None:
    slack.fake.add_user("U0CY", "Cy@Example.com", "Cy Walker", tz="America/New_York", locale="sv-SE")
    await slack.command("/kudos", "<@U0CY|cy> Thanks for the review")
    assert "Kudos sent to <@U0CY>" in reply_text(slack)
    cy = await person(slack, "cy@example.com")
    assert (cy.name, cy.timezone, cy.locale) == ("Cy Walker", "America/New_York", "sv")
    assert await slack.count(Kudos) == 1
    [dm] = [p for p in slack.fake.called("chat.postMessage") if p["channel"] == "D0CY"]  # beside the channel post
    assert "gav dig kudos" in dm["text"]  # in Cy's own language


async def test_a_mention_of_a_bot_a_guest_or_someone_slack_does_not_know_is_explained_and_nothing_is_stored(
        slack: SlackEnv) -> None:
    slack.fake.add_user("U0GUEST", None, "Guest Person")
    slack.fake.add_user("U0GONE", "gone@example.com", "Gone Person")
    slack.fake.users["U0GONE"]["deleted"] = True
    for mention, name in (("<@U0GUEST|guest>", "Guest Person"), ("<@U0GONE|gone>", "Gone Person"),
                          ("<@U0NOBODY|nobody>", "nobody")):  # users.info: user_not_found; the name Slack gave
        await slack.command("/kudos", f"{mention} Thanks")
        assert f"I don't know {name} yet" in reply_text(slack)
    assert await slack.count(Kudos) == 0 and await slack.count(Person) == 0  # not even Ana: rolled back
    assert slack.fake.called("chat.postMessage") == []


async def test_someone_without_an_email_is_told_why_nothing_happens(slack: SlackEnv) -> None:
    slack.fake.add_user("U0GUEST", None, "Guest Person")
    await slack.command("/idea", "Faster builds", user="U0GUEST")
    assert "I could not find your email address" in reply_text(slack)
    assert await slack.count(Person) == 0 and await slack.count(Idea) == 0


async def test_ideas_are_posted_listed_and_voted_on_with_a_button(slack: SlackEnv) -> None:
    await slack.command("/idea", "Cache wheels in CI", user="U0BO")
    assert "#1" in reply_text(slack)
    await slack.command("/idea", "show 1")
    vote = next(e for block in slack.fake.called("response")[-1]["blocks"] if block["type"] == "actions"
                for e in block["elements"])
    assert vote["value"] == "idea vote 1" and vote["action_id"].startswith("feedbot:cmd")
    await slack.press(vote["value"])
    assert await slack.count(IdeaVote) == 1
    assert slack.fake.called("response")[-1]["url"].endswith("/U0ANA-action")  # answered where it was pressed
    await slack.command("/idea", "list")
    assert "Cache wheels in CI" in reply_text(slack)


async def test_feedback_goals_and_help(slack: SlackEnv) -> None:
    await slack.command("/feedback", "help", user="U0BO")
    await slack.command("/feedback", "<@U0BO|bo> Your demo was clear")
    assert await slack.count(Feedback) == 1
    assert slack.fake.called("chat.postMessage")[-1]["channel"] == "D0BO"  # private to Bo
    await slack.command("/goal", "add Reduce p95 latency to 200 ms by 2027-03-31")
    await slack.command("/goal", "list")
    assert "Reduce p95 latency" in reply_text(slack) and await slack.count(Goal) == 1
    await slack.command("/feedbot", "help")
    assert "/kudos" in reply_text(slack)
    await slack.command("/feedbot", "")
    assert "/kudos" in reply_text(slack)  # /feedbot alone is help


async def test_language_and_away_through_feedbot(slack: SlackEnv) -> None:
    await slack.command("/feedbot", "language sv")
    assert (await person(slack, "ana@example.com")).locale == "sv"
    await slack.command("/goal", "list")
    assert "mål" in reply_text(slack).lower()  # Swedish from now on
    await slack.command("/feedbot", "away until 2026-12-01")
    assert (await person(slack, "ana@example.com")).away_until == date(2026, 12, 1)
    await slack.command("/feedbot", "away until yesterday")
    assert slack.fake.called("response")[-1]["text"].startswith("⚠️")


async def test_a_person_whose_slack_locale_is_simplified_chinese_gets_chinese(slack: SlackEnv) -> None:
    slack.fake.add_user("U0WEI", "wei@example.com", "Wei Zhang", tz="Asia/Shanghai", locale="zh-CN")
    await slack.command("/goal", "add 学习 Rust", user="U0WEI")
    await slack.command("/feedbot", "help", user="U0WEI")
    wei = await person(slack, "wei@example.com")
    assert (wei.locale, wei.timezone) == ("zh_Hans", "Asia/Shanghai")
    assert slack.fake.called("response")[-1]["blocks"][0]["text"]["text"] == "feedbot — 持续反馈"


async def test_one_on_ones_and_the_digest(slack: SlackEnv, tmp_path) -> None:
    (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
    await import_people(slack.deps, tmp_path / "org.csv")
    await slack.command("/1on1", "add <@U0BO|bo> Career plans")
    await slack.command("/1on1", "")
    assert "Bo Berg" in reply_text(slack)
    await slack.command("/digest", "")
    assert "Bo Berg" in reply_text(slack)


async def test_messages_in_the_dm_and_mentions_in_channels_are_commands_too(slack: SlackEnv) -> None:
    from tests.fakes.slack_api import payload

    await slack.event(payload("message_im") | {"text": "goal add Learn Rust"})
    assert await slack.count(Goal) == 1
    assert slack.fake.called("chat.postMessage")[-1]["channel"] == "D0ANA"
    await slack.event(payload("app_mention") | {"text": "<@UBOT> goal list"})
    ephemeral = slack.fake.called("chat.postEphemeral")[-1]
    assert (ephemeral["channel"], ephemeral["user"]) == ("C0GENERAL", "U0ANA") and "Learn Rust" in ephemeral["text"]
    await slack.event(payload("message_im") | {"text": "edited", "subtype": "message_changed"})
    assert len(slack.fake.called("chat.postMessage")) == 1  # edits are not commands


async def test_a_check_in_typed_in_the_dm_offers_a_button_that_opens_the_modal(slack: SlackEnv) -> None:
    from tests.fakes.slack_api import payload

    await slack.event(payload("message_im") | {"text": "checkin"})
    message = slack.fake.called("chat.postMessage")[-1]
    button = next(e for block in message["blocks"] if block["type"] == "actions" for e in block["elements"])
    assert button["value"] == "checkin"
    await slack.press(button["value"])
    assert slack.last_modal()["callback_id"] == "feedbot:form"


async def test_an_expired_trigger_gives_a_button_and_an_expired_response_url_a_dm(slack: SlackEnv) -> None:
    slack.fake.fail("views.open", "expired_trigger_id")  # the work after the ack came too late to open it
    await slack.command("/checkin", "")
    button = next(e for block in slack.fake.called("response")[-1]["blocks"] if block["type"] == "actions"
                  for e in block["elements"])
    assert button["value"] == "checkin"  # pressing it brings a fresh trigger
    slack.fake.fail("response", "expired_url", status=404)
    await slack.command("/goal", "add Learn Rust")
    dm = slack.fake.called("chat.postMessage")[-1]
    assert dm["channel"] == "D0ANA" and "Learn Rust" in dm["text"]


async def test_a_failure_inside_the_core_is_answered_not_swallowed(slack: SlackEnv, monkeypatch) -> None:
    from bot.kernel.context import Feature
    from feedbot.features import COMMANDS as FEATURES

    async def broken(ctx, text):
        raise RuntimeError("a bug")

    monkeypatch.setitem(FEATURES, "goal", Feature(handle=broken, summary="", usage=""))
    status, _ = await slack.command("/goal", "list")
    assert status == 200
    assert "Something went wrong on my side, and nothing was saved" in reply_text(slack)


async def test_help_spells_the_commands_reached_through_feedbot_the_slack_way(slack: SlackEnv) -> None:
    await slack.command("/feedbot", "help")
    text = reply_text(slack)
    assert "/feedbot away until 2026-12-01" in text and "/feedbot language sv" in text
    assert "/kudos" in text and "/feedbot kudos" not in text  # commands of their own keep their slash
    await slack.command("/feedbot", "away")
    assert "/away" not in reply_text(slack).replace("/feedbot away", "")


async def test_a_response_url_that_cannot_be_reached_still_gets_the_answer_through_by_dm(slack: SlackEnv) -> None:
    await slack.command("/goal", "add Learn Rust", response_url="http://127.0.0.1:9/nobody-listens")
    dm = slack.fake.called("chat.postMessage")[-1]
    assert dm["channel"] == "D0ANA" and "Learn Rust" in dm["text"]


async def test_a_long_answer_whose_response_url_gives_out_halfway_ends_by_dm_without_repeats(slack: SlackEnv) -> None:
    from adapters.slack.inbound import Where
    from bot.kernel.views import Text, View

    long = View(blocks=[Text(text=f"row {n}") for n in range(120)])  # three messages of at most 50 blocks
    slack.fake.passes["response"] = 1
    slack.fake.fail("response", "used_url", status=404)  # the response_url takes one more answer, not two
    await slack.platform.inbound.answer(long, Where("T0FEED", "U0ANA", "C0GENERAL", slack.fake.response_url()))
    first_rows = [call["blocks"][0]["text"]["text"] for call in slack.fake.called("response")]
    first_rows += [call["blocks"][0]["text"]["text"] for call in slack.fake.called("chat.postMessage")]
    assert first_rows == ["row 0", "row 50", "row 100"]  # each part once: the first there, the rest by DM
    assert slack.fake.called("chat.postMessage")[0]["channel"] == "D0ANA"
