"""Each pulse question's mean across rounds, as a series for a control chart (the digest's signals section).

A series is made only of rounds whose group met that round's anonymity threshold, one after the other: a hidden
round breaks a team's series, which starts again after it (and may be too short to judge).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.kernel.i18n import Translator
from bot.kernel.quality import unbroken
from bot.kernel.sections import DigestScope
from bot.kernel.views import Chart
from bot.pulse.report import DigestBatch
from bot.pulse.results import NO_SCORES, NOT_ASKED, Asked, RoundTally
from storage.models import Survey

SIGNAL_ROUNDS = 12  # closed rounds read for a control chart


@dataclass(frozen=True)
class Series:
    name: str
    labels: list[str]  # "#3": the rounds whose points are in it
    values: list[float]
    # What the digest's signals said of it, by language (bot/digest/signals.py): a pure function of the series,
    # kept with it, so a published round's series kept between batches (`DigestBatch.worded`) is judged once.
    verdicts: dict[str, tuple[list[str], Chart | None]] = field(default_factory=dict, compare=False, repr=False)


async def digest_series(scopes: list[DigestScope]) -> list[list[Series]]:
    """The pulse series each reader may see, the rounds of the whole batch tallied once."""
    if not scopes:
        return []
    # The latest round read with its distribution, which the series do not need: the pulse section reads it next.
    batch = await DigestBatch.load(scopes, SIGNAL_ROUNDS)
    found: list[list[Series]] = []
    for scope in scopes:
        found.append([])
        for survey, ids, team, asked in await batch.groups(scope):
            words = batch.worded(scope, "series", survey, ids)  # a team's managers read the same series
            if (team, asked) not in words:
                words[team, asked] = question_series(scope.t, survey, batch.tallies[ids], team, asked)
            found[-1] += words[team, asked]
    return found


def question_series(t: Translator, survey: Survey, tallies: list[RoundTally], team: str,
                    asked: Asked = NOT_ASKED) -> list[Series]:
    """The mean of each scale question per round since the last round below the threshold (for this reader);
    none without a point."""
    shown = [(tally_.number, tally_.shown(team, asked)) for tally_ in tallies]
    found: list[Series] = []
    for question in (q for q in survey.questions if q.kind == "scale"):
        question_id = question.id  # read once, not once a round (an ORM attribute)
        averages = [(number, None if group is None else group.scores.get(question_id, NO_SCORES).average())
                    for number, group in shown]
        kept = unbroken([None if value is None else (f"#{number}", value) for number, value in averages])
        if kept:
            name = t("Pulse {survey}: {question}", survey=survey.title, question=question.text) if not team else t(
                "Pulse {survey}: {question} (team {team})", survey=survey.title, question=question.text, team=team)
            found.append(Series(name, [label for label, _ in kept], [value for _, value in kept]))
    return found
