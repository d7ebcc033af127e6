"""Revised control limits: one point far out is the only signal of an otherwise steady series.

With limits from every point, the outlier drags the centre line below all the steady points before it, and
"8 in a row on one side" fired on them — an alarm on no shift at all (issue 10: "alarm only on real shifts").
Points beyond the first limits are now left out and the limits computed again from the rest (bot/kernel/quality.py).
"""

from __future__ import annotations

from bot.kernel.quality import Rule, signals, xmr

STEADY_THEN_ONE_DROP = [3.5, 3.7, 3.6, 3.8, 3.5, 3.6, 3.7, 3.6, 1.0]


def test_one_point_far_out_is_the_only_signal_of_an_otherwise_steady_series():
    found = signals(STEADY_THEN_ONE_DROP)
    assert found is not None
    assert [(s.rule, s.index) for s in found] == [(Rule.BEYOND_LIMITS, 8)]


def test_the_revised_limits_come_from_the_points_inside_the_first_ones():
    chart = xmr(STEADY_THEN_ONE_DROP)
    assert chart is not None
    assert round(chart.centre, 4) == round(sum(STEADY_THEN_ONE_DROP[:8]) / 8, 4)  # the outlier is not in the mean
    assert chart.lower > 3.0  # nor in the moving ranges: the limits hug the steady points


def test_a_real_shift_still_signals_with_revised_limits():
    shifted = [3.6, 3.7, 3.5, 3.6, 3.7, 3.6, 3.5, 3.6, 3.0, 2.9, 3.0, 2.9, 3.0, 2.9, 3.0, 2.9]
    found = signals(shifted)
    assert found and any(s.index >= 8 and not s.above for s in found)


def test_too_few_points_inside_keeps_the_first_limits():
    wild = [1.0, 5.0, 1.0, 5.0, 1.0, 5.0, 1.0, 5.0]
    assert xmr(wild) is not None and not signals(wild)


def test_a_drop_after_weeks_without_any_variation_is_still_a_signal():
    """The points inside the first limits are all equal: the revised chart has no spread of its own, so it keeps the
    first limits' width around its centre line — the drop is flagged, the steady weeks are not."""
    flat_then_drop = [4.0] * 10 + [3.0]
    found = signals(flat_then_drop)
    assert found is not None
    assert [(s.rule, s.index, s.above) for s in found] == [(Rule.BEYOND_LIMITS, 10, False)]
    chart = xmr(flat_then_drop)
    assert chart is not None and chart.centre == 4.0 and chart.lower > 3.0
