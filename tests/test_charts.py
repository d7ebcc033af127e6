"""The digest chart as an image: drawn from the chart's own data."""

from __future__ import annotations

from io import BytesIO

from PIL import Image

from bot.kernel.charts import HEIGHT, WIDTH, render_png
from bot.kernel.views import Chart

BLUE = (46, 125, 209)


def blue_rows(png: bytes, column: int) -> list[int]:
    image = Image.open(BytesIO(png)).convert("RGB")
    return [y for y in range(image.height) if image.getpixel((column, y)) == BLUE]


def test_a_png_of_the_right_size():
    png = render_png(Chart(title="Mood", labels=["W46", "W47"], series=[("mood", [2, 4])], low=1, high=5))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert Image.open(BytesIO(png)).size == (WIDTH, HEIGHT)


def test_higher_values_are_drawn_higher():
    low = render_png(Chart(title="", labels=["a"], series=[("mood", [1.5])], low=1, high=5))
    high = render_png(Chart(title="", labels=["a"], series=[("mood", [4.5])], low=1, high=5))
    middle = (32 + WIDTH - 12) // 2  # the one point stands in the middle column
    assert blue_rows(low, middle) and blue_rows(high, middle)
    assert min(blue_rows(high, middle)) < min(blue_rows(low, middle))


def test_missing_values_leave_a_gap():
    png = render_png(Chart(title="", labels=["a", "b", "c"], series=[("mood", [3, None, 3])], low=1, high=5))
    left, right = 32, WIDTH - 12
    second = int(left + (right - left) * 1.5 / 3)
    assert blue_rows(png, second) == []


RED = (192, 57, 43)


def red_rows(png: bytes, column: int) -> list[int]:
    image = Image.open(BytesIO(png)).convert("RGB")
    return [y for y in range(image.height) if image.getpixel((column, y)) == RED]


def test_a_control_chart_draws_its_limits_and_rings_the_signals():
    plain = Chart(title="", labels=["a", "b", "c"], series=[("mean", [3.5, 3.6, 2.0])], low=1.5, high=4.5)
    control = plain.model_copy(update={"centre": 3.0, "limits": (2.0, 4.0), "marked": [2]})
    left, right = 32, WIDTH - 12
    between = int(left + (right - left) * 0.25) - 20  # a column with no point: only the lines cross it
    assert red_rows(render_png(plain), between) == []
    limits = red_rows(render_png(control), between)
    assert limits and min(limits) < HEIGHT / 2 < max(limits)  # the upper limit above the middle, the lower below
    third = int(left + (right - left) * 2.5 / 3)
    ring = [y for y in red_rows(render_png(control), third + 7)]  # the ring's edge beside the marked point
    assert ring and not red_rows(render_png(plain), third + 7)
