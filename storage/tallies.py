"""Published pulse tallies: a round's answers counted once, per question and group, in the transaction that publishes
them (storage/repositories/surveys.py), so no read of results counts the answers again.

A tally holds what a GROUP BY of the answer rows gives — per (round, question, group): how many answered, the sum
of the scores, promoters and detractors, and how often each score or choice was given. Never a person, a time or
anything per respondent, and only the groups the answer rows name (bot/pulse/ballots.py). Results apply the
thresholds and the suppression to these as they did to the rows (bot/pulse/results.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

AnswerCount = tuple[int, int, str | None, int | None, str | None, int]  # round, question, group, score, choice, n


def answer_counts(answers: Iterable[Mapping[str, object]]) -> list[AnswerCount]:
    """How often each answer was given, from `survey_answers` rows as dicts (what the GROUP BY would say)."""
    found = Counter((a["round_id"], a["question_id"], a["group_name"], a["score"], a["choice"]) for a in answers)
    return [(*key, n) for key, n in found.items()]  # type: ignore[misc]


def tally_rows(counts: Iterable[AnswerCount]) -> list[dict[str, object]]:
    """`survey_tallies` rows from how often each answer was given, in a fixed order (they say nothing about
    the order answers came in)."""
    rows: dict[tuple[int, int, str | None], dict[str, object]] = {}
    pairs: dict[tuple[int, int, str | None], list[list[object]]] = {}
    sums: dict[tuple[int, int, str | None], list[int]] = {}  # answered, scored, total, promoters, detractors
    for round_id, question_id, group, score, choice, n in counts:
        key = (round_id, question_id, group)
        if key not in rows:
            rows[key] = {"round_id": round_id, "question_id": question_id, "group_name": group}
            pairs[key], sums[key] = [], [0, 0, 0, 0, 0]
        pairs[key].append([score, choice, n])
        total = sums[key]
        total[0] += n
        if score is not None:
            total[1] += n
            total[2] += score * n
            total[3] += n if score >= 9 else 0
            total[4] += n if score <= 6 else 0
    return [rows[key] | dict(zip(("answered", "scored", "total", "promoters", "detractors"), sums[key], strict=True))
            | {"counts": sorted(pairs[key], key=order)} for key in sorted(rows, key=order)]


def order(values: Iterable[object]) -> tuple[tuple[bool, str], ...]:
    """A total order over rows holding None, ints and strings."""
    return tuple((value is None, f"{value:012d}" if isinstance(value, int) else str(value)) for value in values)
