"""Pulse tallies: answers counted per group, the anonymity thresholds, and which groups a reader is about.

The rules (PLATFORM.md §4.3): a group — the whole survey or one team's slice — is shown only with at least
`anonymity_threshold` respondents (the round's own, see `threshold`), and so are its response counts. Hidden team
slices are merged into "other teams"; while that merged group is non-empty but still too small, the next-smallest
visible slice joins it, so no hidden group can be worked out by subtracting visible slices from the total.
Free-text comments need `comment_threshold` respondents and are shown for the whole survey only (a slice's
comments could otherwise be subtracted from the whole's). A reader who was asked in a round knows whether they
answered, and could take their own answer out of a group: a group that may hold it needs one more respondent for
them (`Asked`). Results wait until a round closes, and a closed round is published before its tallies are read
(bot/pulse/counted.py `tallied`). Nothing here is logged. The views and the digest section that show results are in
bot/pulse/results_view.py and bot/pulse/report.py.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from bot.kernel.settings import Settings
from bot.pulse.suppression import OTHER, suppress
from storage.models import Survey, SurveyRound

WHOLE = ""  # the whole survey, where a team's name would stand; never a team name
TREND = 8  # closed rounds in a trend
Counts = dict[int | str | None, int]  # how often each answer (score, choice; None: skipped) was given
NO_ANSWERS: Counts = {}  # a question nobody in a group answered; never changed


@dataclass(slots=True)  # tens of thousands per digest batch: slots keep them small and quick to collect
class Scores:
    """A question's scores in a group, summed: enough for the average and the eNPS, and groups merge by adding."""

    scored: int = 0  # answers with a score
    total: int = 0  # the sum of those scores
    promoters: int = 0  # scores of 9–10
    detractors: int = 0  # scores of 0–6

    @classmethod
    def of(cls, counts: Mapping[int | str | None, int]) -> Scores:
        result = cls()
        for value, n in counts.items():
            if isinstance(value, int):
                result.add(cls(n, value * n, n if value >= 9 else 0, n if value <= 6 else 0))
        return result

    def add(self, other: Scores) -> None:
        self.scored += other.scored
        self.total += other.total
        self.promoters += other.promoters
        self.detractors += other.detractors

    def average(self) -> float | None:
        return self.total / self.scored if self.scored else None

    def enps(self) -> int | None:
        """% promoters minus % detractors."""
        return round(100 * (self.promoters - self.detractors) / self.scored) if self.scored else None


NO_SCORES = Scores()  # never changed


@dataclass(slots=True)
class Group:
    """One group's answers: how many answered, per question their scores summed (every round, for the trend) and
    how often each answer was given (tallied for the latest round only: older ones are shown as a trend)."""

    respondents: int = 0
    answers: dict[int, Counts] = field(default_factory=dict)
    scores: dict[int, Scores] = field(default_factory=dict)

    def add(self, other: Group) -> None:
        self.respondents += other.respondents
        for question_id, counts in other.answers.items():
            mine = self.answers.setdefault(question_id, {})
            for value, n in counts.items():
                mine[value] = mine.get(value, 0) + n
        for question_id, scores in other.scores.items():
            self.scores.setdefault(question_id, Scores()).add(scores)


class Asked(NamedTuple):
    """Where a reader's own answers may be: the rounds they were asked in, and their team. They know whether they
    answered, so a group that may hold their answer is shown to them only with one more respondent than the
    threshold — taking their own answer out still leaves `k` (see `RoundTally.need`). Teams are read as they are
    now. A tuple, hashed and compared in C: a digest batch looks up its readers' worded results by it thousands of
    times (bot/pulse/report.py)."""

    rounds: frozenset[int] = frozenset()
    team: str | None = None


NOT_ASKED = Asked()
NOBODY: frozenset[str | None] = frozenset()  # no group holds the reader's own answer


ShownKey = str | tuple[str, str | None]  # a group, and the reader's team when the round asked them (`RoundTally.shown`)


