"""View → Adaptive Card (a plain dict; pure). Teams renders Adaptive Cards up to version 1.5.

Buttons and forms submit with Action.Submit; its data carries the command the press stands for (`feedbot`)
and, for a form, the form's own view (`feedbot_form`), so a refused answer can be shown again in the same
card with the errors under the inputs and the answers kept.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from bot.kernel.charts import render_png
from bot.kernel.views import MENTION, Buttons, Chart, Divider, Fields, Form, Input, Text, View, plain_mentions

CARD_VERSION = "1.5"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
COMMAND_KEY = "feedbot"
FORM_KEY = "feedbot_form"
# Cards may travel through paths limited to ~28 KB (PLATFORM §2.4), measured as sent: trailing blocks go first.
MAX_CARD_BYTES = 26_000
STYLES = {"primary": "positive", "danger": "destructive"}
MARKDOWN = re.compile(r"([\\`*_\[\]<>])")  # what TextBlock Markdown reads as links, emphasis, code or tags


def render_card(view: View, values: dict[str, str] | None = None,
                people: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The whole view as one card; `values` pre-fills a form that is shown again; `people` (person uid → Teams
    user id) turns their inline mentions into Teams mentions, which notify them."""
    people = people or {}
    body: list[dict[str, Any]] = []
    if view.title:
        body.append(_text(view.title, people, weight="bolder", size="medium",
                          **({"color": "attention"} if view.is_error else {})))
    separate = False
    for block in view.blocks:
        if isinstance(block, Divider):
            separate = True
            continue
        elements = _block(block, view, values or {}, people)
        if separate and elements:
            elements[0]["separator"] = True
            separate = False
        body.extend(elements)
    shown = view.form()
    names = {i.name for i in shown.inputs} if shown else set()
    body.extend(_text(message, color="attention") for name, message in view.field_errors.items()
                if name not in names)  # errors of inputs shown in the card stand under those inputs
    if view.is_error and not view.title and body and body[0].get("type") == "TextBlock":
        body[0]["color"] = "attention"
    card = {"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": CARD_VERSION, "body": body, "fallbackText": view.fallback_text()[:1000],
            "msteams": {"width": "Full", **_mentions(view, people)}}
    return fit(card)


def _block(block: object, view: View, values: dict[str, str], people: Mapping[str, str]) -> list[dict[str, Any]]:
    if isinstance(block, Text):
        return _lines(block.text, people)
    if isinstance(block, Fields):
        return [{"type": "FactSet", "facts": [{"title": _inline(label), "value": _inline(value)}
                                              for label, value in block.fields]}]
    if isinstance(block, Buttons):
        return [{"type": "ActionSet", "actions": [_submit(b.label, {COMMAND_KEY: b.command}, b.style)
                                                  for b in block.buttons]}]
    if isinstance(block, Chart):
        png = base64.b64encode(render_png(block)).decode("ascii")
        return [_text(block.title, weight="bolder"),
                {"type": "Image", "url": f"data:image/png;base64,{png}", "altText": block.title, "size": "stretch"}]
    if isinstance(block, Form):
        return _form(block, view, values)
    return []


def _form(form: Form, view: View, values: dict[str, str]) -> list[dict[str, Any]]:
    elements: list[dict[str, Any]] = [_text(form.title, weight="bolder")]
    for field in form.inputs:
        elements.append(_input(field, values.get(field.name) or field.value))
        if field.name in view.field_errors:
            elements.append(_text(view.field_errors[field.name], color="attention", spacing="none"))
    # The form alone (no errors, no answers) travels with the submit, to be shown again if refused.
    original = View(title=view.title, blocks=[form], locale=view.locale).model_dump(mode="json")
    elements.append({"type": "ActionSet", "actions": [
        _submit(form.submit_label, {COMMAND_KEY: form.command, FORM_KEY: original}, "primary")]})
    return elements


