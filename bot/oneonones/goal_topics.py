"""What goals and growth bring to a 1:1 agenda: the report's key results that need attention (off track, or three
weeks without an update), and on every fourth meeting (configurable) a growth topic with their plan's open items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.kernel.calendar import at_local
from bot.kernel.i18n import Translator
from bot.kernel.objectives import STALE_AFTER, attention, attention_text
from bot.oneonones.pairs import Pair
from storage.models import GrowthItem
from storage.objective_queries import AttentionRow, ObjectiveQueries
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class GoalTopics:
    attention: list[tuple[AttentionRow, str]]  # the key result and why it needs attention
    growth: list[GrowthItem] | None  # None: not a growth meeting
    meeting: int  # the pair's meeting number this agenda is for


async def load_goal_topics(uow: UnitOfWork, pair: Pair, growth_every: int, now: datetime | None) -> GoalTopics:
    day = at_local(pair.next_day + timedelta(days=1), 0, pair.zone)  # as things will stand on the meeting day
    day = max(day, now) if now else day  # an overdue meeting: as they stand now
    rows = await ObjectiveQueries(uow.session).needing_attention([pair.report.id], day - STALE_AFTER)
    found = [(row, reason) for row in rows if (reason := attention(row.confidence, row.updated_at, day))]
    meeting = (pair.row.held_count or 0) + 1
    growth = list(await uow.growth.of(pair.report.id)) if meeting % growth_every == 0 else None
    return GoalTopics(attention=found, growth=growth, meeting=meeting)


def goal_sections(t: Translator, topics: GoalTopics | None, report: str, command: str) -> list[tuple[str, list[str]]]:
    """(heading, lines) for the agenda: key results to talk about, and the growth topic when it is its turn."""
    if topics is None:
        return []
    sections: list[tuple[str, list[str]]] = []
    if topics.attention:
        sections.append((t("Key results of {name} to talk about", name=report), [
            t("• {ref} {title} — {why}", ref=f"{row.goal_id}.{row.position}", title=row.title,
              why=attention_text(t, reason, row.updated_at.date().isoformat())) for row, reason in topics.attention]))
    if topics.growth is not None:
        lines = [t("• #{id} {what}", id=item.id, what=item.what) + (f" — {item.how}" if item.how else "")
                 for item in topics.growth]
        sections.append((t("Growth: how is {name}'s development plan going?", name=report),
                         lines or [t("No development plan yet. Start one: {example}", example=command)]))
    return sections
