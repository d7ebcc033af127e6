"""Digest sections of the everyday features: check-ins and mood, kudos, goals, ideas.

Each section takes every digest being built at once and asks the database once for all of them
(a tick builds a thousand digests; one query per manager would be a thousand queries per section).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import repeat
from typing import NamedTuple, cast
from zoneinfo import ZoneInfo

from bot.ideas.lifecycle import label
from bot.kernel.calendar import iso_week
from bot.kernel.effect import Measured, describe
from bot.kernel.i18n import Translator
from bot.kernel.kudos_text import giver_name, kudos_text
from bot.kernel.people import who
from bot.kernel.sections import DigestScope, SectionBlocks, people_by_id
from bot.kernel.views import Chart, Fields, Text
from bot.kernel.visibility import aggregate_shown, personal, sees_personal
from storage.digest_queries import DigestQueries, EffectRow, IdeaRow, KudosRow, Member

TREND_WEEKS = 8
MOOD_WEEKS = 12  # the longest mood history a section reads (the signals' control charts): one query serves both
MAX_LINES = 10
LATEST_KUDOS = 3


WeekMoods = dict[str, tuple[int, int]]  # week → (sum of the moods, how many)
Moods = tuple[dict[int | None, WeekMoods], WeekMoods]  # (manager → their reports', everyone's): see `team_moods`
NO_MOODS: WeekMoods = {}  # never changed
NO_WEEK = (0, 0)  # a week without a mood: (sum, count)


def weeks(scope: DigestScope, count: int) -> tuple[str, ...]:
    """The ISO weeks ending with the one the digest covers, oldest first."""
    return weeks_in(scope.reader.timezone or scope.deps.settings.org.default_timezone, scope.start, count)


@lru_cache(maxsize=256)  # a batch of a thousand digests has a few dozen (zone, week) pairs
def weeks_in(zone: str, start: datetime, count: int) -> tuple[str, ...]:
    covered = (start.astimezone(ZoneInfo(zone)) + timedelta(days=3)).date()
    return tuple(iso_week(covered - timedelta(weeks=n)) for n in reversed(range(count)))


@lru_cache(maxsize=256)
def week_labels(periods: tuple[str, ...]) -> tuple[str, ...]:
    """A chart's labels for these weeks: "W47" for "2026-W47" (the same few tuples for a whole batch)."""
    return tuple(period[-3:] for period in periods)


def capped(lines: list[str], scope: DigestScope, *, limit: int = MAX_LINES, sep: str = "\n") -> str:
    """At most `limit` items, and "… and N more" when some were left out: a list is never cut silently."""
    return sep.join(lines[:limit] + more(len(lines), scope, limit))


def more(total: int, scope: DigestScope, limit: int = MAX_LINES) -> list[str]:
    """["… and N more"] when `total` items were cut to `limit`; else nothing."""
    return [scope.t("… and {n} more", n=total - limit)] if total > limit else []


def everyone(scopes: list[DigestScope]) -> tuple[int, ...]:
    """Everyone the batch's digests cover, by id: worked out once for all its sections (`DigestScope.shared`); a
    tuple, which `storage.digest_queries.among` writes into a query parameter once."""
    kept = cast(tuple[int, ...] | None, scopes[0].shared.get("everyone"))
    if kept is None:
        kept = scopes[0].shared["everyone"] = tuple(sorted({person_id for scope in scopes for person_id in scope.ids}))
    return kept


def window(scopes: list[DigestScope]) -> tuple:  # type: ignore[type-arg]
    return min(s.start for s in scopes), max(s.end for s in scopes)


async def checkins(scopes: list[DigestScope]) -> list[SectionBlocks]:
    """Completion and who is missing, blockers, and the mood trend (summed per manager and week in SQL)."""
    periods = trend_weeks(scopes)
    queries = DigestQueries(scopes[0].uow.session)
    covered = sorted({weeks_[-1] for weeks_ in periods.values()})  # one week, but for zones a day apart
    # Nearly everyone answers: the database sends who did not and who named a blocker, not every check-in. Managers'
    # digests cover their reports only: read by their managers' ids.
    managers = None if any(s.org_wide for s in scopes) else [s.reader_id for s in scopes if s.people]
    answered = {week: Answered(await queries.unanswered(everyone(scopes), week, managers), {}) for week in covered}
    for row in await queries.blockers(everyone(scopes), covered, managers):
        answered[row.period].blockers[row.person_id] = cast(str, row.blockers)
    moods, organisation = await team_moods(scopes, TREND_WEEKS)
    points = Rounded(1)  # the batch's: its 8,000 trend points hold a few hundred different means
    return [checkins_of(scope, periods[id(scope)], answered[periods[id(scope)][-1]],
                        organisation if scope.org_wide else moods.get(scope.reader_id, NO_MOODS), points)
            for scope in scopes]


