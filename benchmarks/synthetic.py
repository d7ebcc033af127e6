"""A synthetic organisation and its year of history, as plain rows (deterministic: one seeded Random).

10 people per manager: managers 1..M form a tree (the CEO, area heads, directors, line managers),
everyone else reports to a line manager. A line manager and their reports are a team. The history is
the 52 weeks before common.DIGEST_AT: check-ins, kudos, pulse rounds and answers, ideas, goals, 1:1s.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from benchmarks.common import ADMIN, DIGEST_AT

WEEKS = 52
START = DIGEST_AT - timedelta(weeks=WEEKS)  # a Monday, 09:00 UTC
ZONES = ["Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver", "America/Chicago",
         "America/New_York", "America/Halifax", "America/Sao_Paulo", "Atlantic/South_Georgia", "Atlantic/Azores",
         "Europe/London", "Europe/Stockholm", "Europe/Helsinki", "Europe/Moscow", "Asia/Dubai", "Asia/Karachi",
         "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Shanghai", "Asia/Taipei", "Asia/Tokyo",
         "Australia/Sydney", "Pacific/Auckland"]
ZONE_LOCALE = {"Europe/Stockholm": "sv", "Asia/Shanghai": "zh_Hans", "Asia/Taipei": "zh_Hant"}
LOCALES = ["en", "sv", "zh_Hans", "zh_Hant"]
AREAS = ["Apps", "Platform", "Data", "Sales", "Support", "Finance", "People", "Design", "Security", "Research"]
FIRST = ["Ana", "Bo", "Cy", "Dana", "Eli", "Fei", "Gus", "Hana", "Ivo", "Jun", "Kim", "Lea", "Mo", "Nils", "Ola",
         "Pia", "Qi", "Rui", "Sara", "Tom", "Uma", "Vik", "Wei", "Xin", "Yara", "Zoe"]
LAST = ["Berg", "Chen", "Diaz", "Eklund", "Fischer", "Garcia", "Huang", "Ito", "Jensen", "Khan", "Lind", "Moreau",
        "Nakamura", "Olsen", "Park", "Quist", "Rossi", "Singh", "Tanaka", "Urban", "Varga", "Wang", "Yilmaz", "Zhou"]
VALUES = ["teamwork", "customer", "quality", "ownership", "learning"]
WELL = ["Shipped the release", "Pairing went well", "Closed the incident", "Good customer call", "Fixed flaky tests",
        "Finished the design review", "Onboarded a new colleague", "Cut the build time"]
NEXT = ["Start the migration", "Write the runbook", "Plan the next sprint", "Profile the slow endpoint",
        "Prepare the demo", "Review the roadmap", "Interview candidates"]
KINDS = ["waiting", "requirements", "tools", "meetings", "skills", "other"]
KIND_WEIGHTS = [40, 25, 15, 10, 6, 4]
BLOCKERS = ["Waiting for access to the staging cluster", "Blocked on the API review", "Laptop replacement pending",
            "Unclear requirements from sales", "CI queue is too slow", "Vendor has not answered"]
THANKS = ["Thanks for the release notes", "Great help with the incident", "Thanks for pairing on the bug",
          "Superb demo for the customer", "Thanks for reviewing so fast", "Great onboarding docs"]
IDEAS = ["Cache pip wheels in CI", "A shared calendar for on-call", "Fewer recurring meetings",
         "Self-service VPN access", "Rotate the demo host", "Quiet hours on Fridays", "Automate the release notes",
         "A buddy for new joiners"]
GOALS = ["Reduce p95 latency to 200 ms", "Ship the mobile onboarding", "Migrate billing to the new API",
         "Halve the support backlog", "Write the security runbook", "Raise test coverage to 80%"]


@dataclass
class Tables:
    """Rows per table, as tuples in the order of `columns[table]`; inserted in `order`."""

    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def table(self, name: str, *columns: str) -> list[tuple[Any, ...]]:
        self.columns[name], self.rows[name] = columns, []
        self.order.append(name)
        return self.rows[name]


@dataclass
class Org:
    size: int
    managers: int
    manager_of: list[int | None]  # index: person id (0 unused)
    team_of: list[int]
    team_names: list[str]  # index: team id - 1
    members: dict[int, list[int]]  # team id → person ids
    uids: list[str]


def random_time(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.random() * (end - start).total_seconds())


def hexid(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def people(rng: random.Random, tables: Tables, size: int) -> Org:
    managers = max(size // 10, 2)
    manager_of: list[int | None] = [None, None] + [(i - 2) // 10 + 1 for i in range(2, managers + 1)]
    first_leaf = (managers - 2) // 10 + 2
    leaves = list(range(first_leaf, managers + 1))
    sizes = [(size - managers) // len(leaves)] * len(leaves)
    for n in range((size - managers) % len(leaves)):
        sizes[n] += 1
    for _ in range(len(leaves)):  # uneven teams, 4 people at least
        a, b, k = rng.randrange(len(leaves)), rng.randrange(len(leaves)), rng.randint(0, 3)
        if sizes[a] - k >= 4:
            sizes[a], sizes[b] = sizes[a] - k, sizes[b] + k
    for leaf, count in zip(leaves, sizes, strict=True):
        manager_of += [leaf] * count
    area = {1: "Executive"}
    for i in range(2, managers + 1):
        area[i] = AREAS[(i - 2) % len(AREAS)] if manager_of[i] == 1 else area[manager_of[i]]  # type: ignore[index]
    team_names: list[str] = []
    team_ids: dict[str, int] = {}
    team_of = [0] * (size + 1)
    for i in range(1, size + 1):
        lead = i if i <= managers else manager_of[i]
        assert lead is not None
        name = ("Executive" if lead == 1 else f"{area[lead]} team {lead:04d}" if lead >= first_leaf
                else f"{area[lead]} leadership")
        if name not in team_ids:
            team_names.append(name)
            team_ids[name] = len(team_names)
        team_of[i] = team_ids[name]
    rows = tables.table("teams", "id", "name")
    rows += [(n + 1, name) for n, name in enumerate(team_names)]
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(1, size + 1):
        members[team_of[i]].append(i)
    home = {team: rng.choice(ZONES) for team in members}
    uids = [""] + [hexid(rng) for _ in range(size)]
    person_rows = tables.table("people", "id", "uid", "email", "name", "manager_id", "team_id", "timezone", "locale",
                               "created_at", "away_until", "checkin_weekday", "checkin_hour", "digest_weekday",
                               "digest_hour")
    for i in range(1, size + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        roll = rng.random()
        zone = None if roll < 0.03 else home[team_of[i]] if roll < 0.85 else rng.choice(ZONES)
        roll = rng.random()
        locale = (None if roll < 0.2 else ZONE_LOCALE.get(zone or "", "en") if roll < 0.9 else rng.choice(LOCALES))
        away = START.date() + timedelta(days=rng.randrange(300)) if rng.random() < 0.02 else None
        own_checkin = rng.random() < 0.1
        own_digest = i <= managers and rng.random() < 0.1  # Monday or Tuesday: never due at the tick instant
        person_rows.append((
            i, uids[i], ADMIN if i == 1 else f"{first}.{last}.{i}@example.com".lower(), f"{first} {last}",
            manager_of[i], team_of[i], zone, locale, START - timedelta(days=rng.randrange(30, 900)), away,
            rng.randrange(5) if own_checkin else None, rng.randrange(8, 18) if own_checkin else None,
            rng.randrange(2) if own_digest else None, rng.randrange(7, 11) if own_digest else None))
    account_rows = tables.table("accounts", "id", "person_id", "platform", "workspace", "user_id", "address",
                                "created_at")
    account_rows += [(i, i, "slack", "T0BENCH", f"U{i:08X}", {"channel": f"D{i:08X}"}, START) for i in
                     range(1, size + 1)]
    return Org(size=size, managers=managers, manager_of=manager_of, team_of=team_of, team_names=team_names,
               members=dict(members), uids=uids)


def checkins(rng: random.Random, tables: Tables, org: Org) -> None:
    """About 96% of people answer each week; mood around each person's own baseline; 7% report blockers."""
    rows = tables.table("checkins", "id", "person_id", "period", "answers", "mood", "blockers", "blocker_category",
                        "submitted_at")
    propensity = [0.0] + [rng.uniform(0.92, 1.0) for _ in range(org.size)]
    baseline = [0.0] + [rng.gauss(3.8, 0.5) for _ in range(org.size)]
    for week in range(WEEKS):
        friday = START + timedelta(days=4 + 7 * week, hours=6)
        period = iso_week(friday.date())
        for person in range(1, org.size + 1):
            if rng.random() >= propensity[person]:
                continue
            mood = min(5, max(1, round(baseline[person] + rng.gauss(0, 0.8))))
            blockers = rng.choice(BLOCKERS) if rng.random() < 0.07 else None
            answers = {"well": rng.choice(WELL), "next": rng.choice(NEXT), "blockers": blockers or "",
                       "mood": str(mood)}
            kind = rng.choices(KINDS, KIND_WEIGHTS)[0] if blockers else None  # a Pareto: a few kinds dominate
            rows.append((len(rows) + 1, person, period, answers, mood, blockers, kind,
                         friday + timedelta(seconds=rng.randrange(60 * 3600))))


