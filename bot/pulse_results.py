"""Pulse tallies: answers counted per group, the anonymity thresholds, and which groups a reader is about.

The rules (PLATFORM.md §4.3): a group — the whole survey or one team's slice — is shown only with at least
`anonymity_threshold` respondents, and so are its response counts. Hidden team slices are merged into "other
teams"; while that merged group is non-empty but still too small, the next-smallest visible slice joins it, so
no hidden group can be worked out by subtracting visible slices from the total. Free-text comments need
`comment_threshold` respondents and are shown for the whole survey only (a slice's comments could otherwise be
subtracted from the whole's). Results wait until a round closes. Nothing here is logged. The views and the digest
section that show results are in bot/pulse_report.py.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.settings import Settings
from storage.models import Survey, SurveyQuestion, SurveyRound
from storage.uow import UnitOfWork

OTHER = "\x00other"  # the merged group's label; never a team name
TREND = 8  # closed rounds in a trend


@dataclass
class Group:
    """One group's answers: how many answered, and per question how often each answer was given."""

    respondents: int = 0
    answers: dict[int, Counter[int | str | None]] = field(default_factory=dict)

    def add(self, other: Group) -> None:
        self.respondents += other.respondents
        for question_id, counts in other.answers.items():
            self.answers.setdefault(question_id, Counter()).update(counts)


@dataclass
class RoundTally:
    round: SurveyRound
    groups: dict[str | None, Group]  # by answer group_name; None: a team too small to name, or no team
    # Computed once per round: a digest batch asks the same round for a thousand readers. Read-only results.
    _slices: dict[int, dict[str, Group]] = field(default_factory=dict, repr=False, compare=False)
    _whole: list[Group] = field(default_factory=list, repr=False, compare=False)

    def whole(self) -> Group:
        if not self._whole:
            self._whole.append(merged(self.groups.values()))
        return self._whole[0]

    def slices(self, k: int) -> dict[str, Group]:
        """The team slices that may be shown, and OTHER for everything else merged (see `suppress`)."""
        if k not in self._slices:
            sizes = {name: group.respondents for name, group in self.groups.items()}
            self._slices[k] = {label: merged(self.groups[name] for name in names)
                               for label, names in suppress(sizes, k).items()}
        return self._slices[k]


def merged(groups: Iterable[Group]) -> Group:
    total = Group()
    for group in groups:
        total.add(group)
    return total


def suppress(sizes: Mapping[str | None, int], k: int) -> dict[str, list[str | None]]:
    """Which groups may be shown: named groups of at least `k`, and OTHER (all the rest) once that reaches `k`.

    While the rest is non-empty but below `k`, the smallest shown group joins it (complementary suppression),
    so the total minus the shown slices is always 0 or a shown group — never a hidden one.
    """
    shown = {name: n for name, n in sizes.items() if name is not None and n >= k}
    rest_names = [name for name in sizes if name not in shown]
    rest = sum(sizes[name] for name in rest_names)
    while 0 < rest < k and shown:
        smallest = min(shown, key=lambda name: (shown[name], name))
        rest += shown.pop(smallest)
        rest_names.append(smallest)
    slices: dict[str, list[str | None]] = {name: [name] for name in sorted(shown)}
    if rest >= k:
        slices[OTHER] = rest_names
    return slices


def tally(rows: Sequence[tuple[int, int, str | None, int | None, str | None, int]], rounds: Sequence[SurveyRound],
          questions: Sequence[SurveyQuestion]) -> list[RoundTally]:
    """Rows of `Surveys.tallies` per round and group. Each respondent has one row per question (empty for a
    skipped comment), so the first question's rows count the respondents."""
    first = questions[0].id if questions else None
    by_round = {rnd.id: RoundTally(rnd, {}) for rnd in rounds}
    for round_id, question_id, group_name, score, choice, count in rows:
        group = by_round[round_id].groups.setdefault(group_name, Group())
        group.answers.setdefault(question_id, Counter())[score if score is not None else choice] += count
        if question_id == first:
            group.respondents += count
    return [by_round[rnd.id] for rnd in rounds]


def average(counts: Counter[int | str | None]) -> float | None:
    scores = {value: n for value, n in counts.items() if isinstance(value, int)}
    total = sum(scores.values())
    return sum(value * n for value, n in scores.items()) / total if total else None


def enps(counts: Counter[int | str | None]) -> int | None:
    """% promoters (9–10) minus % detractors (0–6)."""
    total = sum(n for value, n in counts.items() if isinstance(value, int))
    if not total:
        return None
    promoters = sum(n for value, n in counts.items() if isinstance(value, int) and value >= 9)
    detractors = sum(n for value, n in counts.items() if isinstance(value, int) and value <= 6)
    return round(100 * (promoters - detractors) / total)


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def dependents(settings: Settings, team: str) -> set[str]:
    """The teams that depend on `team`: its internal customers."""
    return {name for name, needed in settings.org.dependencies.items() if team in needed}


def about(survey: Survey, teams: frozenset[str]) -> bool:
    """A survey of a team, or of its internal customers, is reported whole to that team's manager."""
    kind, _, name = survey.audience.partition(":")
    return kind in ("team", "customers") and name in teams


def asked_teams(settings: Settings, survey: Survey, teams: frozenset[str]) -> list[str]:
    """Which of `teams` the survey asks."""
    kind, _, name = survey.audience.partition(":")
    if kind == "team":
        return [name] if name in teams else []
    if kind == "customers":
        return sorted(teams & dependents(settings, name))
    return sorted(teams)


async def closed_tallies(uow: UnitOfWork, survey: Survey, before: datetime) -> list[RoundTally]:
    rounds = [rnd for rnd in await uow.surveys.rounds(survey.id) if rnd.closes_at <= before][-TREND:]
    return tally(await uow.surveys.tallies([rnd.id for rnd in rounds]), rounds, survey.questions)

