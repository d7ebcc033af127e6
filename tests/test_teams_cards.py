"""The pure translations: neutral views → Adaptive Cards, and Teams activity JSON → command text."""

from __future__ import annotations

import base64
import json

from adapters.teams import inbound
from adapters.teams.cards import CARD_VERSION, render_card, submitted
from adapters.teams.connector import to_activity
from bot.kernel.views import Button, Buttons, Chart, Divider, Fields, Form, Input, Text, View, mention
from tests.fakes.teams_connector import payload

UID = "0123456789abcdef0123456789abcdef"
TEAMS_LIMIT = 28 * 1024  # what the narrowest path a card may take accepts (PLATFORM §2.4)
FORM = Form(title="Check-in", command="checkin submit 2026-W48", submit_label="Send", inputs=[
    Input(name="well", label="What went well?", kind="multiline", hint="a sentence or two"),
    Input(name="mood", label="Mood", kind="choice", options=[(str(n), str(n)) for n in range(1, 6)]),
    Input(name="blockers", label="Blockers", optional=True)])


def elements(card: dict, kind: str) -> list[dict]:
    return [e for e in card["body"] if e["type"] == kind]


def test_a_card_is_a_version_teams_renders_with_a_plain_text_fallback():
    view = View(title="Idea #1", blocks=[Text(text=f"by {mention(UID, 'Ana')}"), Divider(),
                                         Fields(fields=[("Status", "new"), ("Votes", "2")])])
    card = render_card(view)
    assert card["type"] == "AdaptiveCard" and card["version"] == CARD_VERSION == "1.5"
    assert card["body"][1]["text"] == "by **@Ana**"
    assert elements(card, "FactSet")[0]["facts"] == [{"title": "Status", "value": "new"},
                                                     {"title": "Votes", "value": "2"}]
    assert elements(card, "FactSet")[0]["separator"] is True
    assert card["fallbackText"] == "Idea #1\nby @Ana\nStatus: new\nVotes: 2"


def test_buttons_submit_the_command_they_stand_for():
    card = render_card(View(blocks=[Buttons(buttons=[Button(label="Vote", command="idea vote 3", style="primary"),
                                                      Button(label="Show", command="idea show 3")])]))
    actions = elements(card, "ActionSet")[0]["actions"]
    assert [(a["type"], a["title"], a["data"]) for a in actions] == [
        ("Action.Submit", "Vote", {"feedbot": "idea vote 3"}), ("Action.Submit", "Show", {"feedbot": "idea show 3"})]
    assert actions[0]["style"] == "positive" and "style" not in actions[1]


def test_a_form_becomes_inputs_and_a_submit_that_carries_the_command_and_the_form():
    card = render_card(View(title="Week 48", blocks=[FORM]))
    text, choice, optional = [e for e in card["body"] if e["type"].startswith("Input.")]
    assert text == {"type": "Input.Text", "id": "well", "label": "What went well?", "isRequired": True,
                    "isMultiline": True, "maxLength": 2000, "placeholder": "a sentence or two"}
    assert choice["type"] == "Input.ChoiceSet" and choice["style"] == "expanded"
    assert [c["value"] for c in choice["choices"]] == ["1", "2", "3", "4", "5"]
    assert optional["isRequired"] is False
    submit = elements(card, "ActionSet")[0]["actions"][0]
    assert submit["data"]["feedbot"] == "checkin submit 2026-W48"
    command, answers, form = submitted({**submit["data"], "well": "shipped", "mood": "4", "msteams": {"x": 1}})
    assert command == "checkin submit 2026-W48" and answers == {"well": "shipped", "mood": "4"}
    assert form is not None and form.form() == FORM and form.title == "Week 48"


def test_errors_stand_under_their_inputs_and_the_answers_are_kept():
    view = View(title="Week 48", blocks=[Text(text="Some answers need another look."), FORM],
                field_errors={"mood": "Pick a mood from 1 to 5.", "other": "Something else."})
    card = render_card(view, {"well": "shipped", "mood": "9"})
    types = [(e["type"], e.get("id") or e.get("text")) for e in card["body"]]
    mood = types.index(("Input.ChoiceSet", "mood"))
    assert types[mood + 1] == ("TextBlock", "Pick a mood from 1 to 5.")
    assert card["body"][mood + 1]["color"] == "attention"
    assert ("TextBlock", "Something else.") in types
    assert next(e for e in card["body"] if e.get("id") == "well")["value"] == "shipped"


