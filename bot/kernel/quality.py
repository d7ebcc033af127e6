"""The statistics of quality, pure: XmR control charts with the Western Electric rules, Pareto shares, and the
measured effect of an improvement. Plain numbers in, plain results out — no database, clock or platform, so the
digest, the chat and the web dashboard all read the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise
from math import fsum
from typing import TypeVar

# An individuals chart's natural process limits are the mean ± 2.66 mean moving ranges (2.66 = 3 / d2, with
# d2 = 1.128 for moving ranges of two points); one sigma is therefore the mean moving range / 1.128.
LIMIT_FACTOR = 2.66
D2 = 1.128
MIN_HISTORY = 8  # fewer points say nothing reliable: no limits are computed and nothing is flagged
T = TypeVar("T")
VITAL_SHARE = 0.8  # the "vital few": the categories that together make up to 80% of the count


@dataclass(frozen=True)
class Chart:
    """An XmR chart's centre line and limits, from the points themselves."""

    centre: float
    mean_moving_range: float

    @property
    def sigma(self) -> float:
        return self.mean_moving_range / D2

    @property
    def upper(self) -> float:
        return self.centre + LIMIT_FACTOR * self.mean_moving_range

    @property
    def lower(self) -> float:
        return self.centre - LIMIT_FACTOR * self.mean_moving_range

    def zone(self, value: float) -> float:
        """How many sigmas `value` lies from the centre, signed (+ above, − below); 0 when there is no spread."""
        return (value - self.centre) / self.sigma if self.sigma else 0.0


def xmr(points: Sequence[float]) -> Chart | None:
    """The chart of `points` (oldest first), or None when there are fewer than MIN_HISTORY of them.

    Revised limits: one point far out drags the centre line and widens the limits, so steady points on the other
    side would read as "8 in a row" — an alarm on no shift at all. As is usual with XmR charts, points beyond the
    first limits are left out (with the moving ranges they take part in) and the chart computed once more from the
    rest, when enough remain; the points left out are still judged, against the revised limits. Rest points without
    any spread (weeks of the very same mean) keep the first limits' width, or nothing could ever be flagged.
    """
    if len(points) < MIN_HISTORY:
        return None
    first = _chart(points, [abs(b - a) for a, b in pairwise(points)])
    lower, upper = first.lower, first.upper  # read once, not once a point (properties)
    if lower <= min(points) and max(points) <= upper:  # every point inside (nearly every chart): no revision
        return first
    inside = [lower <= p <= upper for p in points]
    if sum(inside) < MIN_HISTORY:
        return first
    kept = [p for p, ok in zip(points, inside, strict=True) if ok]
    ranges = [abs(b - a) for (a, a_ok), (b, b_ok) in pairwise(zip(points, inside, strict=True)) if a_ok and b_ok]
    if not ranges:
        return first
    revised = _chart(kept, ranges)
    if revised.mean_moving_range == 0:  # no spread left to judge by: the first limits' width, around the new centre
        return Chart(centre=revised.centre, mean_moving_range=first.mean_moving_range)
    return revised


def unbroken(points: Sequence[T | None]) -> list[T]:
    """The points since the last gap (None), oldest first: a chart's points follow each other without a hole, so a
    period that could not be shown (below the anonymity threshold) starts the series again after it."""
    gaps = [n for n, point in enumerate(points) if point is None]
    return [p for p in points[gaps[-1] + 1 if gaps else 0:] if p is not None]


def _chart(points: Sequence[float], ranges: Sequence[float]) -> Chart:
    # fsum / n is what `statistics.fmean` returns, without its two Python calls (a thousand charts a digest batch)
    return Chart(centre=fsum(points) / len(points), mean_moving_range=fsum(ranges) / len(ranges))


class Rule(StrEnum):
    """The Western Electric rules, each a pattern unlikely from common-cause variation alone."""

    BEYOND_LIMITS = "beyond-3-sigma"  # one point beyond 3 sigma
    TWO_OF_THREE = "2-of-3-beyond-2-sigma"  # 2 of 3 in a row beyond 2 sigma, on one side
    FOUR_OF_FIVE = "4-of-5-beyond-1-sigma"  # 4 of 5 in a row beyond 1 sigma, on one side
    EIGHT_IN_A_ROW = "8-on-one-side"  # 8 in a row on one side of the centre line