def mood_weeks(scopes: list[DigestScope]) -> dict[int, tuple[str, ...]]:
    """Each digest's last MOOD_WEEKS weeks, by `id(scope)`: worked out once a batch for the moods read, the
    check-ins' trend and the signals' control charts (`DigestScope.shared`)."""
    kept = cast(dict[int, tuple[str, ...]] | None, scopes[0].shared.get("mood weeks"))
    if kept is None:
        kept = scopes[0].shared["mood weeks"] = {id(scope): weeks(scope, MOOD_WEEKS) for scope in scopes}
    return kept


def trend_weeks(scopes: list[DigestScope]) -> dict[int, tuple[str, ...]]:
    """Each digest's last TREND_WEEKS weeks, by `id(scope)`: the end of its `mood_weeks`, cut once for each of
    the few different ones."""
    periods = mood_weeks(scopes)
    cut = {twelve: twelve[-TREND_WEEKS:] for twelve in set(periods.values())}
    return {key: cut[twelve] for key, twelve in periods.items()}


class CheckinWords(NamedTuple):
    """What every digest in one language says alike in its check-ins: translated once, not once a digest.
    The templates are filled as `t(msgid, **params)` fills them."""

    answered: str  # template: done, total, week
    not_yet: str  # template: names
    blocker: str  # template: a person's blockers
    blockers: str  # the blockers' heading
    trend: str  # the mood chart's title
    mood: str  # its series

    @classmethod
    @lru_cache(maxsize=16)  # once a language for the process: translations never change while it runs
    def of(cls, t: Translator) -> CheckinWords:
        return cls(answered=t.template("Check-ins: {done} of {total} answered for week {week}."),
                   not_yet=t.template("Not yet: {names}"), blocker=t.template("{name}: {blockers}"),
                   blockers=t("⚠ Blockers"), trend=t("Mood, 1–5, last {n} weeks", n=TREND_WEEKS), mood=t("mood"))


class Rounded(dict[float, float]):
    """Means as a chart draws them, to `digits` decimals: rounded once for each different mean of a batch (a few
    hundred of its thousands of points), not once a point."""

    def __init__(self, digits: int) -> None:
        super().__init__()
        self.digits = digits

    def __missing__(self, value: float) -> float:
        point = self[value] = round(value, self.digits)
        return point


class Answered(NamedTuple):
    """A week's check-ins as a digest shows them: who did not answer, and what blockers those who did named."""

    missing: set[int]
    blockers: dict[int, str]  # person → their blockers (never empty)


async def team_moods(scopes: list[DigestScope], count: int) -> Moods:
    """The moods of each manager's reports per week (manager → week → (sum, count)), and of everyone (week → (sum,
    count): all reports and the top), over at least the last `count` weeks of every digest of the batch. Read once a
    batch for every section that charts them (`DigestScope.shared`): MOOD_WEEKS, the longest any of them reads."""
    span = max(count, MOOD_WEEKS)
    kept = cast(tuple[int, Moods] | None, scopes[0].shared.get("moods"))
    if kept is not None and kept[0] >= count:
        return kept[1]
    org_wide = any(scope.org_wide for scope in scopes)
    periods = set(mood_weeks(scopes).values()) if span == MOOD_WEEKS else {weeks(scope, span) for scope in scopes}
    all_weeks = sorted({week for weeks_ in periods for week in weeks_})  # from the few different digests' weeks
    moods = await DigestQueries(scopes[0].uow.session).moods(
        None if org_wide else [s.reader_id for s in scopes if s.people], all_weeks)  # None too: no manager's
    organisation: dict[str, tuple[int, int]] = {}
    if org_wide:  # the organisation's: only an admin's digest reads it
        for team in moods.values():
            for week, (total, count_) in team.items():
                before = organisation.get(week, (0, 0))
                organisation[week] = (before[0] + total, before[1] + count_)
    scopes[0].shared["moods"] = (span, (moods, organisation))
    return moods, organisation


