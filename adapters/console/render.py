"""View → console text (pure)."""

from __future__ import annotations

import unicodedata

from bot.kernel.keywords import wide
from bot.kernel.views import Buttons, Chart, Divider, Fields, Form, Input, Text, View, plain_mentions

SPARKS = "▁▂▃▄▅▆▇█"


def render_text(view: View, cancel_hint: str = "/cancel") -> str:
    lines: list[str] = []
    if view.title:
        lines.append(("⚠ " if view.is_error else "") + view.title)
    for block in view.blocks:
        if isinstance(block, Text):
            prefix = "⚠ " if view.is_error and not lines else ""
            lines.append(prefix + block.text)
        elif isinstance(block, Fields):
            lines.extend(f"  {row}" for row in padded(block.fields))
        elif isinstance(block, Buttons):
            lines.append("  ".join(f"[{b.label}: /{b.command}]" for b in block.buttons))
        elif isinstance(block, Divider):
            lines.append("—" * 20)
        elif isinstance(block, Chart):
            lines.extend(render_chart(block))
        elif isinstance(block, Form):
            lines.append(f"{block.title} — {cancel_hint}")
    lines.extend(f"  ⚠ {message}" for message in view.field_errors.values())
    return plain_mentions("\n".join(lines))


def render_chart(chart: Chart) -> list[str]:
    """A text sparkline per series: the console's version of the image Slack and Teams get. A control chart adds
    its centre line and limits, and a ^ under each point that signals."""
    rows = []
    for name, points in chart.series:
        known = [p for p in points if p is not None]
        last = f"{known[-1]:.1f}" if known else "–"
        rows.append((name, f"{''.join(spark(p, chart.low, chart.high) for p in points)}  {last}"))
    if chart.marked and chart.series:
        rows.append(("", "".join("^" if n in chart.marked else " " for n in range(len(chart.series[0][1]))).rstrip()))
    if chart.centre is not None and chart.limits is not None:
        rows.append(("", f"= {chart.centre:.2f}  [{chart.limits[0]:.2f} … {chart.limits[1]:.2f}]"))
    return [chart.title, *(f"  {row}" for row in padded(rows))]


def columns(text: str) -> int:
    """How many terminal columns `text` takes: Chinese characters two, combining marks none."""
    return sum(0 if unicodedata.combining(char) else 2 if wide(char) else 1 for char in text)


def padded(rows: list[tuple[str, str]]) -> list[str]:
    """Label and value rows with the values lined up, by display width (a Chinese label is twice as wide)."""
    width = max((columns(label) for label, _ in rows), default=0)
    return [f"{label}{' ' * (width - columns(label))}  {value}" for label, value in rows]


def spark(value: float | None, low: float, high: float) -> str:
    if value is None:
        return "·"
    share = 0.0 if high <= low else min(max((value - low) / (high - low), 0.0), 1.0)
    return SPARKS[round(share * (len(SPARKS) - 1))]


def render_prompt(field: Input) -> str:
    """One form question: `? Mood (1 Awful, 2, …)`; optional ones say so."""
    parts = [field.label]
    if field.options and not all(value.isdecimal() for value, _ in field.options):  # named: by number or name
        parts.append("(" + ", ".join(f"{n} {label or value}" for n, (value, label) in
                                     enumerate(field.options, start=1)) + ")")
    elif field.options:
        parts.append("(" + ", ".join(f"{value} {label}".strip() if label != value else value
                                     for value, label in field.options) + ")")
    if field.hint:
        parts.append(f"— {field.hint}")
    if field.value:  # a choice's earlier answer by its name in the reader's language, not its value
        parts.append(f"[{dict(field.options).get(field.value) or field.value}]")
    return "? " + " ".join(parts)