def kudos(rng: random.Random, tables: Tables, org: Org) -> None:
    """10 kudos per person a year, 1–3 recipients (mostly teammates), 1–2 values."""
    rows = tables.table("kudos", "id", "giver_id", "message", "created_at")
    recipients = tables.table("kudos_recipients", "kudos_id", "person_id")
    values = tables.table("kudos_values", "kudos_id", "value")
    times = sorted(random_time(rng, START, DIGEST_AT) for _ in range(org.size * 10))
    for kudos_id, created_at in enumerate(times, start=1):
        giver = rng.randint(1, org.size)
        value = rng.choice(VALUES)
        rows.append((kudos_id, giver, f"{rng.choice(THANKS)} #{value}", created_at))
        team = org.members[org.team_of[giver]]
        chosen: set[int] = set()
        for _ in range(rng.choices((1, 2, 3), (75, 20, 5))[0]):
            other = rng.choice(team) if rng.random() < 0.6 else rng.randint(1, org.size)
            if other != giver:
                chosen.add(other)
        if not chosen:
            chosen.add(giver % org.size + 1)
        recipients += [(kudos_id, person) for person in sorted(chosen)]
        values += [(kudos_id, v) for v in sorted({value, rng.choice(VALUES) if rng.random() < 0.3 else value})]