def checkins_of(scope: DigestScope, periods: tuple[str, ...], answered: Answered,
                moods: dict[str, tuple[int, int]], points: Rounded) -> SectionBlocks:
    """Counts for everyone covered; names, blockers and a mood of few only of those the reader may see (their own
    reports: bot/kernel/visibility.py). An admin's organisation-wide digest is counts unless they manage someone.
    `points`: the batch's, shared by its digests."""
    if not scope.people:
        return []
    t, week, words = scope.t, periods[-1], CheckinWords.of(scope.t)
    unanswered, named = answered
    # Most teams: everyone answered, and nobody named a blocker (tried in C first).
    absent = [] if unanswered.isdisjoint(scope.ids) else [p for p in scope.people if p.id in unanswered]
    done = len(scope.people) - len(absent)
    # A manager's digest covers their own reports, all of whom they may see; the organisation's, only the admin's.
    visible = {p.id for p in personal(scope.reader_id, scope.people)} if scope.org_wide else None
    missing = [who(p) for p in absent if visible is None or p.id in visible]
    blocked = [] if named.keys().isdisjoint(scope.ids) else [p for p in scope.people if p.id in named]
    line = words.blocker
    blockers = [line.format(name=who(p), blockers=named[p.id]) for p in blocked if visible is None or p.id in visible]
    others = len(blocked) - len(blockers)  # counted, never quoted: only they and their managers read them
    weekly = map(moods.get, periods, repeat(NO_WEEK))
    if visible is None or len(visible) == len(scope.people):  # every mood is theirs to see: no threshold
        trend = [points[total / count] if count else None for total, count in weekly]
    else:
        k = scope.deps.settings.pulse.anonymity_threshold
        trend = [round(total / count, 1) if count and aggregate_shown(count, k, False) else None
                 for total, count in weekly]
    blocks: SectionBlocks = [Text(text=words.answered.format(done=done, total=len(scope.people),
                                                             week=week.split("-W")[1]))]
    if missing:
        blocks.append(Text(text=words.not_yet.format(names=capped(missing, scope, sep=", "))))
    if blockers or others:
        lines = [capped(blockers, scope)] if blockers else []
        if others:
            lines.append(t("Blockers reported by people who do not report to you: {n}. Only each of them and their "
                           "manager read the text.", n=others))
        blocks.append(Text(text="\n".join([words.blockers, *lines])))
    if trend.count(None) < len(trend):  # a mood in some week
        blocks.append(Chart(title=words.trend, labels=week_labels(periods), series=[(words.mood, trend)], low=1,
                            high=5))
    return blocks


async def kudos(scopes: list[DigestScope]) -> list[SectionBlocks]:
    """Kudos given and received by each team, with the latest ones they received."""
    start, end = window(scopes)
    rows = await DigestQueries(scopes[0].uow.session).kudos_involving(everyone(scopes), start, end)
    people = people_by_id(scopes)  # the batch's, shared: added to in a copy only
    strangers = {person_id for r in rows for person_id in (r.giver_id, r.recipient_id) if person_id not in people}
    strangers.discard(None)
    if strangers:
        people = {**people, **await DigestQueries(scopes[0].uow.session).members(strangers)}
    # Each person's rows as positions in `rows`, so a team reads only its own: a row two of its people share is
    # taken once, by its position (an int hashes at C speed, a row would call `KudosRow.__hash__`).
    involving: dict[int, list[int]] = defaultdict(list)
    for n, row in enumerate(rows):
        if row.giver_id is not None:  # a recognition is nobody's "given"
            involving[row.giver_id].append(n)
        if row.recipient_id != row.giver_id:
            involving[row.recipient_id].append(n)
    return [kudos_of(scope, [rows[n] for n in dict.fromkeys(n for pid in scope.ids for n in involving.get(pid, ()))],
                     people, (start, end)) for scope in scopes]


class KudosTexts(NamedTuple):
    """The section's texts as every digest in one language has them, translated once, not once a digest."""

    none: str
    counts: str  # the template of "{given} given, {received} received"
    line: str  # the template of a kudos received: "{giver} → {name}: {message}"

    @classmethod
    @lru_cache(maxsize=16)  # once a language for the process
    def of(cls, t: Translator) -> KudosTexts:
        return cls(none=t("Kudos: none given or received this week."),
                   counts=t.template("Kudos: {given} given, {received} received this week."),
                   line=t.template("{giver} → {name}: {message}"))


