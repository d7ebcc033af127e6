"""A reader whose own group the +1 rule does not change shares everyone's suppression: checked against `suppress`
itself for every layout hypothesis finds, so the shortcut can never show a reader more (or less) than the rule. And
the quick `suppress`, and what `RoundTally` shows each reader, against the rule as first written."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.pulse.results import WHOLE, Asked, Group, RoundTally, Scores
from bot.pulse.suppression import OTHER, suppress
from storage.models import SurveyRound

teams = st.dictionaries(st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d", "e", "f"])),
                        st.integers(min_value=1, max_value=12), min_size=1, max_size=7)


@settings(max_examples=500, deadline=None)
@given(teams, st.integers(min_value=3, max_value=6), st.data())
def test_where_the_shortcut_applies_the_readers_suppression_is_everyones(sizes, k, data):
    name = data.draw(st.sampled_from(sorted(sizes, key=str)))
    anyone = suppress(sizes, k)
    rest = sum(sizes[n] for n in anyone.get(OTHER, []))
    shares = (name is not None and anyone.get(name) == [name] and sizes[name] >= k + 1) or (
        name is None and OTHER in anyone and rest >= k + 1)
    if shares:  # the condition RoundTally._same_as_anyone uses
        assert suppress(sizes, k, {name}) == anyone


def suppress_as_specified(sizes, k, mine=()):
    """`suppress` as it was written before it was made quick: the specification the quick one must meet."""
    def need(names):
        return k + 1 if any(name in mine for name in names) else k

    shown = {name: n for name, n in sizes.items() if name is not None and n >= need((name,))}
    rest_names = [name for name in sizes if name not in shown]
    rest = sum(sizes[name] for name in rest_names)
    while 0 < rest < need(rest_names) and shown:
        smallest = min(shown, key=lambda name: (shown[name], name))
        rest += shown.pop(smallest)
        rest_names.append(smallest)
    slices = {name: [name] for name in sorted(shown)}
    if rest >= need(rest_names):
        slices[OTHER] = rest_names
    return slices


@settings(max_examples=500, deadline=None)
@given(teams, st.integers(min_value=1, max_value=7), st.sets(st.one_of(st.none(), st.sampled_from(["a", "b", "z"]))))
def test_the_quick_suppression_is_the_specified_one(sizes, k, mine):
    assert suppress(sizes, k, mine) == suppress_as_specified(sizes, k, mine)


@settings(max_examples=500, deadline=None)
@given(teams, st.integers(min_value=3, max_value=6), st.booleans(),
       st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d", "e", "f", "g"])))
def test_every_reader_is_shown_exactly_what_the_specified_suppression_allows(sizes, k, asked_here, team):
    """RoundTally's shortcuts (everyone's suppression shared, a group below its own threshold answered without
    suppressing, OTHER merged only when asked for) against the rule applied to this reader from scratch."""
    rnd = SurveyRound(id=1, survey_id=1, number=1)
    groups = {name: Group(respondents=n, scores={1: Scores(n, 3 * n, 0, n)}) for name, n in sizes.items()}
    tally = RoundTally(rnd, groups, k)
    asked = Asked(frozenset({1}) if asked_here else frozenset({2}), team)
    mine = frozenset({team if team in groups else None}) if asked_here else frozenset()
    allowed = suppress_as_specified(sizes, k, mine)
    expected = {label: sum(sizes[name] for name in names) for label, names in allowed.items()}
    assert {label: group.respondents for label, group in tally.slices(asked).items()} == expected
    for name in ["a", "b", "c", "d", "e", "f", "g"]:
        shown = tally.shown(name, asked)
        assert (shown.respondents if shown else None) == expected.get(name)
    whole = tally.shown(WHOLE, asked)
    assert (whole.respondents if whole else None) == (
        sum(sizes.values()) if sum(sizes.values()) >= k + (1 if mine else 0) else None)
