"""Neutral views → Block Kit (pure): escaping, native mentions, and every limit of PLATFORM §1.9."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.slack.blocks import UNCUTTABLE, chunks, cut, mrkdwn, pages, render_blocks, surface_blocks
from adapters.slack.modals import form_modal, submitted_values
from bot.kernel.views import Button, Buttons, Fields, Form, Input, Text, View, mention

UID = "0" * 31 + "1"


def test_text_is_escaped_and_mentions_are_native_where_the_person_has_a_slack_id() -> None:
    view = View(blocks=[Text(text=f"{mention(UID, 'Bo')} & {mention('2' * 32, 'Cy')} <b>")])
    block = render_blocks(view, {UID: "U0BO"}).blocks[0]
    assert block["text"]["text"] == "<@U0BO> &amp; *@Cy* &lt;b&gt;"
    assert pages(view, {UID: "U0BO"}, "more")[0].text == "@Bo & @Cy <b>"  # the notification text stays plain


def test_fields_buttons_and_long_text_are_split_at_their_limits() -> None:
    view = View(title="T", blocks=[
        Fields(fields=[(f"L{n}", "v") for n in range(23)]),
        Buttons(buttons=[Button(label="x" * 100, command=f"idea vote {n}") for n in range(30)]),
        Text(text="line\n" * 1500)])
    blocks = render_blocks(view, {}).blocks
    assert [len(b["fields"]) for b in blocks if "fields" in b] == [10, 10, 3]
    actions = [b["elements"] for b in blocks if b["type"] == "actions"]
    assert [len(a) for a in actions] == [25, 5]
    assert len({e["action_id"] for a in actions for e in a}) == 30  # unique within the message
    assert all(len(e["text"]["text"]) <= 75 for a in actions for e in a)
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]
    assert len(sections) == 3 and all(len(s) <= 3000 for s in sections)
    assert "".join(sections).count("line") == 1500  # nothing lost in the split


def test_a_view_beyond_four_messages_is_cut_with_a_note() -> None:
    view = View(blocks=[Text(text=f"row {n}") for n in range(300)])
    result = pages(view, {}, "… and more")
    assert len(result) == 4 and all(len(p.blocks) <= 50 for p in result)
    assert result[-1].blocks[-1]["elements"][0]["text"] == "… and more"
    assert len(surface_blocks(view, {}, "… and more")) == 100


def test_a_form_becomes_a_modal_within_its_limits_and_answers_come_back_by_input_name() -> None:
    many = [(str(n), f"Option {n}") for n in range(1, 13)]
    form = Form(title="A very long survey title indeed", command="pulse submit 3", submit_label="Send my answers now",
                inputs=[Input(name="q1", label="Pick", kind="choice", options=many[:5]),
                        Input(name="q2", label="Pick more", kind="choice", options=many),
                        Input(name="q3", label="Say", kind="multiline", optional=True, hint="optional")])
    modal = form_modal(View(blocks=[Text(text="Anonymous."), form]), form, {}, close="Cancel", more="…",
                       metadata={"c": form.command})
    assert len(modal["title"]["text"]) <= 24 and len(modal["submit"]["text"]) <= 24
    kinds = {b["block_id"]: b["element"]["type"] for b in modal["blocks"] if b["type"] == "input"}
    assert kinds == {"q1": "radio_buttons", "q2": "static_select", "q3": "plain_text_input"}
    state = {"values": {"q1": {"value": {"type": "radio_buttons", "selected_option": {"value": "4"}}},
                        "q2": {"value": {"type": "static_select", "selected_option": None}},
                        "q3": {"value": {"type": "plain_text_input", "value": None}}}}
    assert submitted_values(state) == {"q1": "4", "q2": "", "q3": ""}


def test_private_metadata_stays_within_3000_characters_and_keeps_the_command() -> None:
    form = Form(title="Check-in", command="checkin submit 2026-W48", submit_label="Send",
                inputs=[Input(name="well", label="What went well?")])
    modal = form_modal(View(blocks=[form]), form, {}, close="Cancel", more="…",
                       metadata={"c": form.command, "ch": "C0GENERAL", "r": "https://hooks.slack.com/" + "x" * 3000})
    assert len(modal["private_metadata"]) <= 3000
    assert json.loads(modal["private_metadata"]) == {"c": "checkin submit 2026-W48"}  # the answer then goes by DM


def test_a_home_tab_full_of_chinese_stays_under_slacks_250_kb() -> None:
    view = View(blocks=[Text(text="反馈" * 1400) for _ in range(120)])  # 2,800 characters a section
    blocks = surface_blocks(view, {}, "…")
    assert len(blocks) <= 100 and len(json.dumps({"type": "home", "blocks": blocks})) < 250_000


# Core text made of what mrkdwn escapes or turns into tokens, words without spaces, and mentions.
PIECES = st.one_of(st.sampled_from(["&", "<", ">", "a", "语", " ", "\n", "&lt;", "<b>"]),
                   st.builds(mention, st.sampled_from([UID, "2" * 32]), st.sampled_from(["Bo", "Cy Lind"])))


def unbroken(text: str) -> bool:
    """Every escape and mention whole: once they are taken out, no &, < or > is left."""
    return not any(c in UNCUTTABLE.sub("", text) for c in "&<>")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(PIECES, max_size=400).map("".join), st.integers(min_value=8, max_value=60))
def test_slack_text_is_never_cut_inside_an_escape_or_a_mention(text: str, limit: int) -> None:
    shown = mrkdwn(text, {UID: "U0BO"})
    assert unbroken(cut(shown, limit)) and len(cut(shown, limit)) <= limit
    pieces = chunks(shown, limit)
    assert all(unbroken(piece) and len(piece) <= limit for piece in pieces)


def test_long_sections_without_spaces_and_fields_keep_their_escapes_and_mentions() -> None:
    word = "&<>" * 2000 + mention(UID, "Bo") * 300  # no space anywhere: cut where the limit falls
    view = View(blocks=[Text(text=word), Fields(fields=[("k", word)])])
    blocks = render_blocks(view, {UID: "U0BO"}).blocks
    texts = [b["text"]["text"] for b in blocks if "text" in b]
    texts += [f["text"] for b in blocks for f in b.get("fields", [])]
    assert len(texts) > 3 and all(unbroken(text) for text in texts)
    assert all(len(text) <= 3000 for text in texts)