@dataclass(slots=True)
class Derived:
    """What a round's counts give any reader, worked out once: a digest batch asks the same round for a thousand
    readers. Pure functions of the counts and the threshold, so a published round's are kept with its counts
    (bot/pulse/counted.py) and shared by every read of it, never by anything else."""

    labels: dict[frozenset[str | None], dict[str, list[str | None]]] = field(default_factory=dict)
    merged: dict[tuple[str | None, ...], Group] = field(default_factory=dict)
    whole: list[Group] = field(default_factory=list)
    others: list[int] = field(default_factory=list)
    sizes: dict[str | None, int] = field(default_factory=dict)
    same: dict[frozenset[str | None], frozenset[str | None]] = field(default_factory=dict)
    shown: dict[ShownKey, Group | None] = field(default_factory=dict)
    # The latest round's only: its trend's groups put into words, by what the words are made of (the rounds, their
    # thresholds, the survey's texts, the language) → (group, Asked) → blocks or series; bot/pulse/report.py `worded`
    # keeps them here only when every round of the trend is final.
    words: dict[Hashable, dict[tuple[str, Asked], list[Any]]] = field(default_factory=dict)


@dataclass
class RoundTally:
    round: SurveyRound
    groups: dict[str | None, Group]  # by answer group_name; None: no team, or one results could not show alone
    k: int  # the round's anonymity threshold (`threshold`)
    derived: Derived = field(default_factory=Derived, repr=False, compare=False)  # of these groups and this k only
    round_id: int = field(init=False, repr=False, compare=False)  # plain: read for every reader of the round
    number: int = field(init=False, repr=False, compare=False)  # the round's number, plain as well

    def __post_init__(self) -> None:
        self.round_id, self.number = self.round.id, self.round.number

    def whole(self) -> Group:
        """Every answer, shown or not: see `shown`."""
        if not self.derived.whole:
            self.derived.whole.append(merged(self.groups.values()))
        return self.derived.whole[0]

    def mine(self, asked: Asked) -> frozenset[str | None]:
        """The group that holds the reader's own answer if they gave one: their team's, or that of no team when their
        team is not named among the answers (bot/pulse/ballots.py); none when they were not asked."""
        if not asked.rounds or self.round_id not in asked.rounds:
            return NOBODY
        return frozenset({asked.team if asked.team in self.groups else None})

    def need(self, asked: Asked, group: str | None = WHOLE) -> int:
        """How many respondents the whole survey (or a team's slice) needs to be shown to this reader."""
        mine = self.mine(asked)
        return self.k + 1 if mine and (group == WHOLE or group in mine) else self.k

    def labels(self, asked: Asked = NOT_ASKED) -> dict[str, list[str | None]]:
        """Which answer groups make up each slice this reader may see (`suppress`): a team's own, OTHER the rest."""
        return self._labels_for(self.mine(asked))

    def _labels_for(self, mine: frozenset[str | None]) -> dict[str, list[str | None]]:
        derived = self.derived
        if mine not in derived.same:  # a thousand readers of a round have a few dozen groups of their own
            derived.same[mine] = self._same_as_anyone(mine)
        mine = derived.same[mine]
        if mine not in derived.labels:
            if not derived.sizes:
                derived.sizes.update((name, group.respondents) for name, group in self.groups.items())
            derived.labels[mine] = suppress(derived.sizes, self.k, mine)
        return derived.labels[mine]

    def slices(self, asked: Asked = NOT_ASKED) -> dict[str, Group]:
        """The team slices that may be shown to this reader, and OTHER for everything else merged (`suppress`)."""
        return {label: self._group(names) for label, names in self.labels(asked).items()}

    def _group(self, names: list[str | None]) -> Group:
        """A slice's answers: a team's group itself, or the groups merged (once a round) for OTHER."""
        if len(names) == 1:
            return self.groups[names[0]]
        key = tuple(names)
        if key not in self.derived.merged:
            self.derived.merged[key] = merged(self.groups[name] for name in names)
        return self.derived.merged[key]

    def _same_as_anyone(self, mine: frozenset[str | None]) -> frozenset[str | None]:
        """No reader-specific suppression where the +1 changes nothing: the reader's group is shown on its own (or
        is part of OTHER) with a respondent to spare in what everyone sees. Then the reader shares everyone's slices,
        so a batch of a thousand readers computes a round's suppression a few times, not once per team."""
        if not mine:
            return mine
        (name,) = mine
        anyone = self._labels_for(NOBODY)  # computed once per round
        if name is not None and name in anyone and self.groups[name].respondents >= self.k + 1:
            return frozenset()  # shown alone with k + 1: never merged first, so every step is the same
        if name is None and OTHER in anyone and self._rest() >= self.k + 1:
            return frozenset()  # the merged rest already holds k + 1: the merging stops at the same step
        return mine

    def _rest(self) -> int:
        """Respondents in everyone's OTHER."""
        if not self.derived.others:
            self.derived.others.append(sum(self.groups[name].respondents for name in self.labels().get(OTHER, [])))
        return self.derived.others[0]

    def shown(self, group: str, asked: Asked = NOT_ASKED) -> Group | None:
        """The whole survey (WHOLE) or a team's slice as this reader may see it; None when it may not be shown. The
        answer depends on the group and, when the round asked the reader, on their team only: worked out once."""
        key: ShownKey = (group, asked.team) if asked.rounds and self.round_id in asked.rounds else group
        shown = self.derived.shown
        if key not in shown:
            shown[key] = self._shown(group, asked)
        return shown[key]

    def _shown(self, group: str, asked: Asked) -> Group | None:
        mine = self.mine(asked)
        if group != WHOLE:
            own = self.groups.get(group)
            if own is None or own.respondents < (self.k + 1 if group in mine else self.k):
                return None  # below what `suppress` asks of it: never a slice of its own, whatever the others
            names = self._labels_for(mine).get(group)
            return None if names is None else self._group(names)
        whole = self.whole()
        return whole if whole.respondents >= (self.k + 1 if mine else self.k) else None


