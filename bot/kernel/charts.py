"""Chart → PNG, for platforms that show images (the console draws a text sparkline instead).

Only digits and week labels are drawn, so any language's title and legend stay in the message text.
"""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

from bot.kernel.views import Chart

WIDTH, HEIGHT, MARGIN = 480, 200, 32
COLOURS = [(46, 125, 209), (230, 126, 34), (39, 174, 96), (142, 68, 173)]
GRID = (225, 228, 232)
INK = (90, 96, 105)
CENTRE = (120, 126, 135)  # a control chart's centre line
LIMIT = (192, 57, 43)  # its limits, and the ring around a point that signals
DASH = 6


def render_png(chart: Chart) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=11)
    left, top, right, bottom = MARGIN, 12, WIDTH - 12, HEIGHT - MARGIN + 8
    span = (chart.high - chart.low) or 1

    def y_of(value: float) -> float:
        return bottom - (value - chart.low) / span * (bottom - top)

    for step in range(5):  # horizontal grid with its values
        value = chart.low + span * step / 4
        y = y_of(value)
        draw.line([(left, y), (right, y)], fill=GRID)
        draw.text((4, y - 6), f"{value:g}", fill=INK, font=font)
    count = max(len(chart.labels), 1)

    def x_of(index: int) -> float:
        return left + (right - left) * (index + 0.5) / count

    for index, label in enumerate(chart.labels):
        draw.text((x_of(index) - 9, bottom + 6), label, fill=INK, font=font)
    lines = ([(chart.centre, CENTRE)] if chart.centre is not None else []) + (
        [(value, LIMIT) for value in chart.limits] if chart.limits else [])
    for value, colour in lines:  # dashed, under the points
        y = min(max(y_of(value), top), bottom)
        for x in range(left, right, 2 * DASH):
            draw.line([(x, y), (min(x + DASH, right), y)], fill=colour, width=2)
    for number, (_name, points) in enumerate(chart.series):
        colour = COLOURS[number % len(COLOURS)]
        segment: list[tuple[float, float]] = []
        for index, value in enumerate(points):
            if value is None:  # a gap: hidden or missing weeks are not bridged
                _draw_segment(draw, segment, colour)
                segment = []
                continue
            segment.append((x_of(index), y_of(value)))
        _draw_segment(draw, segment, colour)
        for index in chart.marked if number == 0 else ():  # the signals: a ring around the point
            if index < len(points) and points[index] is not None:
                x, y = x_of(index), y_of(points[index])  # type: ignore[arg-type]
                draw.ellipse([x - 8, y - 8, x + 8, y + 8], outline=LIMIT, width=3)
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _draw_segment(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], colour: tuple[int, int, int]) -> None:
    if len(points) > 1:
        draw.line(points, fill=colour, width=3)
    for x, y in points:
        draw.ellipse([x - 4, y - 4, x + 4, y + 4], fill=colour)
