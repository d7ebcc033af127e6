"""Neutral View → Block Kit, within Slack's limits (PLATFORM §1.9): long views are split into several
messages or truncated with a note, never rejected by Slack."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.kernel.i18n import N_
from bot.kernel.views import MENTION, Buttons, Chart, Divider, Fields, Form, Text, View
from bot.kernel.views import plain_mentions as plain

MESSAGE_BLOCKS = 50
SURFACE_BLOCKS = 100  # modals and the Home tab
# Slack rejects a message whose blocks hold about 13k characters in all (msg_blocks_too_long); stay below.
MESSAGE_CHARS = 11_000
# A modal or Home tab may be 250 KB of JSON; text escaped as \uXXXX takes 6 bytes a character (Chinese).
SURFACE_CHARS = 30_000
MAX_MESSAGES = 4  # one reply or DM is split into at most this many messages, the rest is cut with a note
SECTION_TEXT = 3000
FIELDS_PER_SECTION = 10
FIELD_TEXT = 2000
ACTIONS_PER_BLOCK = 25
BUTTON_TEXT = 75
HEADER_TEXT = 150
FALLBACK_TEXT = 3000
BUTTON_ACTION = "feedbot:cmd"  # every button's action_id starts with it; the value is the command
MORE = N_("… and more that does not fit here.")

# What must never be cut in two: an escape (`&lt;`) or an angle-bracket token (`<@U123>`, a link).
UNCUTTABLE = re.compile(r"&(?:amp|lt|gt);|<[^<>]*>")

Block = dict[str, Any]
SlackIds = Mapping[str, str]  # person uid → Slack user id, for native mentions


@dataclass
class Rendered:
    """Slack blocks with the plain text each stands for (for the notification fallback)."""

    blocks: list[Block] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)

    def add(self, block: Block, text: str = "") -> None:
        self.blocks.append(block)
        self.texts.append(text)


@dataclass(frozen=True)
class Page:
    """One Slack message: blocks plus its text fallback."""

    text: str
    blocks: list[Block]

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def escape(text: str) -> str:
    """Slack's mrkdwn needs &, < and > escaped (https://api.slack.com/reference/surfaces/formatting#escaping)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Slack sends &, < and > in typed text as entities; mentions keep their real angle brackets."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mrkdwn(text: str, ids: SlackIds) -> str:
    """Core text → mrkdwn: escaped, with `<@uid|Name>` as a native mention where the person has a Slack id."""
    parts: list[str] = []
    last = 0
    for match in MENTION.finditer(text):
        parts.append(escape(text[last:match.start()]))
        slack_id = ids.get(match.group(1))
        parts.append(f"<@{slack_id}>" if slack_id else "*@" + escape(match.group(2)) + "*")
        last = match.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, ending in … when cut; never inside an escape or a mention."""
    return text if len(text) <= limit else text[:_before_token(text, limit - 1)] + "…"


def _before_token(text: str, at: int) -> int:
    """`at`, or the start of the escape or token `at` would cut in two (unless that leaves nothing)."""
    for match in UNCUTTABLE.finditer(text):
        if match.start() >= at:
            break
        if at < match.end():
            return match.start() or at
    return at


def chunks(text: str, limit: int) -> list[str]:
    """Split at line ends (or spaces) into pieces of at most `limit` characters, never inside an escape or a
    mention (a long word is cut before the one it would split)."""
    pieces: list[str] = []
    while len(text) > limit:
        at = text.rfind("\n", 0, limit)
        if at <= 0:
            at = text.rfind(" ", 0, limit)
        at = _before_token(text, at if at > 0 else limit)
        pieces.append(text[:at])
        text = text[at:].lstrip("\n ")
    return [*pieces, text] if text or not pieces else pieces


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def render_blocks(view: View, ids: SlackIds) -> Rendered:
    """Every neutral block as Slack blocks (not yet paged); a Form is shown by its title only."""
    out = Rendered()
    warn = "⚠️ " if view.is_error else ""
    if view.title:
        out.add({"type": "header", "text": {"type": "plain_text", "text": cut(warn + plain(view.title), HEADER_TEXT),
                                            "emoji": True}}, warn + plain(view.title))
        warn = ""
    for block in view.blocks:
        if isinstance(block, Text):
            _text(out, warn + block.text, ids)
            warn = ""
        elif isinstance(block, Fields):
            _fields(out, block, ids)
        elif isinstance(block, Buttons):
            _buttons(out, block)
        elif isinstance(block, Divider):
            out.add({"type": "divider"})
        elif isinstance(block, Form):
            _text(out, block.title, ids)
        elif isinstance(block, Chart):
            out.charts.append(block)
            out.add({"type": "context", "elements": [{"type": "mrkdwn", "text": "📈 " + escape(block.title)}]},
                    block.title)
    for message in view.field_errors.values():
        _text(out, "⚠️ " + message, ids)
    return out


def _text(out: Rendered, text: str, ids: SlackIds) -> None:
    pieces = [piece for piece in chunks(mrkdwn(text, ids), SECTION_TEXT) if piece.strip()]  # no empty sections
    for number, piece in enumerate(pieces):
        out.add(section(piece), plain(text) if number == 0 else unescape(piece))


def _fields(out: Rendered, block: Fields, ids: SlackIds) -> None:
    rows = [(label, value) for label, value in block.fields]
    for start in range(0, len(rows), FIELDS_PER_SECTION):
        batch = rows[start:start + FIELDS_PER_SECTION]
        out.add({"type": "section", "fields": [
            {"type": "mrkdwn", "text": cut(f"*{mrkdwn(label, ids)}*\n{mrkdwn(value, ids)}", FIELD_TEXT)}
            for label, value in batch]}, "\n".join(plain(f"{label}: {value}") for label, value in batch))


def _buttons(out: Rendered, block: Buttons) -> None:
    for start in range(0, len(block.buttons), ACTIONS_PER_BLOCK):
        elements = []
        for number, button in enumerate(block.buttons[start:start + ACTIONS_PER_BLOCK], start):
            element: Block = {"type": "button", "action_id": f"{BUTTON_ACTION}:{number}", "value": button.command,
                              "text": {"type": "plain_text", "text": cut(plain(button.label), BUTTON_TEXT)}}
            if button.style != "default":
                element["style"] = button.style
            elements.append(element)
        out.add({"type": "actions", "elements": elements})


def pages(view: View, ids: SlackIds, more: str, *, max_blocks: int = MESSAGE_BLOCKS,
          max_chars: int = MESSAGE_CHARS, max_pages: int = MAX_MESSAGES) -> list[Page]:
    """The view as messages within Slack's limits; what does not fit in `max_pages` is cut with `more`."""
    rendered = render_blocks(view, ids)
    result: list[Page] = []
    blocks: list[Block] = []
    texts: list[str] = []
    chars = 0
    for block, text in zip(rendered.blocks, rendered.texts, strict=True):
        size = _size(block)
        if blocks and (len(blocks) >= max_blocks or chars + size > max_chars):
            if len(result) == max_pages - 1:  # the last page: end it with the note instead
                blocks = blocks[:max_blocks - 1]
                blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(more)}]})
                texts.append(more)
                break
            result.append(_page(blocks, texts, view))
            blocks, texts, chars = [], [], 0
        blocks.append(block)
        texts.append(text)
        chars += size
    if blocks or not result:
        result.append(_page(blocks, texts, view))
    return result


def surface_blocks(view: View, ids: SlackIds, more: str, reserve: int = 0) -> list[Block]:
    """Blocks for a modal or the Home tab (one surface, 100 blocks), keeping `reserve` places free."""
    return pages(view, ids, more, max_blocks=SURFACE_BLOCKS - reserve, max_chars=SURFACE_CHARS,
                 max_pages=1)[0].blocks


def _page(blocks: list[Block], texts: list[str], view: View) -> Page:
    """A page's notification text: what its blocks say, else the view's title (a page of buttons)."""
    text = "\n".join(t for t in texts if t) or plain(view.title) or "feedbot"
    return Page(text=cut(text, FALLBACK_TEXT), blocks=blocks)


def _size(block: Block) -> int:
    if "text" in block and isinstance(block["text"], dict):
        return len(block["text"]["text"])
    return sum(len(f["text"]) for f in block.get("fields", []))


def chart_filename(chart: Chart) -> str:
    return (re.sub(r"[^\w-]+", "-", chart.title, flags=re.ASCII).strip("-").lower() or "chart") + ".png"
