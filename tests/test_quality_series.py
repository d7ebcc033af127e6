"""The pieces of the quality sections that need no database: blocker kinds read in any language, the recurring kind
and the open 5 Whys, a pulse question's series with hidden rounds left out, and the console's control chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from adapters.console.render import render_chart
from bot.kernel.blockers import open_analysis, read_category, recurring
from bot.kernel.views import Chart
from bot.pulse.results import Group, RoundTally, Scores
from bot.pulse.series import question_series

KEYS = ["waiting", "requirements", "tools", "meetings", "skills", "other", "vendor-delays"]
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def test_a_kind_is_read_by_number_key_or_name_in_any_language(catalogs):
    for typed, key in (("1", "waiting"), ("tools", "tools"), ("Too many MEETINGS", "meetings"),
                       ("oklara krav", "requirements"), ("技能或知识", "skills"), ("工具與環境", "tools"),
                       ("vendor delays", "vendor-delays"), ("7", "vendor-delays")):
        assert read_category(catalogs, KEYS, typed) == key, typed
    for typed in ("0", "8", "waiting on", "²"):
        assert read_category(catalogs, KEYS, typed) is None, typed


def test_a_kind_recurs_in_2_of_the_last_4_check_ins_only():
    assert recurring(["tools", None, "tools", "waiting"]) == "tools"
    assert recurring(["tools", "waiting", None, None, "tools"]) is None  # the fifth is too old
    assert recurring(["waiting", "tools", "tools", "waiting"]) == "waiting"  # a tie: the most recent
    assert recurring([None, None]) is None


def step(kind: str, category: str, days: int) -> SimpleNamespace:
    return SimpleNamespace(kind=kind, category=category, text=f"{kind} {days}", created_at=T0 + timedelta(days=days))


def test_an_analysis_stays_open_until_its_cause_and_opens_again_when_the_kind_comes_back():
    checkins = [("tools", T0 + timedelta(days=7)), ("tools", T0)]
    assert open_analysis([], checkins).whys == []  # recurring: asked for
    whys = [step("why", "tools", 8), step("why", "tools", 9)]
    assert open_analysis(whys, checkins).whys == ["why 8", "why 9"]
    closed = [*whys, step("cause", "tools", 10)]
    assert open_analysis(closed, checkins) is None
    again = [("tools", T0 + timedelta(days=14)), *checkins]
    assert open_analysis(closed, again).whys == []  # named again after the cause: a new analysis
    assert open_analysis([step("why", "waiting", 3)], []).category == "waiting"  # open whys outlive the pattern


def tally(number: int, respondents: int, total: int) -> RoundTally:
    group = Group(respondents=respondents, scores={1: Scores(scored=respondents, total=total)})
    return RoundTally(SimpleNamespace(id=number, number=number), {"Apps": group}, 5)  # type: ignore[arg-type]


def test_a_round_below_the_threshold_breaks_a_pulse_series(catalogs):
    survey = SimpleNamespace(title="Health", questions=[SimpleNamespace(id=1, kind="scale", text="Workload?"),
                                                        SimpleNamespace(id=2, kind="text", text="Else?")])
    tallies = [tally(1, 5, 20), tally(2, 4, 16), tally(3, 6, 18), tally(4, 5, 15)]  # round 2: four answered
    [whole] = question_series(catalogs.translator("en"), survey, tallies, "")  # type: ignore[arg-type]
    assert (whole.name, whole.labels, whole.values) == ("Pulse Health: Workload?", ["#3", "#4"], [3.0, 3.0])


def test_the_console_draws_the_centre_the_limits_and_marks_the_signals():
    chart = Chart(title="Mood of your team: control chart", labels=["W1", "W2", "W3"],
                  series=[("mean", [3.6, 3.8, 1.2])], low=1, high=5, centre=3.5, limits=(2.0, 5.0), marked=[2])
    assert render_chart(chart) == ["Mood of your team: control chart", "  mean  ▆▆▁  1.2", "          ^",
                                   "        = 3.50  [2.00 … 5.00]"]
