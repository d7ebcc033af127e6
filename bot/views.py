"""Platform-neutral outbound views. Adapters render them: Block Kit, Adaptive Cards, console text.

Inline mentions are written `<@person-uid|Name>` (see `mention`); renderers turn them into platform
mentions or plain `@Name`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, Field

MENTION = re.compile(r"<@([0-9a-f]{32})\|([^>]*)>")


def mention(uid: str, name: str) -> str:
    return f"<@{uid}|{name.replace('>', '')}>"


def plain_mentions(text: str) -> str:
    """Replace inline mentions with @Name, for plain-text renderers and notifications."""
    return MENTION.sub(lambda m: "@" + m.group(2), text)


class Text(BaseModel):
    kind: Literal["text"] = "text"
    text: str


class Fields(BaseModel):
    kind: Literal["fields"] = "fields"
    fields: list[tuple[str, str]]  # (label, value)


class Button(BaseModel):
    label: str
    command: str  # the command the press stands for, e.g. "idea vote 12"
    style: Literal["default", "primary", "danger"] = "default"


class Buttons(BaseModel):
    kind: Literal["buttons"] = "buttons"
    buttons: list[Button]


class Divider(BaseModel):
    kind: Literal["divider"] = "divider"


Block = Annotated[Text | Fields | Buttons | Divider, Field(discriminator="kind")]


class View(BaseModel):
    """One message: a title, blocks, and whether only the person who asked should see it."""

    title: str = ""
    blocks: list[Block] = []
    ephemeral: bool = True
    is_error: bool = False

    def fallback_text(self) -> str:
        """The whole view as plain text, for notifications and platforms' text fallbacks."""
        parts = [self.title] if self.title else []
        for block in self.blocks:
            if isinstance(block, Text):
                parts.append(block.text)
            elif isinstance(block, Fields):
                parts.extend(f"{label}: {value}" for label, value in block.fields)
        return plain_mentions("\n".join(parts))


def text_view(text: str, *, title: str = "", ephemeral: bool = True) -> View:
    return View(title=title, blocks=[Text(text=text)], ephemeral=ephemeral)


def error_view(text: str) -> View:
    return View(blocks=[Text(text=text)], ephemeral=True, is_error=True)
