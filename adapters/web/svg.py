"""Chart → inline SVG, drawn from the same neutral Chart as the digest's PNG (bot/kernel/charts.py): no script, no
CDN. Each point carries a <title> (its week and value) for screen readers and hover; hidden weeks stay gaps."""

from __future__ import annotations

from markupsafe import Markup, escape

from bot.kernel.views import Chart

WIDTH, HEIGHT, LEFT, TOP, RIGHT, BOTTOM = 480, 200, 36, 12, 12, 28
COLOURS = ("#1f6fbf", "#b35900", "#1d7a45", "#7d3c98")  # 4.5:1 or better on white


def render_svg(chart: Chart, title_id: str) -> Markup:
    span = (chart.high - chart.low) or 1
    bottom, right = HEIGHT - BOTTOM, WIDTH - RIGHT
    count = max(len(chart.labels), 1)

    def x(index: int) -> float:
        return round(LEFT + (right - LEFT) * (index + 0.5) / count, 1)

    def y(value: float) -> float:
        return round(bottom - (value - chart.low) / span * (bottom - TOP), 1)

    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{title_id}" '
             f'xmlns="http://www.w3.org/2000/svg"><title id="{title_id}">{escape(chart.title)}</title>']
    for step in range(5):
        value = chart.low + span * step / 4
        parts.append(f'<line x1="{LEFT}" x2="{right}" y1="{y(value)}" y2="{y(value)}" stroke="#dde1e6"/>'
                     f'<text x="{LEFT - 6}" y="{y(value) + 4}" text-anchor="end" font-size="11" fill="#4a5057">'
                     f'{value:g}</text>')
    for index, label in enumerate(chart.labels):
        parts.append(f'<text x="{x(index)}" y="{bottom + 18}" text-anchor="middle" font-size="11" fill="#4a5057">'
                     f'{escape(label)}</text>')
    for number, (name, points) in enumerate(chart.series):
        colour = COLOURS[number % len(COLOURS)]
        segments: list[list[tuple[float, float]]] = [[]]
        for index, value in enumerate(points):
            if value is None:
                segments.append([])
            else:
                segments[-1].append((x(index), y(value)))
        for segment in segments:
            if len(segment) > 1:
                path = " ".join(f"{px},{py}" for px, py in segment)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="3"/>')
        for index, value in enumerate(points):
            if value is not None:
                parts.append(f'<circle cx="{x(index)}" cy="{y(value)}" r="4" fill="{colour}"><title>'
                             f'{escape(name)} {escape(chart.labels[index])}: {value:g}</title></circle>')
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(chart: Chart) -> list[tuple[str, str]]:
    """(colour, series name) for the chart's key, written in HTML so it is translated and readable."""
    return [(COLOURS[n % len(COLOURS)], name) for n, (name, _) in enumerate(chart.series)]
