"""The digest's Pareto of blockers: which kinds of blocker the team named in the last weeks, biggest first, with
the cumulative share and the vital few that make up to 80%; the organisation's also counts the root causes 5 Whys
found, by category (counts only: the whys and causes stay with each 1:1 pair)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from typing import NamedTuple

from bot.digest.sections import weeks
from bot.kernel.blockers import category_label
from bot.kernel.i18n import Translator
from bot.kernel.quality import pareto
from bot.kernel.sections import DigestScope, SectionBlocks
from bot.kernel.views import Fields, Text
from storage.quality_queries import CategoryRow, QualityQueries

PARETO_WEEKS = 8


async def blockers(scopes: list[DigestScope]) -> list[SectionBlocks]:
    """One query for every digest of the batch (and one more for root causes when an admin's is among them)."""
    periods = {id(scope): weeks(scope, PARETO_WEEKS) for scope in scopes}
    queries = QualityQueries(scopes[0].uow.session)
    org_wide = [scope for scope in scopes if scope.org_wide]
    managers = None if org_wide else [scope.reader_id for scope in scopes if scope.people]
    all_weeks = sorted({week for weeks_ in periods.values() for week in weeks_})
    same = len(all_weeks) == PARETO_WEEKS  # every digest covers the same weeks: summed over them in SQL
    rows = await queries.blocker_categories(managers, all_weeks, per_week=not same)
    by_manager: dict[int | None, list[CategoryRow]] = defaultdict(list)  # each team reads only its own rows
    for row in rows:
        by_manager[row.manager_id].append(row)
    causes: dict[str, int] = {}
    if org_wide:
        end = max(scope.end for scope in org_wide)
        causes = await queries.root_causes(end - timedelta(weeks=PARETO_WEEKS), end)
    categories = {row.category for row in rows} | causes.keys()
    words: dict[str, Words] = {}  # by language: a thousand digests are written in a few
    # A team's blocks, by language and counts: four in ten of a thousand teams count the same as another.
    written: dict[tuple[str, frozenset[tuple[str, int]]], SectionBlocks] = {}
    result = []
    for scope in scopes:
        in_weeks = frozenset(periods[id(scope)])
        counts: dict[str, int] = {}
        for row in rows if scope.org_wide else by_manager.get(scope.reader_id, ()):
            if same or row.period in in_weeks:
                counts[row.category] = counts.get(row.category, 0) + row.count
        if (worded := words.get(scope.t.locale)) is None:
            worded = words[scope.t.locale] = Words.of(scope.t, categories)
        if scope.org_wide or not scope.people:
            result.append(pareto_of(scope, counts, causes if scope.org_wide else {}, worded))
            continue
        key = (scope.t.locale, frozenset(counts.items()))
        if (blocks := written.get(key)) is None:
            blocks = written[key] = pareto_of(scope, counts, {}, worded)
        result.append(list(blocks))  # the same blocks (views are never changed), in a list of its own
    return result


class Words(NamedTuple):
    """What every digest in one language says alike: the texts and templates translated, and each category's
    label, once a batch rather than once a digest."""

    heading: str
    nothing: str
    line: str  # a category's count and cumulative share
    vital: str
    causes: str
    labels: dict[str, str]  # category → label

    @classmethod
    def of(cls, t: Translator, categories: Iterable[str]) -> Words:
        return cls(heading=t("Blockers by kind, last {n} weeks", n=PARETO_WEEKS),
                   nothing=t("No blockers with a kind in these weeks."),
                   line=t.template("{count} · {cumulative}% cumulative"),
                   vital=t.template("★ The vital few: {kinds} — {share}% of the blockers. Start there."),
                   causes=t("Root causes found with 5 Whys in 1:1s, by kind (counts only)"),
                   labels={category: category_label(t, category) for category in categories})


def pareto_of(scope: DigestScope, counts: dict[str, int], causes: dict[str, int], words: Words) -> SectionBlocks:
    if not scope.people:
        return []
    rows = pareto(counts)
    labels = words.labels
    blocks: SectionBlocks = [Text(text=words.heading)]
    if not rows:
        blocks.append(Text(text=words.nothing))
    else:
        line = words.line
        blocks.append(Fields(fields=[(labels[row.category], line.format(
            count=row.count, cumulative=round(100 * row.cumulative)) + (" ★" if row.vital else "")) for row in rows]))
        vital = [row for row in rows if row.vital]
        blocks.append(Text(text=words.vital.format(kinds=", ".join(labels[row.category] for row in vital),
                                                   share=round(100 * vital[-1].cumulative))))
    if causes:
        blocks.append(Text(text=words.causes))
        blocks.append(Fields(fields=[(labels[category], str(n)) for category, n in
                                     sorted(causes.items(), key=lambda item: (-item[1], item[0]))]))
    return blocks
