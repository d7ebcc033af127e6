"""The digest's objectives section: key results that need attention (off track, or three weeks without an update)
by name for a manager's own reports; for the organisation, objectives at risk as counts per team, and how many
people have a development plan — never titles."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from bot.digest.sections import everyone
from bot.goals.common import quarter_of
from bot.kernel.objectives import STALE_AFTER, attention, attention_text
from bot.kernel.people import who
from bot.kernel.sections import DigestScope, SectionBlocks
from bot.kernel.views import Fields, Text
from bot.kernel.visibility import sees_personal
from storage.objective_queries import AttentionRow, ObjectiveQueries

MAX_LINES = 10


async def attention_batch(scopes: list[DigestScope]) -> list[SectionBlocks]:
    if not scopes:
        return []
    queries = ObjectiveQueries(scopes[0].uow.session)
    end = max(scope.end for scope in scopes)
    managed: Sequence[int]
    if any(scope.org_wide for scope in scopes):  # the organisation's digest counts; it names nobody
        managed = sorted({pid for scope in scopes if not scope.org_wide for pid in scope.ids})
    else:  # everyone the batch covers, the tuple the other sections pass: its query parameter is written once
        managed = everyone(scopes)
    rows = await queries.needing_attention(managed, end - STALE_AFTER)
    by_person: dict[int, list[AttentionRow]] = defaultdict(list)
    for row in rows:
        by_person[row.person_id].append(row)
    result: list[SectionBlocks] = []
    for scope in scopes:
        if scope.org_wide:
            result.append(await organisation(scope, queries))
        else:
            result.append(team(scope, by_person))
    return result


def team(scope: DigestScope, by_person: dict[int, list[AttentionRow]]) -> SectionBlocks:
    if by_person.keys().isdisjoint(scope.ids):  # most teams: nobody's key result needs attention
        return []
    t = scope.t
    lines: list[str] = []
    others = 0
    for person in scope.people:
        for row in by_person.get(person.id, []):
            reason = attention(row.confidence, row.updated_at, scope.end)
            if reason is None:
                continue
            if not sees_personal(scope.reader_id, person):
                others += 1
                continue
            lines.append(t("{name}: {ref} {title} — {why}", name=who(person), ref=f"{row.goal_id}.{row.position}",
                           title=row.title, why=attention_text(t, reason, row.updated_at.date().isoformat())))
    if not lines and not others:
        return []
    shown = lines[:MAX_LINES] + ([t("… and {n} more", n=len(lines) - MAX_LINES)] if len(lines) > MAX_LINES else [])
    if others:
        shown.append(t("Key results of people who do not report to you: {n}.", n=others))
    return [Text(text="\n".join([t("Key results that need attention"), *shown]))]


async def organisation(scope: DigestScope, queries: ObjectiveQueries) -> SectionBlocks:
    t = scope.t
    at_risk = await queries.at_risk_by_team(None)
    start = scope.end.replace(month=(scope.end.month - 1) // 3 * 3 + 1, day=1, hour=0, minute=0, second=0,
                              microsecond=0)
    with_plan, finished = await queries.growth_counts(scope.ids, start)
    blocks: SectionBlocks = []
    if at_risk:
        blocks += [Text(text=t("Objectives at risk, by team")), Fields(fields=[
            (team or t("No team"), str(n)) for team, n in sorted(at_risk.items(), key=lambda i: (i[0] is None,
                                                                                                  i[0] or ""))])]
    if with_plan or finished:
        blocks.append(Text(text=t("Development plans: {people} people with a plan; {done} items done in {quarter}.",
                                  people=with_plan, done=finished, quarter=quarter_of(scope.end.date()))))
    return blocks