def _input(field: Input, value: str | None) -> dict[str, Any]:
    common: dict[str, Any] = {"id": field.name, "label": plain_mentions(field.label),
                              "isRequired": not field.optional}
    if field.kind == "choice":
        element = {"type": "Input.ChoiceSet", **common,
                   "style": "expanded" if len(field.options) <= 5 else "compact",
                   "choices": [{"title": label or key, "value": key} for key, label in field.options]}
    else:
        element = {"type": "Input.Text", **common, "isMultiline": field.kind == "multiline", "maxLength": 2000}
    if field.hint:
        element["placeholder"] = field.hint
    if value:
        element["value"] = value
    return element


def _submit(title: str, data: dict[str, Any], style: str) -> dict[str, Any]:
    action: dict[str, Any] = {"type": "Action.Submit", "title": plain_mentions(title), "data": data}
    if style in STYLES:
        action["style"] = STYLES[style]
    return action


def _text(text: str, people: Mapping[str, str] | None = None, **extra: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": _inline(text, people), "wrap": True, **extra}


def _lines(text: str, people: Mapping[str, str]) -> list[dict[str, Any]]:
    """One TextBlock per line: a single newline inside a TextBlock is Markdown's soft break, not a new line."""
    blocks: list[dict[str, Any]] = []
    gap = False
    for line in text.split("\n"):
        if not line.strip():
            gap = bool(blocks)
            continue
        blocks.append(_text(line, people) if not blocks else _text(line, people, spacing="medium" if gap else "none"))
        gap = False
    return blocks


def _inline(text: str, people: Mapping[str, str] | None = None) -> str:
    """Core text as TextBlock Markdown: the people's words escaped, so `[prize](https://…)` in a kudos stays
    text and is no link; inline mentions as Teams mentions for `people`, else as bold @Name."""
    parts, last = [], 0
    for match in MENTION.finditer(text):
        uid, name = match.groups()
        parts += [_escape(text[last:match.start()]), _at(name) if uid in (people or {}) else f"**@{_escape(name)}**"]
        last = match.end()
    return "".join([*parts, _escape(text[last:])])


def _at(name: str) -> str:
    return f"<at>{name.replace('<', '').replace('>', '')}</at>"


def _mentions(view: View, people: Mapping[str, str]) -> dict[str, Any]:
    """The card's mention entities: each `<at>Name</at>` in its title and texts, and whom it stands for."""
    texts = "\n".join([view.title, *(block.text for block in view.blocks if isinstance(block, Text))])
    entities = {_at(name): {"type": "mention", "text": _at(name), "mentioned": {"id": people[uid], "name": name}}
                for uid, name in MENTION.findall(texts) if uid in people}
    return {"entities": list(entities.values())} if entities else {}


def _escape(text: str) -> str:
    return MARKDOWN.sub(r"\\\1", text)


def fit(card: dict[str, Any]) -> dict[str, Any]:
    """Keep the card under the size Teams accepts: drop trailing elements, never refuse. Images stay (a
    digest's chart): Teams does not count them toward its limit."""
    body = card["body"]
    truncated = False
    while _size(card) > MAX_CARD_BYTES:
        last = next((i for i in range(len(body) - 1, 0, -1) if body[i].get("type") != "Image"), None)
        if last is None:
            break
        del body[last]
        truncated = True
    if truncated:
        body.append(_text("…"))
    return card


def sent_size(payload: Any) -> int:
    """Bytes of `payload` as it goes out: msrest and aiohttp write JSON with every non-ASCII character escaped as
    \\uXXXX (six bytes for one Chinese character, where UTF-8 takes three)."""
    return len(json.dumps(payload).encode("ascii"))


def _size(card: dict[str, Any]) -> int:
    """The card as sent, its images' data not counted."""
    return sent_size({**card, "body": [{**e, "url": ""} if e.get("type") == "Image" else e for e in card["body"]]})


def submitted(value: dict[str, Any]) -> tuple[str, dict[str, str], View | None]:
    """An Action.Submit (or Action.Execute) value → the command, the answers, and the form to show again."""
    command = str(value.get(COMMAND_KEY) or "")
    form = value.get(FORM_KEY)
    answers = {str(k): str(v) for k, v in value.items()
               if k not in (COMMAND_KEY, FORM_KEY, "msteams") and isinstance(v, str | int | float)}
    try:
        shown = View.model_validate(form) if isinstance(form, dict) else None
    except ValidationError:  # the client sends the data back: never trust its shape
        shown = None
    return command, answers, shown
