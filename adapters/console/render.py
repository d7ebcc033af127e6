"""View → console text (pure)."""

from __future__ import annotations

from bot.views import Buttons, Divider, Fields, Text, View, plain_mentions


def render_text(view: View) -> str:
    lines: list[str] = []
    if view.title:
        lines.append(("⚠ " if view.is_error else "") + view.title)
    for block in view.blocks:
        if isinstance(block, Text):
            prefix = "⚠ " if view.is_error and not lines else ""
            lines.append(prefix + block.text)
        elif isinstance(block, Fields):
            width = max((len(label) for label, _ in block.fields), default=0)
            lines.extend(f"  {label.ljust(width)}  {value}" for label, value in block.fields)
        elif isinstance(block, Buttons):
            lines.append("  ".join(f"[{b.label}: /{b.command}]" for b in block.buttons))
        elif isinstance(block, Divider):
            lines.append("—" * 20)
    return plain_mentions("\n".join(lines))
