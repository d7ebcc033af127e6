"""One-on-one agendas, the overdue flag and the digest section: what the rhythm sends and the digest shows.

Both people of a pair get its shared agenda the working day before the meeting; admins see only totals, in the
organisation-wide digest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import groupby
from operator import attrgetter
from typing import NamedTuple, cast
from zoneinfo import ZoneInfo

from bot.kernel.blockers import Analysis, category_label
from bot.kernel.calendar import WEEKDAY_NAMES, at_local, iso_week
from bot.kernel.context import Due, Tick
from bot.kernel.i18n import Translator
from bot.kernel.kudos_text import giver_name, kudos_text
from bot.kernel.people import who
from bot.kernel.sections import DigestScope, SectionBlocks, people_by_id
from bot.kernel.views import Button, Buttons, Fields, Text, View
from bot.oneonones.goal_topics import GoalTopics, goal_sections, load_goal_topics
from bot.oneonones.pairs import (
    ADD,
    Pair,
    cadence_name,
    example,
    is_overdue,
    manager_zones,
    next_meeting,
    pair_rows,
    read_pairs,
    since_of,
)
from bot.oneonones.whys import agenda_lines, analysis_of
from storage.digest_queries import DigestQueries, Member, PairRow
from storage.models import Checkin, Expectation, Goal, Kudos, OneOnOneEntry, Person
from storage.uow import UnitOfWork

OVERDUE_WEEKDAY, OVERDUE_HOUR = 0, 9  # overdue pairs are flagged at the manager's local Monday 09:00


@dataclass(frozen=True)
class Agenda:
    pair: Pair
    entries: list[OneOnOneEntry]
    checkins: list[Checkin]
    kudos: list[Kudos]
    goals: list[Goal]
    people: dict[int, Person]  # authors and kudos givers
    analysis: Analysis | None = None  # an open 5 Whys about a recurring blocker
    topics: GoalTopics | None = None  # key results that need attention; the growth topic
    proposals: list[Expectation] = field(default_factory=list)  # expectations proposed, waiting for agreement


async def load_agenda(uow: UnitOfWork, pair: Pair, growth_every: int = 4, now: datetime | None = None) -> Agenda:
    """Everything since the last meeting (or since the pair started)."""
    since = at_local(pair.since, 0, pair.zone)
    entries = list(await uow.oneonones.agenda_entries(pair.row.id, pair.row.last_held_on))
    kudos = list(await uow.oneonones.kudos_received_since(pair.report.id, since))
    proposals = list(await uow.expectations.of(pair.report.id, ("proposed",)))
    people = await uow.people.by_ids([e.author_id for e in entries if e.author_id] +
                                     [k.giver_id for k in kudos if k.giver_id is not None] +
                                     [e.proposed_by_id for e in proposals if e.proposed_by_id])
    return Agenda(pair=pair, entries=entries, checkins=list(await uow.oneonones.checkins_since(pair.report.id, since)),
                  kudos=kudos, goals=list(await uow.goals.of(pair.report.id, include_done=False)), people=people,
                  analysis=await analysis_of(uow, pair),
                  topics=await load_goal_topics(uow, pair, growth_every, now), proposals=proposals)


def agenda_view(t: Translator, agenda: Agenda, viewer: Person, zone: ZoneInfo, prefix: str = "/") -> View:
    """The shared agenda, as `viewer` reads it (their language, their time zone, examples naming the other)."""
    pair, people = agenda.pair, agenda.people
    report, since = who(pair.report), pair.since.isoformat()

    def author(entry: OneOnOneEntry) -> str:
        return who(people[entry.author_id]) if entry.author_id in people else t("a former colleague")

    topics = [t("• {topic} — from {name}", topic=e.text, name=author(e)) for e in agenda.entries if e.kind == "topic"]
    actions = [t("• #{id} {text}", id=e.id, text=e.text) for e in agenda.entries if e.kind == "action"]
    notes = [t("• {note} — {name}", note=e.text, name=author(e)) for e in agenda.entries if e.kind == "note"]
    checkins = [checkin_line(t, c) for c in agenda.checkins]
    kudos = [t("• {date} from {giver}: {message}", date=k.created_at.astimezone(zone).date().isoformat(),
               giver=giver_name(t, k.giver_id, people), message=kudos_text(t, k.message, k.idea_id, k.effect))
             for k in agenda.kudos]
    goals = [t("• #{id} {title}: {progress}% (due {due})", id=g.id, title=g.title, progress=g.progress,
               due=g.due_date.isoformat()) if g.due_date else
             t("• #{id} {title}: {progress}%", id=g.id, title=g.title, progress=g.progress) for g in agenda.goals]
    sections = [
        (t("Topics"), topics or [t("No topics yet. Add one: {example}",
                                   example=example(t, prefix, ADD, pair.other(viewer)))]),
        (t("Open action items"), actions or [t("No open action items.")]),
        *([(t("Notes from last time"), notes)] if notes else []),
        *([(t("5 Whys"), agenda_lines(t, agenda.analysis, pair.report, pair.other(viewer), prefix))]
          if agenda.analysis else []),
        (t("Check-ins of {name} since {date}", name=report, date=since), checkins or [t("No check-ins yet.")]),
        (t("Kudos {name} received since {date}", name=report, date=since), kudos or [t("No kudos yet.")]),
        (t("Open goals of {name}", name=report), goals or [t("No open goals.")]),
        *goal_sections(t, agenda.topics, report, f"{prefix}grow add …"),
        *([(t("Expectations proposed for {name}: agree together", name=report), [
            t("• #{id} {text} — proposed by {name}; {agree} or {decline}", id=e.id, text=e.text, name=(
                who(people[e.proposed_by_id]) if e.proposed_by_id in people else t("a former colleague")),
              agree=f"{prefix}expectations agree {e.id}", decline=f"{prefix}expectations decline {e.id}")
            for e in agenda.proposals])] if agenda.proposals else []),
    ]
    day = pair.next_day
    return View(title=t("1:1 agenda: {manager} and {report}, {weekday} {date}", manager=who(pair.manager),
                        report=report, weekday=t(WEEKDAY_NAMES[day.weekday()]), date=day.isoformat()),
                blocks=[Text(text="\n".join([heading, *lines])) for heading, lines in sections])


def checkin_line(t: Translator, checkin: Checkin) -> str:
    week, mood = checkin.period.split("-W")[1], f"{checkin.mood}/5" if checkin.mood else "—"
    if checkin.blockers and checkin.blocker_category:
        return t("• Week {week}: mood {mood} — ⚠ blocked ({category}): {blockers}", week=week, mood=mood,
                 category=category_label(t, checkin.blocker_category), blockers=checkin.blockers)
    if checkin.blockers:
        return t("• Week {week}: mood {mood} — ⚠ blocked: {blockers}", week=week, mood=mood,
                 blockers=checkin.blockers)
    return t("• Week {week}: mood {mood}", week=week, mood=mood)


async def due(tick: Tick) -> list[Due]:
    """Each participant's agenda the working day before, at their own local hour; overdue pairs on the manager's
    Monday."""
    hour = tick.deps.settings.oneonone.agenda_hour
    items: list[Due] = []
    agendas: list[tuple[str, Pair, Person]] = []
    everyone = {person.id: person for person in await tick.uow.people.all()}
    for pair in await read_pairs(tick.uow, tick.deps.settings, tick.now, everyone, tick.uow.people.by_ids):
        eve = tick.working_day_before(pair.next_day)  # a Monday meeting's agenda comes on Friday
        for person in (pair.manager, pair.report):
            if tick.in_grace(at_local(eve, hour, tick.zone(person))) and not tick.is_away(person, eve):
                agendas.append((f"1on1-agenda:{pair.row.id}:{pair.next_day.isoformat()}:{person.uid}", pair, person))
        # Once per ISO week; a Monday off (holiday, away) skips that week's flag rather than moving it.
        instant, monday = tick.latest_slot(pair.manager, OVERDUE_WEEKDAY, OVERDUE_HOUR)
        if tick.in_grace(instant) and not tick.is_day_off(pair.manager, monday) and pair.overdue(monday):
            items.append(tick.due(f"1on1-overdue:{pair.row.id}:{iso_week(monday)}", "1on1.overdue", pair.manager,
                                  lambda t, pair=pair: overdue_view(t, pair)))
    # Load an agenda only when someone is still owed it: ticks in the grace window mostly find it sent.
    sent = await tick.uow.deliveries.existing_keys([key for key, _, _ in agendas])
    loaded: dict[int, Agenda] = {}
    for key, pair, person in agendas:
        if key in sent:
            continue
        if pair.row.id not in loaded:
            loaded[pair.row.id] = await load_agenda(tick.uow, pair, tick.deps.settings.oneonone.growth_every,
                                                     tick.now)
        zone = tick.zone(person)
        items.append(tick.due(key, "1on1.agenda", person, lambda t, a=loaded[pair.row.id], p=person, z=zone:
                              agenda_view(t, a, p, z)))
    return items


def overdue_view(t: Translator, pair: Pair) -> View:
    params = {"name": who(pair.report), "date": pair.since.isoformat(),
              "cadence": cadence_name(t, pair.row.cadence_days), "command": f"/1on1 done @{pair.report.handle}"}
    text = t("Your last 1:1 with {name} was on {date}, and you meet {cadence}. Hold one soon and record it with "
             "{command}.", **params) if pair.row.last_held_on else t(
        "You have not held a 1:1 with {name} since {date}, and you meet {cadence}. Hold one soon and record it "
        "with {command}.", **params)
    return View(title=t("Your 1:1s with {name} are overdue", name=who(pair.report)), blocks=[
        Text(text=text),
        Buttons(buttons=[Button(label=t("Show the agenda"), command=f"1on1 agenda @{pair.report.email}")])])


async def digest_section(scope: DigestScope) -> SectionBlocks:
    return (await digest_batch([scope]))[0]


async def digest_batch(scopes: list[DigestScope]) -> list[SectionBlocks]:
    """Many digests' 1:1 sections from one query (the tick builds every manager's digest at once): each pair's row
    is read where it stands, with no `Pair` made of it."""
    if not scopes:
        return []
    org_wide = any(scope.org_wide for scope in scopes)
    known = people_by_id(scopes)  # without an admin's: the reports
    settings = scopes[0].deps.settings
    # A manager's digest covers their own reports, whose pairs are theirs: read by the readers' ids.
    rows, people = await pair_rows(scopes[0].uow, settings, scopes[0].deps.clock.now(), known,
                                   DigestQueries(scopes[0].uow.session).members,
                                   report_ids=None if org_wide else list(known),
                                   managers=None if org_wide else [scope.reader_id for scope in scopes if scope.people])
    by_manager: dict[int, list[PairRow]] = {}  # in the order of the reports' names, as each digest lists them
    for manager_id, pairs in groupby(rows, attrgetter("manager_id")):  # a manager batch's come grouped: a run each
        by_manager.setdefault(manager_id, []).extend(pairs)
    zones = manager_zones(settings, rows, people)
    return [digest_blocks(scope, list(by_manager.items()) if scope.org_wide else
                          [(scope.reader_id, by_manager.get(scope.reader_id, []))], people, zones)
            for scope in scopes]


class Labels(NamedTuple):
    """The section's heading and fields as every digest in one language has them, translated once, not once a
    digest."""

    heading: str
    held: str
    coming: str
    overdue: str
    on: str  # the template of an upcoming meeting: "{name} on {date}"

    @classmethod
    @lru_cache(maxsize=16)  # once a language for the process: translations never change while it runs
    def of(cls, t: Translator) -> Labels:
        return cls(heading=t("1:1s"), held=t("Held this week"), coming=t("Coming up in the next 7 days"),
                   overdue=t("Overdue"), on=t.template("{name} on {date}"))


# Where a pair stands depends on the covered week in its manager's zone, its last meeting and its cadence; a pair
# with no meeting recorded, on its start in that zone instead.
PairKey = tuple[tuple[date, date], date, int] | tuple[ZoneInfo, datetime, int, tuple[date, date]]
PairKind = tuple[bool, str | None, bool]  # held in the covered week, the next meeting if in the 7 days after, overdue


def kind_of(week: tuple[date, date], row: PairRow, zone: ZoneInfo) -> PairKind:
    """Where a pair stands in the covered `week` (its first and last day in the manager's `zone`): a function of
    the row's `PairKey` only."""
    start, end = week
    since = since_of(row, zone)
    day = next_meeting(since, row.cadence_days)
    return (row.last_held_on is not None and start < since <= end,
            day.isoformat() if end <= day < end + timedelta(days=7) else None,
            is_overdue(end, since, row.cadence_days))


@lru_cache(maxsize=256)  # a batch's thousands of pairs have a few dozen managers' zones
def local_week(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, date]:
    return start.astimezone(zone).date(), end.astimezone(zone).date()


def digest_blocks(scope: DigestScope, found: list[tuple[int, list[PairRow]]], people: Mapping[int, Member],
                  zones: Mapping[int, ZoneInfo]) -> SectionBlocks:
    """Held in the covered week, coming up in the 7 days after it, overdue: names for a manager, counts org-wide.
    `found`: the pairs by manager (a manager's digest has its reader's only, in the order it lists them)."""
    if not any(rows for _, rows in found):
        return []
    held: list[PairRow] = []  # by last_held_on: only the latest meeting of a pair is stored
    upcoming: list[tuple[PairRow, str]] = []
    overdue: list[PairRow] = []
    # Per covered week, shared by the batch: the zones fall in two or three local weeks, so ten thousand pairs have
    # a few hundred `PairKey`s.
    weeks = cast(dict[tuple[datetime, datetime], dict[PairKey, PairKind]], scope.shared.setdefault("1:1 kinds", {}))
    kinds = weeks.setdefault((scope.start, scope.end), {})
    for manager_id, rows in found:
        zone = zones[manager_id]
        week = local_week(scope.start, scope.end, zone)
        for row in rows:
            key: PairKey = (week, row.last_held_on, row.cadence_days) if row.created_at is None else (
                zone, row.created_at, row.cadence_days, week)  # no meeting yet: its start's local date is the zone's
            if (kind := kinds.get(key)) is None:
                kind = kinds[key] = kind_of(week, row, zone)
            was_held, day, late = kind
            if was_held:
                held.append(row)
            if day is not None:
                upcoming.append((row, day))
            if late:
                overdue.append(row)
    labels = Labels.of(scope.t)
    if scope.org_wide:
        return [Text(text=scope.t.plural("1:1s: {n} manager–report pair", "1:1s: {n} manager–report pairs",
                                         sum(len(rows) for _, rows in found))),
                Fields(fields=[(labels.held, str(len(held))), (labels.coming, str(len(upcoming))),
                               (labels.overdue, str(len(overdue)))])]
    coming = ", ".join(labels.on.format(name=who(people[row.report_id]), date=day) for row, day in upcoming)
    return [Text(text=labels.heading), Fields(fields=[
        (labels.held, ", ".join(who(people[row.report_id]) for row in held) or "—"),
        (labels.coming, coming or "—"),
        (labels.overdue, ", ".join(who(people[row.report_id]) for row in overdue) or "—")])]
