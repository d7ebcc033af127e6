"""A neutral Form as a Slack modal, and a submitted modal's answers back as the form's values.

The command the form stands for travels in `private_metadata` (with where to reply), so a submission is
one Interaction whatever the form is.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.slack.blocks import SURFACE_BLOCKS, Block, SlackIds, cut, plain, surface_blocks
from bot.kernel.views import Form, Input, View

CALLBACK_ID = "feedbot:form"
MODAL_TITLE = 24  # also the submit and close labels
LABEL = 2000
OPTION_TEXT = 75
OPTION_VALUE = 150
RADIO_OPTIONS = 10
SELECT_OPTIONS = 100
TEXT_INPUT = 3000
PRIVATE_METADATA = 3000
VALUE_ACTION = "value"


def form_modal(view: View, form: Form, ids: SlackIds, *, close: str, more: str,
               metadata: dict[str, str]) -> dict[str, Any]:
    """The modal: the view's other blocks (notes) first, then one input block per question."""
    inputs = [input_block(field) for field in form.inputs][:SURFACE_BLOCKS - 1]  # room for the cut note
    notes = view.model_copy(update={"blocks": [b for b in view.blocks if not isinstance(b, Form)],
                                    "title": "" if len(form.title) <= MODAL_TITLE else form.title,
                                    "field_errors": {}})
    blocks = surface_blocks(notes, ids, more, reserve=len(inputs)) if notes.blocks or notes.title else []
    private = json.dumps(metadata)
    if len(private) > PRIVATE_METADATA:  # keep the command; the answer then goes by DM instead
        private = json.dumps({"c": metadata["c"]})
    return {"type": "modal", "callback_id": CALLBACK_ID, "private_metadata": private,
            "title": _plain(form.title, MODAL_TITLE), "submit": _plain(form.submit_label, MODAL_TITLE),
            "close": _plain(close, MODAL_TITLE), "blocks": blocks + inputs}


def notice_modal(view: View, ids: SlackIds, *, close: str, more: str) -> dict[str, Any]:
    """A modal that only tells something (a submission the core refused as a whole): no submit button."""
    body = view.model_copy(update={"title": ""})
    return {"type": "modal", "callback_id": CALLBACK_ID, "title": _plain(view.title or "feedbot", MODAL_TITLE),
            "close": _plain(close, MODAL_TITLE), "blocks": surface_blocks(body, ids, more)}


def input_block(field: Input) -> Block:
    block: Block = {"type": "input", "block_id": field.name, "optional": field.optional,
                    "label": _plain(field.label, LABEL), "element": _element(field)}
    if field.hint:
        block["hint"] = _plain(field.hint, LABEL)
    return block


def _element(field: Input) -> Block:
    if field.kind == "choice":
        options = [{"text": _plain(label or value, OPTION_TEXT), "value": value[:OPTION_VALUE]}
                   for value, label in field.options]
        chosen = next(({"initial_option": o} for o in options if field.value and o["value"] == field.value), {})
        if len(options) <= RADIO_OPTIONS:
            return {"type": "radio_buttons", "action_id": VALUE_ACTION, "options": options} | chosen
        return {"type": "static_select", "action_id": VALUE_ACTION, "options": options[:SELECT_OPTIONS]} | chosen
    element = {"type": "plain_text_input", "action_id": VALUE_ACTION, "multiline": field.kind == "multiline",
               "max_length": TEXT_INPUT}
    return element | ({"initial_value": field.value[:TEXT_INPUT]} if field.value else {})


def _plain(text: str, limit: int) -> dict[str, str]:
    return {"type": "plain_text", "text": cut(plain(text), limit) or "…"}


def submitted_values(state: dict[str, Any]) -> dict[str, str]:
    """view.state.values[block_id][action_id] → {input name: answer}; empty answers as ""."""
    values: dict[str, str] = {}
    for block_id, actions in (state.get("values") or {}).items():
        element = actions.get(VALUE_ACTION) or {}
        selected = element.get("selected_option")
        values[block_id] = (selected or {}).get("value") or element.get("value") or ""
    return values


def read_metadata(view: dict[str, Any]) -> dict[str, str]:
    """What form_modal put in `private_metadata`; anything else there (not JSON, not an object, values that
    are not text) is not ours and is left out."""
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return {}
    return {key: value for key, value in data.items() if isinstance(value, str)} if isinstance(data, dict) else {}
