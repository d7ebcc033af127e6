"""The floor: the weekly digest's aggregates for every manager at once, as hand-written SQL.

GROUP BY manager (or by team for pulse results), rows fetched into Python and nothing else: no ORM
objects, no views, no translation. What the digest costs beyond this is the price of building it.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kernel.objectives import STALE_AFTER
from storage.models import UTCDateTime

TIMES = ("start", "end", "since", "since8", "since24", "stale")
REPORTS = "FROM people p WHERE p.manager_id IS NOT NULL"

CORE = {
    "reports": f"SELECT p.manager_id, p.id, p.name, p.email, p.team_id, p.locale {REPORTS}",
    "checkin completion": """
        SELECT p.manager_id, count(*) AS total, count(c.id) AS answered FROM people p
        LEFT JOIN checkins c ON c.person_id = p.id AND c.period = :week
        WHERE p.manager_id IS NOT NULL GROUP BY p.manager_id""",
    "checkin missing": """
        SELECT p.manager_id, p.name FROM people p WHERE p.manager_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.person_id = p.id AND c.period = :week)
        ORDER BY p.manager_id, p.name""",
    "blockers": """
        SELECT p.manager_id, p.name, c.blockers FROM checkins c JOIN people p ON p.id = c.person_id
        WHERE c.period = :week AND c.blockers IS NOT NULL AND p.manager_id IS NOT NULL""",
    "kudos given": """
        SELECT p.manager_id, count(DISTINCT k.id) FROM kudos k JOIN people p ON p.id = k.giver_id
        WHERE k.created_at > :start AND k.created_at <= :end AND p.manager_id IS NOT NULL GROUP BY p.manager_id""",
    "kudos received": """
        SELECT p.manager_id, count(DISTINCT r.kudos_id) FROM kudos_recipients r JOIN kudos k ON k.id = r.kudos_id
        JOIN people p ON p.id = r.person_id
        WHERE k.created_at > :start AND k.created_at <= :end AND p.manager_id IS NOT NULL GROUP BY p.manager_id""",
    # A recognition (kudos from feedbot, no giver: migration 0019) is listed too, as the digest lists it.
    "latest kudos": """
        SELECT * FROM (SELECT p.manager_id, k.id, g.name AS giver, p.name, k.message,
                              row_number() OVER (PARTITION BY p.manager_id ORDER BY k.created_at DESC, k.id DESC) AS n
                       FROM kudos_recipients r JOIN kudos k ON k.id = r.kudos_id JOIN people p ON p.id = r.person_id
                       LEFT JOIN people g ON g.id = k.giver_id
                       WHERE k.created_at > :start AND k.created_at <= :end AND p.manager_id IS NOT NULL) AS ranked
        WHERE n <= 3""",
    "goals": """
        SELECT p.manager_id, count(*), avg(g.progress) FROM goals g JOIN people p ON p.id = g.person_id
        WHERE g.status = 'open' AND p.manager_id IS NOT NULL GROUP BY p.manager_id""",
    "goal lines": """
        SELECT * FROM (SELECT p.manager_id, p.name, g.title, g.progress,
                              row_number() OVER (PARTITION BY p.manager_id ORDER BY p.id, g.id) AS n
                       FROM goals g JOIN people p ON p.id = g.person_id
                       WHERE g.status = 'open' AND p.manager_id IS NOT NULL) AS ranked WHERE n <= 10""",
    "objectives needing attention": """
        SELECT p.manager_id, g.person_id, g.id, k.position, k.title, k.confidence, k.updated_at
        FROM goals g JOIN key_results k ON k.goal_id = g.id JOIN people p ON p.id = g.person_id
        WHERE p.manager_id IS NOT NULL AND g.status = 'open' AND k.status = 'open'
              AND (k.confidence = 'off-track' OR k.updated_at <= :stale)""",
    "new ideas": """
        SELECT p.manager_id, i.id, i.text FROM ideas i JOIN people p ON p.id = i.author_id
        WHERE i.created_at > :start AND i.created_at <= :end AND p.manager_id IS NOT NULL""",
    "idea steps": """
        SELECT p.manager_id, i.id, i.text, s.to_status FROM idea_status_changes s JOIN ideas i ON i.id = s.idea_id
        JOIN people p ON p.id = i.author_id
        WHERE s.created_at > :start AND s.created_at <= :end AND p.manager_id IS NOT NULL""",
    "adopted effects": """
        SELECT m.idea_id, m.baseline, m.target, m.unit, r.value FROM idea_measures m
        LEFT JOIN (SELECT idea_id, max(id) AS last_id FROM idea_results GROUP BY idea_id) l ON l.idea_id = m.idea_id
        LEFT JOIN idea_results r ON r.id = l.last_id
        WHERE m.idea_id IN (SELECT idea_id FROM idea_status_changes
                            WHERE to_status = 'adopted' AND created_at > :start AND created_at <= :end)""",
}

# The rhythm's own sections: 1:1 status per manager, pulse results per team (the last 16 weeks for the trend), read
# from the tallies counted when each round was published (survey_tallies), as the digest reads them.
RHYTHM = {
    "1:1 status": """
        SELECT o.manager_id, count(*),
               sum(CASE WHEN o.last_held_on >= {start_day} AND o.last_held_on < {today} THEN 1 ELSE 0 END),
               sum(CASE WHEN o.last_held_on IS NULL OR {days_since} > 2 * o.cadence_days THEN 1 ELSE 0 END),
               sum(CASE WHEN {days_since} + 7 >= o.cadence_days AND {days_since} <= o.cadence_days
                        THEN 1 ELSE 0 END)
        FROM one_on_ones o JOIN people r ON r.id = o.report_id AND r.manager_id = o.manager_id
        GROUP BY o.manager_id""",
    "pulse by team": """
        SELECT r.survey_id, r.number, t.group_name, t.question_id, t.scored, 1.0 * t.total / t.scored,
               CASE WHEN q.kind = 'enps' THEN t.promoters ELSE 0 END,
               CASE WHEN q.kind = 'enps' THEN t.detractors ELSE 0 END
        FROM survey_tallies t JOIN survey_rounds r ON r.id = t.round_id JOIN survey_questions q ON q.id = t.question_id
        WHERE r.closes_at <= :end AND r.closes_at > :since AND q.kind IN ('scale', 'enps')
              AND t.group_name IS NOT NULL AND t.scored >= 5""",
    "pulse distribution": """
        SELECT t.round_id, t.group_name, t.question_id, t.counts
        FROM survey_tallies t
        WHERE t.round_id IN (SELECT max(r.id) FROM survey_rounds r WHERE r.closes_at <= :end GROUP BY r.survey_id)
              AND t.scored > 0 AND t.group_name IS NOT NULL""",
    # Which readers were asked in which rounds (a group that may hold the reader's own answer needs one more): what
    # the pulse sections read of survey_participation. The digest shows no response rate, so the floor counts none.
    "pulse readers asked": """
        SELECT s.person_id, s.round_id FROM survey_participation s JOIN survey_rounds r ON r.id = s.round_id
        WHERE r.closes_at <= :end AND r.closes_at > :since24
              AND s.person_id IN (SELECT manager_id FROM people WHERE manager_id IS NOT NULL)""",
}


# The quality sections: the mood over 12 weeks (read once: the check-ins' 8-week trend is its last 8 weeks, as in
# the digest), pulse means over 12 rounds (24 weeks of a biweekly survey), the Pareto of blocker kinds over 8 weeks,
# and the root causes 5 Whys found (organisation-wide).
QUALITY = {
    "mood trend and signals": """
        SELECT p.manager_id, c.period, avg(c.mood), count(c.mood) FROM checkins c JOIN people p ON p.id = c.person_id
        WHERE c.period IN :signal_periods AND p.manager_id IS NOT NULL GROUP BY p.manager_id, c.period""",
    "blocker pareto": """
        SELECT p.manager_id, c.blocker_category, count(*) FROM checkins c JOIN people p ON p.id = c.person_id
        WHERE c.period IN :periods AND c.blocker_category IS NOT NULL AND p.manager_id IS NOT NULL
        GROUP BY p.manager_id, c.blocker_category""",
    "root causes": """
        SELECT e.category, count(*) FROM one_on_one_entries e
        WHERE e.kind = 'cause' AND e.created_at > :since8 AND e.created_at <= :end GROUP BY e.category""",
    "pulse series": """
        SELECT r.survey_id, r.number, t.group_name, t.question_id, t.scored, 1.0 * t.total / t.scored
        FROM survey_tallies t JOIN survey_rounds r ON r.id = t.round_id JOIN survey_questions q ON q.id = t.question_id
        WHERE r.closes_at <= :end AND r.closes_at > :since24 AND q.kind = 'scale' AND t.group_name IS NOT NULL
              AND t.scored >= 5""",
}


def dates_sql(dialect: str) -> dict[str, str]:
    if dialect == "postgresql":
        return {"start_day": "CAST(:start_day AS date)", "today": "CAST(:today AS date)",
                "days_since": "(CAST(:today AS date) - o.last_held_on)"}
    return {"start_day": ":start_day", "today": ":today",
            "days_since": "(julianday(:today) - julianday(o.last_held_on))"}


def uses(sql: str, key: str) -> bool:
    return re.search(rf":{key}\b", sql) is not None


@dataclass
class FloorResult:
    seconds: dict[str, float]
    rows: dict[str, int]
    cpu: float = 0.0  # CPU seconds of this process (on SQLite the database's work too: it runs in a thread here)

    def total(self, names: dict[str, str]) -> float:
        return sum(self.seconds[name] for name in names)


async def run(session: AsyncSession, end: datetime, week: str, periods: list[str],
              signal_periods: list[str] | None = None) -> FloorResult:
    """Every aggregate, for every manager, for the week (end - 7 days, end] (as DigestScope.covers)."""
    dialect = session.bind.dialect.name
    start = end - timedelta(days=7)
    values = {"week": week, "periods": periods, "signal_periods": signal_periods or periods, "start": start, "end": end,
              "since": end - timedelta(weeks=16), "since8": end - timedelta(weeks=8),
              "since24": end - timedelta(weeks=24), "stale": end - STALE_AFTER,
              "start_day": start.date() if dialect == "postgresql" else start.date().isoformat(),
              "today": end.date() if dialect == "postgresql" else end.date().isoformat()}
    result = FloorResult({}, {})
    for name, sql in [*CORE.items(), *RHYTHM.items(), *QUALITY.items()]:
        sql = sql.format(**dates_sql(dialect)) if "{" in sql else sql
        statement = text(sql)
        binds = [bindparam(key, type_=UTCDateTime) for key in TIMES if uses(sql, key)]
        binds += [bindparam(key, expanding=True) for key in ("periods", "signal_periods") if uses(sql, key)]
        statement = statement.bindparams(*binds)
        params = {key: value for key, value in values.items() if uses(sql, key)}
        began, cpu = time.perf_counter(), time.process_time()
        rows = (await session.execute(statement, params)).all()
        result.seconds[name] = time.perf_counter() - began
        result.cpu += time.process_time() - cpu
        result.rows[name] = len(rows)
    return result