@dataclass(frozen=True)
class Signal:
    rule: Rule
    index: int  # the point (0 = oldest) that completed the pattern
    above: bool  # the side of the centre line


def signals(points: Sequence[float], chart: Chart | None = None) -> list[Signal] | None:
    """Every point at which a rule fires, at most one signal per point (the strongest rule), oldest first.

    None when the history is too short to judge. A point fires a rule when it completes the pattern and is itself
    part of it on that side. Every point beyond the limits is reported; a run rule that keeps firing from one point
    to the next is one shift, reported once, where it began to show.
    """
    chart = chart or xmr(points)
    if chart is None:
        return None
    sigma, centre = chart.sigma, chart.centre
    zones = [(p - centre) / sigma for p in points] if sigma else [0.0] * len(points)  # as Chart.zone
    found: list[Signal] = []
    previous: Signal | None = None
    run = 0  # how many points in a row, ending here, lie on this point's side of the centre line (signed)
    for n, z in enumerate(zones):
        if z > 0:
            run = run + 1 if run > 0 else 1
        elif z < 0:
            run = run - 1 if run < 0 else -1
        else:
            run = 0
        if -1 <= z <= 1 and -8 < run < 8:  # most points: within 1 sigma, no long run; no rule can fire (`_rule_at`)
            previous = None
            continue
        fired = _rule_at(zones, n, z, abs(run))
        signal = None if fired is None else Signal(rule=fired, index=n, above=z > 0)
        continued = previous is not None and signal is not None and signal.rule is not Rule.BEYOND_LIMITS and (
            previous.rule, previous.above) == (signal.rule, signal.above)
        if signal is not None and not continued:  # a run that goes on is one shift, reported where it began to show
            found.append(signal)
        previous = signal
    return found


def _rule_at(zones: list[float], n: int, z: float, run: int) -> Rule | None:
    """The strongest rule point `n` completes. The window rules are counted only past their sigma (seldom); 8 in a
    row is the run on this side (every point is past 0 sigma, so counting its window each time is what costs)."""
    beyond = abs(z)
    if beyond > 3:
        return Rule.BEYOND_LIMITS
    if beyond > 2 and n >= 2 and _past(zones[n - 2:n + 1], z, 2.0) >= 2:
        return Rule.TWO_OF_THREE
    if beyond > 1 and n >= 4 and _past(zones[n - 4:n + 1], z, 1.0) >= 4:
        return Rule.FOUR_OF_FIVE
    return Rule.EIGHT_IN_A_ROW if run >= 8 else None


def _past(window: list[float], z: float, sigmas: float) -> int:
    """How many of `window` lie beyond `sigmas` on the side of `z` (a list counted: a generator costs more)."""
    if z > 0:
        return len([value for value in window if value > sigmas])
    return len([value for value in window if value < -sigmas])


@dataclass(frozen=True)
class ParetoRow:
    category: str
    count: int
    share: float  # of the total, 0..1
    cumulative: float  # of the total, this category and all bigger ones
    vital: bool  # among the few that make up to VITAL_SHARE of the total (the first always is)


def pareto(counts: Mapping[str, int]) -> list[ParetoRow]:
    """Categories by count, biggest first (ties by name), with their share, cumulative share and the vital few."""
    ranked = sorted(((c, n) for c, n in counts.items() if n > 0), key=lambda item: (-item[1], item[0]))
    total = sum(n for _, n in ranked)
    rows: list[ParetoRow] = []
    cumulative = 0
    for category, count in ranked:
        before = cumulative / total
        cumulative += count
        rows.append(ParetoRow(category=category, count=count, share=count / total, cumulative=cumulative / total,
                              vital=not rows or before < VITAL_SHARE))
    return rows


@dataclass(frozen=True)
class Effect:
    """What an improvement did: baseline → result against the target."""

    baseline: float
    target: float
    result: float

    @property
    def change(self) -> float | None:
        """Relative change from the baseline, e.g. -0.41 for 11 → 6.5; None from a baseline of zero."""
        return (self.result - self.baseline) / abs(self.baseline) if self.baseline else None

    @property
    def met(self) -> bool:
        """The result reached the target, in the direction the target lies from the baseline."""
        if self.target >= self.baseline:
            return self.result >= self.target
        return self.result <= self.target

    @property
    def progress(self) -> float | None:
        """How far from the baseline to the target the result got (1.0 = the target); None when they are equal."""
        distance = self.target - self.baseline
        return (self.result - self.baseline) / distance if distance else None