def test_a_chart_is_an_inline_png_image():
    card = render_card(View(blocks=[Chart(title="Mood", labels=["W46", "W47", "W48"],
                                          series=[("Team", [3.0, None, 4.5])])]))
    image = elements(card, "Image")[0]
    assert image["altText"] == "Mood"
    prefix = "data:image/png;base64,"
    assert image["url"].startswith(prefix)
    assert base64.b64decode(image["url"][len(prefix):])[:8] == b"\x89PNG\r\n\x1a\n"


def sent(card: dict) -> int:
    """Bytes of the message carrying `card` as botbuilder posts it (msrest's json.dumps), images not counted."""
    body = [e | {"url": ""} if e["type"] == "Image" else e for e in card["body"]]
    return len(json.dumps(to_activity(card | {"body": body}).serialize()).encode())


def test_a_huge_view_is_cut_to_fit_never_refused_and_keeps_its_chart():
    view = View(title="Digest", blocks=[Chart(title="Mood", labels=["a", "b"], series=[("x", [1.0, 2.0])])]
                + [Text(text=f"Line {n} " + "x" * 500) for n in range(200)])
    card = render_card(view)
    assert sent(card) <= TEAMS_LIMIT and elements(card, "Image")  # images do not count toward Teams' limit
    assert card["body"][-1]["text"] == "…" and card["body"][0]["text"] == "Digest"


CHINESE = "本周团队完成了发布并改进了构建速度，" * 8  # 144 characters: 432 bytes in UTF-8, 864 as sent


def test_chinese_cards_near_the_limit_are_measured_as_they_are_sent():
    """Between 13 and 26 KB in UTF-8, but \\uXXXX-escaped on the wire: they used to go out over 28 KB."""
    digest = View(title="每周摘要", blocks=[Chart(title="心情", labels=["a", "b"], series=[("x", [1.0, 2.0])]),
                                          *(Text(text=f"{n}. {CHINESE}") for n in range(50))])
    form = View(title="签到", blocks=[Form(title="第48周", command="checkin submit 2026-W48", submit_label="发送",
                                          inputs=[Input(name=f"q{n}", label=CHINESE, hint=CHINESE[:40])
                                                  for n in range(25)])])
    for view in (digest, form):
        assert sent(render_card(view)) <= TEAMS_LIMIT
    assert elements(render_card(digest), "Image") and render_card(digest)["body"][-1]["text"] == "…"


def test_an_error_view_is_shown_in_the_attention_colour():
    card = render_card(View(blocks=[Text(text="No such idea.")], is_error=True))
    assert card["body"][0]["color"] == "attention"


def test_the_command_text_loses_the_bot_mention_and_people_become_mention_tokens():
    activity = payload("channel_mention")
    text, people = inbound.command_text(activity)
    assert text == "kudos @Ana Berg great demo"
    assert people == [inbound.Mentioned(token="@Ana Berg", teams_id="29:1teams-user-0002", name="Ana Berg")]
    assert inbound.is_addressed(activity) and not inbound.is_personal(activity)
    activity["entities"] = activity["entities"][1:]
    assert not inbound.is_addressed(activity)


def test_tenant_time_zone_locale_and_dedup_key_come_from_the_raw_activity():
    activity = payload("personal_message")
    assert inbound.tenant_of(activity) == "72f988bf-0000-0000-0000-00000000feed"
    assert inbound.timezone_of(activity) == "Europe/Stockholm"
    del activity["localTimezone"]
    assert inbound.timezone_of(activity) == "Europe/Stockholm"  # from clientInfo
    assert inbound.locale_of(activity) == "en-US"
    assert inbound.dedup_key(activity) == "a:1personal-conversation|1763888400000"


def test_card_submissions_from_action_submit_and_action_execute():
    assert inbound.card_submission(payload("action_submit")) == {"feedbot": "idea vote 1"}
    assert inbound.card_submission(payload("adaptive_card_action")) == {"feedbot": "idea vote 1"}
    assert inbound.card_submission(payload("personal_message")) is None


def test_install_events():
    assert inbound.bot_was_added(payload("installation_update"))
    assert inbound.bot_was_added(payload("conversation_update"))
    removed = {**payload("installation_update"), "action": "remove"}
    assert inbound.bot_was_removed(removed) and not inbound.bot_was_added(removed)


def test_each_line_is_its_own_text_block_and_markdown_in_it_is_escaped():
    text = f"Ideas:\n#1 [win](https://x.example) by {mention(UID, 'A_na')}\n\nEnd"
    card = render_card(View(blocks=[Text(text=text)]))
    assert [(e["text"], e.get("spacing")) for e in card["body"]] == [
        ("Ideas:", None), (r"#1 \[win\](https://x.example) by **@A\_na**", "none"), ("End", "medium")]
    assert card["fallbackText"] == "Ideas:\n#1 [win](https://x.example) by @A_na\n\nEnd", "plain text stays plain"