def merged(groups: Iterable[Group]) -> Group:
    """The groups as one; a single group is itself (tallies are read-only once counted)."""
    groups = list(groups)
    if len(groups) == 1:
        return groups[0]
    total = Group()
    for group in groups:
        total.add(group)
    return total


def average(counts: Mapping[int | str | None, int]) -> float | None:
    return Scores.of(counts).average()


def enps(counts: Mapping[int | str | None, int]) -> int | None:
    """% promoters (9–10) minus % detractors (0–6)."""
    return Scores.of(counts).enps()


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def dependents(settings: Settings, team: str) -> set[str]:
    """The teams that depend on `team`: its internal customers."""
    return {name for name, needed in settings.org.dependencies.items() if team in needed}


def about(survey: Survey, teams: frozenset[str]) -> bool:
    """A survey of a team, or of its internal customers, is reported whole to that team's manager."""
    return about_team(survey) in teams


def about_team(survey: Survey) -> str | None:
    """The team a survey is about (`about`): the one it asks, or whose internal customers it asks; None: no team."""
    kind, _, name = survey.audience.partition(":")
    return name if kind in ("team", "customers") else None


def asked_teams(settings: Settings, survey: Survey, teams: frozenset[str]) -> list[str]:
    """Which of `teams` the survey asks."""
    return asked_of(audience_teams(settings, survey), teams)


def audience_teams(settings: Settings, survey: Survey) -> frozenset[str] | None:
    """The teams a survey asks; None: everyone."""
    kind, _, name = survey.audience.partition(":")
    if kind == "team":
        return frozenset({name})
    return frozenset(dependents(settings, name)) if kind == "customers" else None


def asked_of(audience: frozenset[str] | None, teams: frozenset[str]) -> list[str]:
    """Which of `teams` an audience (`audience_teams`) includes."""
    return sorted(teams if audience is None else teams & audience)
