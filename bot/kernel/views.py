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


class Input(BaseModel):
    """One question of a form. `choice` offers `options` as (value, label) pairs; `low`..`high` asks for a whole
    number in that range (a trailing % allowed). Adapters that ask one question at a time check each answer
    against them (bot/kernel/answers.py); the feature checks the whole form again when it is submitted."""

    name: str
    label: str
    kind: Literal["text", "multiline", "choice"] = "text"
    options: list[tuple[str, str]] = []
    optional: bool = False
    hint: str = ""
    value: str = ""  # the answer given before (an edit reopens the form prefilled)
    low: int | None = None
    high: int | None = None
    words: list[str] = []  # answers taken besides a number from low to high, normalized ("no change", "samma")
    follows: str = ""  # asked only after this input got an answer (one question at a time); always shown in a form


class Form(BaseModel):
    """Questions answered together: a Slack modal, an Adaptive Card, prompts in the console.

    Submitting it is the command `command` with the answers as values.
    """

    kind: Literal["form"] = "form"
    title: str
    command: str
    submit_label: str
    inputs: list[Input]


class Chart(BaseModel):
    """A small trend: labelled points per series (None where a value is hidden or missing).

    A control chart also has its centre line and its lower and upper limits, and marks the points (indexes into
    `labels`) where a rule signals a real shift; every surface draws the same lines and marks."""

    kind: Literal["chart"] = "chart"
    title: str
    labels: list[str]
    series: list[tuple[str, list[float | None]]]
    low: float = 0
    high: float = 5
    centre: float | None = None
    limits: tuple[float, float] | None = None  # (lower, upper)
    marked: list[int] = Field(default_factory=list)  # a factory: a default [] is deep-copied for every chart


Block = Annotated[Text | Fields | Buttons | Divider | Form | Chart, Field(discriminator="kind")]


class View(BaseModel):
    """One message: a title, blocks, and whether only the person who asked should see it."""

    title: str = ""
    blocks: list[Block] = []
    ephemeral: bool = True
    is_error: bool = False
    field_errors: dict[str, str] = {}  # a form's inputs that need another answer, by input name
    locale: str = ""  # the reader's language, for what an adapter adds itself (buttons of a modal, hints)

    def form(self) -> Form | None:
        return next((block for block in self.blocks if isinstance(block, Form)), None)

    def fallback_text(self) -> str:
        """The whole view as plain text, for notifications and platforms' text fallbacks."""
        parts = [self.title] if self.title else []
        for block in self.blocks:
            if isinstance(block, Text):
                parts.append(block.text)
            elif isinstance(block, Fields):
                parts.extend(f"{label}: {value}" for label, value in block.fields)
            elif isinstance(block, Chart):
                parts.append(block.title)
        parts.extend(self.field_errors.values())
        return plain_mentions("\n".join(parts))


def text_view(text: str, *, title: str = "", ephemeral: bool = True) -> View:
    return View(title=title, blocks=[Text(text=text)], ephemeral=ephemeral)


def error_view(text: str) -> View:
    return View(blocks=[Text(text=text)], ephemeral=True, is_error=True)
