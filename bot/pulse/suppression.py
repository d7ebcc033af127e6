"""Which groups of a round may ever be shown: the round's anonymity threshold, and complementary suppression.

Publishing (bot/pulse/ballots.py) names a team on answer rows only where this would show it, and results
(bot/pulse/results.py) show the groups this allows, with one more respondent for a reader who may be in a group.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from storage.models import SurveyRound

OTHER = "\x00other"  # the merged group's label; never a team name


def threshold(rnd: SurveyRound, configured: int) -> int:
    """A round's anonymity threshold: the one in force when it opened (its invitation promised it), so lowering
    the configuration later never shows a smaller group of that round; raising it applies at once. Rounds opened
    before thresholds were kept use the configured one."""
    return configured if rnd.anonymity_threshold is None else max(rnd.anonymity_threshold, configured)


def suppress(sizes: Mapping[str | None, int], k: int,
             mine: Collection[str | None] = ()) -> dict[str, list[str | None]]:
    """Which groups may be shown: named groups of at least `k`, and OTHER (all the rest) once that reaches `k`. A group
    that may hold the reader's own answer (`mine`, see `Asked` in bot/pulse/results.py) needs `k + 1`.

    While the rest is non-empty but below what it needs, the smallest shown group joins it (complementary
    suppression), so the total minus the shown slices is always 0 or a shown group — never a hidden one.
    """
    own = frozenset(mine)
    # One pass each, no per-name generator: a digest batch runs this for every kind of reader of every round.
    shown = {name: n for name, n in sizes.items() if name is not None and n >= (k + 1 if name in own else k)}
    rest_names = [name for name in sizes if name not in shown]
    rest = sum(sizes[name] for name in rest_names)
    need = k + 1 if not own.isdisjoint(rest_names) else k
    while 0 < rest < need and shown:
        smallest = min(shown, key=lambda name: (shown[name], name))
        rest += shown.pop(smallest)
        rest_names.append(smallest)
        need = k + 1 if smallest in own else need
    slices: dict[str, list[str | None]] = {name: [name] for name in sorted(shown)}
    if rest >= need:
        slices[OTHER] = rest_names
    return slices
