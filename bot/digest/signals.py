"""The digest's signals: XmR control charts of the team's weekly mean mood and of each pulse question's mean across
rounds, flagged only where a Western Electric rule says the shift is real (bot/kernel/quality.py).

Anonymity: a series is made only of weeks (rounds) that each hold at least the anonymity threshold of answers,
whoever reads it: one below it breaks the series, which starts again after it (the week the digest covers, while it
may still fill up, is left out without breaking it), and a series left too short says so instead of judging.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import repeat
from typing import NamedTuple, cast

from bot.digest.sections import MOOD_WEEKS, NO_MOODS, NO_WEEK, Rounded, capped, mood_weeks, team_moods, week_labels
from bot.kernel.i18n import N_, Translator
from bot.kernel.quality import MIN_HISTORY, Rule, signals, xmr
from bot.kernel.sections import DigestScope, SectionBlocks
from bot.kernel.views import Chart, Text
from bot.pulse.series import Series, digest_series

SIGNAL_WEEKS = MOOD_WEEKS  # weeks of mood on a control chart
RULES = {
    Rule.BEYOND_LIMITS: N_("a point beyond the control limits"),
    Rule.TWO_OF_THREE: N_("2 of 3 points beyond 2 sigma"),
    Rule.FOUR_OF_FIVE: N_("4 of 5 points beyond 1 sigma"),
    Rule.EIGHT_IN_A_ROW: N_("8 points in a row on one side of the centre line"),
}
QUIET = N_("{series}: no signal — the ups and downs are within normal variation.")
CHART_TITLE = N_("{series}: control chart")


async def section(scopes: list[DigestScope]) -> list[SectionBlocks]:
    """The moods read once for the batch (with the check-ins' trend), and the pulse rounds tallied once
    (bot/pulse/series.py)."""
    periods = mood_weeks(scopes)  # SIGNAL_WEEKS: worked out once with the check-ins'
    moods, organisation = await team_moods(scopes, SIGNAL_WEEKS)  # read once with the check-ins' trend
    pulses = await digest_series(scopes)  # readers of the same results share the same Series objects
    points = Rounded(2)  # the batch's: its 12,000 weeks of moods hold a few hundred different means
    result: list[SectionBlocks] = []
    for scope, pulse in zip(scopes, pulses, strict=True):
        if not scope.people:
            result.append([])
            continue
        words = MoodWords.of(scope.t)
        theirs = organisation if scope.org_wide else moods.get(scope.reader_id, NO_MOODS)
        mood = mood_series(scope, periods[id(scope)], theirs, words.organisation if scope.org_wide else words.team)
        result.append(signal_blocks(scope, mood, pulse, words.heading, points))
    return result


class Said(NamedTuple):
    """What a series' verdict says whatever its values, in one language: its name, its line when nothing signals,
    and its chart's title and series."""

    name: str
    quiet: str
    title: str
    mean: str

    @classmethod
    @lru_cache(maxsize=1024)  # once a language and series for the process: a batch's mood charts share two names
    def of(cls, t: Translator, name: str) -> Said:
        return cls(name=name, quiet=t(QUIET, series=name), title=t(CHART_TITLE, series=name), mean=t("mean"))


class MoodWords(NamedTuple):
    """What every digest in one language says alike in its mood control chart: translated once, not once a digest."""

    heading: str  # the section's
    team: str  # a manager's team's mood
    organisation: str  # the organisation's

    @classmethod
    @lru_cache(maxsize=16)  # once a language for the process: translations never change while it runs
    def of(cls, t: Translator) -> MoodWords:
        return cls(heading=t("Signals (control charts, last {n} weeks)", n=SIGNAL_WEEKS),
                   team=t("Mood of your team"), organisation=t("Mood of the organisation"))


def mood_series(scope: DigestScope, periods: tuple[str, ...], moods: dict[str, tuple[int, int]], name: str) -> Series:
    k = scope.deps.settings.pulse.anonymity_threshold
    values = [total / count if count >= k else None for total, count in map(moods.get, periods, repeat(NO_WEEK))]
    if values and values[-1] is None:  # the week the digest covers may still be filling up: not a gap yet
        values.pop()
    first = len(values) - values[::-1].index(None) if None in values else 0  # since the last gap (`unbroken`)
    return Series(name, list(week_labels(periods)[first:len(values)]), cast(list[float], values[first:]))


def signal_blocks(scope: DigestScope, mood: Series, pulse: list[Series], heading: str,
                  points: Rounded) -> SectionBlocks:
    t = scope.t
    # A team's own mood: read by its manager only, its chart always drawn.
    lines, chart = judged(t, mood, True, points)
    charts = [chart] if chart is not None else []
    for series in pulse:  # the same object for all its readers (and batches, once final): judged once
        if (verdict := series.verdicts.get(t.locale)) is None:
            verdict = series.verdicts[t.locale] = judged(t, series, False, points)
        lines = [*lines, *verdict[0]]
        if verdict[1] is not None:  # drawn only when it signals
            charts.append(verdict[1])
    return [Text(text=heading + "\n" + capped(lines, scope)), *charts]


def judged(t: Translator, series: Series, in_weeks: bool,
           points: Rounded | None = None) -> tuple[list[str], Chart | None]:
    """What the series says: not enough history, no signal, or each signal with its rule and week (round).
    `points`: the batch's points rounded so far."""
    chart = xmr(series.values)
    found = signals(series.values, chart)
    if chart is None or found is None:
        return [t("{series}: not enough history yet ({n} of {needed} weeks).", series=series.name,
                  n=len(series.values), needed=MIN_HISTORY) if in_weeks else t(
            "{series}: not enough history yet ({n} of {needed} rounds).", series=series.name,
            n=len(series.values), needed=MIN_HISTORY)], None
    if not found:
        lines = [Said.of(t, series.name).quiet]
    else:
        lines = []
        for s in found:
            params = {"series": series.name, "rule": t(RULES[s.rule]), "side": t("up") if s.above else t("down")}
            lines.append(t("⚠ {series}, week {week}: {rule}, {side}.", week=series.labels[s.index].removeprefix("W"),
                           **params) if in_weeks else t("⚠ {series}, round {round}: {rule}, {side}.",
                                                        round=series.labels[s.index], **params))
    if not found and not in_weeks:  # a pulse series' chart is shown only when it signals: not drawn for nothing
        return lines, None
    said, points = Said.of(t, series.name), Rounded(2) if points is None else points
    lower, upper = chart.lower, chart.upper  # read once (properties)
    spread = [*series.values, lower, upper]
    drawn = [points[value] for value in series.values]
    return lines, Chart(title=said.title, labels=series.labels, series=[(said.mean, drawn)], low=min(spread),
                        high=max(spread), centre=chart.centre, limits=(lower, upper), marked=[s.index for s in found])