def kudos_of(scope: DigestScope, rows: list[KudosRow], people: Mapping[int, Member],
             read: tuple[datetime, datetime]) -> SectionBlocks:
    """`rows`: the team's, read for the batch's weeks (`read`); most digests cover all of those."""
    if not scope.people:
        return []
    t, ids, texts = scope.t, set(scope.ids), KudosTexts.of(scope.t)
    in_week = rows if (scope.start, scope.end) == read else [r for r in rows if scope.covers(r.created_at)]
    given = len({r.kudos_id for r in in_week if r.giver_id in ids})
    received = [r for r in in_week if r.recipient_id in ids]
    if not given and not received:
        return [Text(text=texts.none)]
    latest = sorted(received, key=lambda r: (r.created_at, r.kudos_id), reverse=True)
    lines = [texts.line.format(giver=giver_name(t, r.giver_id, people), name=who(people[r.recipient_id]),
                               message=kudos_text(t, r.message, r.idea_id, r.effect))
             for r in latest[:LATEST_KUDOS]] + more(len(latest), scope, LATEST_KUDOS)
    blocks: SectionBlocks = [Text(text=texts.counts.format(given=given, received=len({r.kudos_id for r in received})))]
    return [*blocks, Text(text="\n".join(lines))] if lines else blocks


async def goals(scopes: list[DigestScope]) -> list[SectionBlocks]:
    rows = await DigestQueries(scopes[0].uow.session).open_goals(everyone(scopes))
    by_person = defaultdict(list)
    for goal in rows:
        by_person[goal.person_id].append(goal)
    result: list[SectionBlocks] = []
    for scope in scopes:
        mine = [(p, g) for p in scope.people for g in by_person.get(p.id, ())]
        if not mine:
            result.append([])
            continue
        average = round(sum(g.progress for _, g in mine) / len(mine))
        reader_id = scope.reader_id
        if scope.org_wide:  # titles: person and manager only
            visible = [(p, g) for p, g in mine if sees_personal(reader_id, p)]
            owners = len({p.id for p, _ in mine})
            shown = aggregate_shown(owners, scope.deps.settings.pulse.anonymity_threshold, len(visible) == len(mine))
        else:  # a manager's digest covers their own reports: every title and the average are theirs to read
            visible, shown = mine, True
        blocks: SectionBlocks = [Text(text=scope.t("Goals: {n} open, average progress {average}%.", n=len(mine),
                                                   average=average) if shown else scope.t("Goals: {n} open.",
                                                                                         n=len(mine)))]
        line = scope.t.template("{title} — {progress}%")
        fields = [(who(p), line.format(title=g.title, progress=g.progress)) for p, g in visible[:MAX_LINES]]
        cut: SectionBlocks = [Text(text=line) for line in more(len(visible), scope)]
        result.append([*blocks, Fields(fields=fields), *cut] if fields else blocks)
    return result


async def ideas(scopes: list[DigestScope]) -> list[SectionBlocks]:
    start, end = window(scopes)
    queries = DigestQueries(scopes[0].uow.session)
    org_wide = any(scope.org_wide for scope in scopes)
    rows = [*await queries.new_ideas(everyone(scopes), start, end),
            *await queries.status_changes(everyone(scopes), start, end, unsigned_adopted=org_wide)]
    effects = await queries.effects({row.id for row in rows if row.status == "adopted"})
    by_author: dict[int | None, list[int]] = defaultdict(list)  # positions in `rows`: each team reads only its own
    for n, row in enumerate(rows):
        by_author[row.author_id].append(n)
    result: list[SectionBlocks] = []
    for scope in scopes:
        whose = [*scope.ids, None] if scope.org_wide else scope.ids  # the organisation's also has anonymous ideas
        if by_author.keys().isdisjoint(whose):  # most teams have no idea this week (four in five in the benchmark)
            result.append([])
            continue
        mine = sorted(n for person_id in whose if person_id in by_author for n in by_author[person_id])
        lines = [idea_line(scope, rows[n], effects) for n in mine if scope.covers(rows[n].created_at)]
        heading = scope.t("Ideas in the organisation") if scope.org_wide else scope.t("Ideas from the team")
        result.append([Text(text=heading + "\n" + capped(lines, scope))] if lines else [])
    return result


def idea_line(scope: DigestScope, row: IdeaRow, effects: dict[int, EffectRow]) -> str:
    """New, moved, or adopted with its measured effect."""
    t = scope.t
    if not row.status:
        return t("New: #{id} {text}", id=row.id, text=row.text[:80])
    effect = effects.get(row.id) if row.status == "adopted" else None
    if effect is not None:
        return t("#{id} {text} → {status}: {effect}", id=row.id, text=row.text[:60], status=label(t, row.status),
                 effect=describe(t, Measured(effect.baseline, effect.target, effect.unit, effect.result)))
    return t("#{id} {text} → {status}", id=row.id, text=row.text[:60], status=label(t, row.status))
