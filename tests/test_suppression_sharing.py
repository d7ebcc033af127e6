"""A reader whose own group the +1 rule does not change shares everyone's suppression: checked against `suppress`
itself for every layout hypothesis finds, so the shortcut can never show a reader more (or less) than the rule."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.pulse.suppression import OTHER, suppress

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