def ideas(rng: random.Random, tables: Tables, org: Org) -> None:
    """One idea per two people; 10% anonymous; votes, comments, and Plan-Do-Check-Act steps for most."""
    rows = tables.table("ideas", "id", "author_id", "author_seal", "anonymous", "owner_id", "text", "status",
                        "created_at", "updated_at")
    changes = tables.table("idea_status_changes", "id", "idea_id", "from_status", "to_status", "note",
                           "changed_by_id", "created_at")
    votes = tables.table("idea_votes", "idea_id", "person_id", "created_at")
    comments = tables.table("idea_comments", "id", "idea_id", "author_id", "text", "created_at")
    path = ["new", "accepted", "doing", "checking", "adopted"]
    times = sorted(random_time(rng, START, DIGEST_AT) for _ in range(org.size // 2))
    for idea_id, created_at in enumerate(times, start=1):
        anonymous = rng.random() < 0.1
        author = None if anonymous else rng.randint(1, org.size)
        steps = rng.choices(range(5), (40, 12, 12, 8, 12))[0]
        declined = rng.random() < 0.16
        owner = rng.randint(1, org.managers) if steps or declined else None
        status, at, updated = "new", created_at, created_at
        for target in [*path[1:steps + 1], *(["declined"] if declined else [])]:
            at += timedelta(days=rng.uniform(1, 20))
            if at >= DIGEST_AT:
                break
            changes.append((len(changes) + 1, idea_id, status, target, "Next step", owner, at))
            status, updated = target, at
        rows.append((idea_id, author, hexid(rng) if anonymous else None, anonymous, owner,
                     f"{rng.choice(IDEAS)} (#{idea_id})", status, created_at, updated))
        voters = {rng.randint(1, org.size) for _ in range(min(60, int(rng.expovariate(1 / 6))))}
        votes += [(idea_id, v, min(created_at + timedelta(days=rng.uniform(0, 30)), DIGEST_AT - timedelta(hours=1)))
                  for v in sorted(voters)]
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            comments.append((len(comments) + 1, idea_id, rng.randint(1, org.size), "We tried this in my last team",
                             min(created_at + timedelta(days=rng.uniform(0, 30)), DIGEST_AT - timedelta(hours=1))))


def goals(rng: random.Random, tables: Tables, org: Org) -> None:
    """About 1.4 goals a person, three in four still open, with a few progress updates each."""
    rows = tables.table("goals", "id", "person_id", "title", "due_date", "progress", "status", "created_at",
                        "updated_at", "completed_at")
    updates = tables.table("goal_updates", "id", "goal_id", "progress", "note", "created_at")
    for person in range(1, org.size + 1):
        for _ in range(rng.choices((0, 1, 2, 3), (20, 35, 30, 15))[0]):
            goal_id = len(rows) + 1
            created_at = random_time(rng, START, DIGEST_AT - timedelta(days=7))
            done = rng.random() < 0.25
            progress = 100 if done else rng.randrange(0, 96, 5)
            at, value = created_at, 0
            for _ in range(rng.randint(0, 3)):
                at = min(at + timedelta(days=rng.uniform(3, 40)), DIGEST_AT - timedelta(hours=1))
                value = min(progress, value + rng.randrange(5, 40, 5))
                updates.append((len(updates) + 1, goal_id, value, "check-in", at))
            rows.append((goal_id, person, rng.choice(GOALS), (created_at + timedelta(days=rng.randint(60, 200))).date(),
                         progress, "done" if done else "open", created_at, at, at if done else None))
