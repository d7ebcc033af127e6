"""The statistics of quality on textbook cases and by their properties: XmR limits, the Western Electric rules,
Pareto's vital few and the measured effect of an improvement."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.kernel.quality import Effect, Rule, Signal, pareto, signals, xmr

STABLE = [10, 12, 10, 12, 10, 12, 10, 12]  # centre 11, every moving range 2


def test_xmr_limits_are_the_mean_plus_minus_2_66_mean_moving_ranges():
    chart = xmr(STABLE)
    assert chart is not None
    assert (chart.centre, chart.mean_moving_range) == (11, 2)
    assert chart.upper == pytest.approx(16.32) and chart.lower == pytest.approx(5.68)
    assert chart.sigma == pytest.approx(2 / 1.128)
    assert chart.zone(chart.upper) == pytest.approx(3, rel=1e-3)  # 2.66 MR̄ is three sigma


def test_fewer_than_eight_points_judge_nothing():
    assert xmr(STABLE[:7]) is None and signals(STABLE[:7]) is None
    assert signals(STABLE) == []  # common-cause variation: no signal


@pytest.mark.parametrize(("tail", "expected"), [
    ([17], [Signal(Rule.BEYOND_LIMITS, 8, True)]),
    ([5], [Signal(Rule.BEYOND_LIMITS, 8, False)]),
    ([15, 11, 15], [Signal(Rule.TWO_OF_THREE, 10, True)]),  # 15 is beyond 2 sigma (14.55), 11 is not
    ([7, 11, 7], [Signal(Rule.TWO_OF_THREE, 10, False)]),
    ([13, 13, 11, 13, 13], [Signal(Rule.FOUR_OF_FIVE, 12, True)]),  # 13 is beyond 1 sigma (12.77)
    ([10, *[11.5] * 9], [Signal(Rule.EIGHT_IN_A_ROW, 16, True)]),  # above the centre, well within 1 sigma
    ([10.5] * 7 + [11.5], []),  # seven below, then one above: no run of eight
    ([12, 10, 12, 10], []),
])
def test_each_rule_fires_where_its_pattern_completes(tail, expected):
    chart = xmr(STABLE)  # limits from the stable baseline, applied to what came after
    assert signals(STABLE + tail, chart) == expected


def test_a_point_completing_several_patterns_is_reported_once_with_the_strongest_rule():
    found = signals([*STABLE, 15, 15, 17], xmr(STABLE))
    assert found == [Signal(Rule.TWO_OF_THREE, 9, True), Signal(Rule.BEYOND_LIMITS, 10, True)]


def test_a_shift_that_goes_on_is_reported_once_where_it_began_to_show():
    found = signals([*STABLE, 15, 15, 15, 15, 11, 15, 15], xmr(STABLE))
    assert found == [Signal(Rule.TWO_OF_THREE, 9, True), Signal(Rule.TWO_OF_THREE, 13, True)]


series = st.lists(st.integers(min_value=-50, max_value=50), min_size=8, max_size=40)


@settings(max_examples=200, deadline=None)
@given(series)
def test_scaling_by_two_and_mirroring_change_nothing_but_the_side(points):
    plain = signals(points)
    assert plain is not None
    assert signals([p * 2 for p in points]) == plain
    assert signals([-p for p in points]) == [Signal(s.rule, s.index, not s.above) for s in plain]


@settings(max_examples=200, deadline=None)
@given(series)
def test_the_first_rule_fires_exactly_at_the_points_beyond_the_limits(points):
    chart = xmr(points)
    assert chart is not None
    beyond = [n for n, p in enumerate(points) if abs(chart.zone(p)) > 3]
    assert [s.index for s in signals(points) or [] if s.rule is Rule.BEYOND_LIMITS] == beyond


def test_pareto_orders_by_count_and_marks_the_vital_few_up_to_80_percent():
    rows = pareto({"tools": 3, "waiting on others": 12, "unclear requirements": 6, "meetings": 0, "other": 3})
    assert [(r.category, r.count) for r in rows] == [
        ("waiting on others", 12), ("unclear requirements", 6), ("other", 3), ("tools", 3)]
    assert [round(r.cumulative, 3) for r in rows] == [0.5, 0.75, 0.875, 1.0]
    assert [r.vital for r in rows] == [True, True, True, False]  # 75% before "other": it completes the 80%
    assert pareto({}) == []


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=5), st.integers(min_value=0, max_value=100), max_size=12))
def test_pareto_shares_add_up_and_the_vital_few_are_a_prefix_reaching_80_percent(counts):
    rows = pareto(counts)
    if not rows:
        assert sum(counts.values()) == 0
        return
    assert math.isclose(sum(r.share for r in rows), 1) and math.isclose(rows[-1].cumulative, 1)
    vital = [r.vital for r in rows]
    assert vital == sorted(vital, reverse=True) and vital[0]
    last_vital = max(n for n, v in enumerate(vital) if v)
    assert rows[last_vital].cumulative >= 0.8 - 1e-9
    assert last_vital == 0 or rows[last_vital - 1].cumulative < 0.8


@pytest.mark.parametrize(("baseline", "target", "result", "change", "met", "progress"), [
    (11, 6, 6.5, -0.409, False, 0.9),  # minutes down: almost there
    (11, 6, 5, -0.545, True, 1.2),
    (40, 60, 61, 0.525, True, 1.05),  # a score up
    (0, 5, 5, None, True, 1.0),  # from zero there is no percentage
])
def test_the_effect_of_an_improvement_follows_the_direction_of_its_target(baseline, target, result, change, met,
                                                                         progress):
    effect = Effect(baseline, target, result)
    assert (effect.change is None) == (change is None)
    if change is not None:
        assert effect.change == pytest.approx(change, abs=1e-3)
    assert effect.met is met
    assert effect.progress == pytest.approx(progress)


def rule_as_first_written(zones: list[float], n: int) -> Rule | None:
    """Each rule counted over its whole window at every point: the rules as the issue states them."""
    z = zones[n]
    if abs(z) > 3:
        return Rule.BEYOND_LIMITS
    for rule, window, needed, beyond in ((Rule.TWO_OF_THREE, 3, 2, 2.0), (Rule.FOUR_OF_FIVE, 5, 4, 1.0),
                                         (Rule.EIGHT_IN_A_ROW, 8, 8, 0.0)):
        side = 1 if z > 0 else -1
        if n + 1 >= window and abs(z) > beyond and sum(
                1 for value in zones[n + 1 - window:n + 1] if value * side > beyond) >= needed:
            return rule
    return None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.integers(min_value=1, max_value=5), st.floats(min_value=-20, max_value=20)),
                min_size=8, max_size=40))
def test_each_point_fires_the_rule_its_whole_window_says(points):
    """signals counts 8 in a row as a run and the other windows only past their sigma (it judges a thousand series
    a batch): each signal is still a point whose full windows fire that rule, and a point left out fires none or
    continues the shift just before it."""
    chart = xmr(points)
    assert chart is not None
    zones = [chart.zone(p) for p in points]
    expected = [rule_as_first_written(zones, n) for n in range(len(points))]
    found = {s.index: s for s in signals(points) or []}
    for n, rule in enumerate(expected):
        if n in found:
            assert found[n].rule is rule and found[n].above == (zones[n] > 0)
        elif rule is not None:  # left out: the same rule fired on the same side just before, and not beyond
            assert rule is not Rule.BEYOND_LIMITS and expected[n - 1] is rule and (zones[n - 1] > 0) == (zones[n] > 0)
