"""One-on-ones: a cadence per manager–report pair, a shared agenda the day before, notes and action items.

A pair's topics, notes and action items are private to its two people — admins included see only totals,
in the organisation-wide digest. Pairs come from the reporting lines (Person.manager_id) and are created
when first needed: by a command, a tick or a digest. A pair's dates are the manager's local dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.checkins import WEEKDAY_NAMES
from bot.context import Context, Feature
from bot.digest_scope import DigestScope, SectionBlocks
from bot.errors import UserError
from bot.i18n import N_, Translator
from bot.people import resolve_mention, split_mentions, who
from bot.rhythm import Due, Tick, at_local, iso_week
from bot.settings import Settings
from bot.views import Button, Buttons, Fields, Text, View, text_view
from storage.models import Checkin, Goal, Kudos, OneOnOne, OneOnOneEntry, Person
from storage.uow import UnitOfWork

CADENCES = {"weekly": 7, "biweekly": 14, "monthly": 28}
CADENCE_NAMES = {7: N_("weekly"), 14: N_("every two weeks"), 28: N_("every four weeks")}
MAX_ID = 2**31 - 1  # larger numbers cannot be an entry, and PostgreSQL would refuse to look them up
OVERDUE_WEEKDAY, OVERDUE_HOUR = 0, 9  # overdue pairs are flagged at the manager's local Monday 09:00
# Example commands: {name} is the other person of the pair; the free text comes out in the reader's language.
ADD = N_("1on1 add {name} Career plans")
NOTE = N_("1on1 note {name} Wants to lead the next release")
ACTION = N_("1on1 action {name} Book the course")
CADENCE, DONE, AGENDA = "1on1 cadence {name} weekly", "1on1 done {name}", "1on1 agenda {name}"
SUBCOMMANDS = ("add", "agenda", "note", "action", "done", "cadence")


@dataclass(frozen=True)
class Pair:
    row: OneOnOne
    manager: Person
    report: Person
    zone: ZoneInfo  # the manager's

    @property
    def since(self) -> date:
        """The last meeting, or the day the pair started."""
        return self.row.last_held_on or self.row.created_at.astimezone(self.zone).date()

    @property
    def next_day(self) -> date:
        """Last meeting + cadence, moved off a weekend."""
        day = self.since + timedelta(days=self.row.cadence_days)
        return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)

    def overdue(self, today: date) -> bool:
        return (today - self.since).days >= 2 * self.row.cadence_days

    def other(self, person: Person) -> Person:
        return self.report if person.id == self.manager.id else self.manager


def zone_of(settings: Settings, person: Person) -> ZoneInfo:
    return ZoneInfo(person.timezone or settings.org.default_timezone)


def example(t: Translator, prefix: str, usage: str, person: Person | None = None) -> str:
    return prefix + t(usage, name="@" + (person.handle if person else "lea"))


def cadence_name(t: Translator, days: int) -> str:
    return t(CADENCE_NAMES[days]) if days in CADENCE_NAMES else t.plural("every {n} day", "every {n} days", days)


async def pairs(uow: UnitOfWork, settings: Settings, now: datetime, *, involving: int | None = None,
                report_ids: list[int] | None = None) -> list[Pair]:
    """Current pairs, created first where a reporting line has none yet."""
    cadence = CADENCES[settings.oneonone.cadence]
    await uow.oneonones.create_missing(cadence, now, involving=involving, report_ids=report_ids)
    rows = await uow.oneonones.current(involving=involving, report_ids=report_ids)
    return [Pair(row, manager, report, zone_of(settings, manager)) for row, manager, report in rows]


async def handle(ctx: Context, text: str) -> View:
    word, _, rest = text.partition(" ")
    word = word.lower()
    if not text:
        return await overview(ctx)
    if split_mentions(text, ctx.mentions)[0]:  # `/1on1 @lea` is that pair's agenda
        return await agenda(ctx, text)
    if word == "action" and rest.strip().lower().split(" ")[0] == "done":
        return await close_action(ctx, rest.strip()[4:].strip())
    if word in ("add", "note", "action"):
        return await record(ctx, {"add": "topic"}.get(word, word), rest)
    handler = {"done": done, "agenda": agenda, "cadence": cadence}.get(word)
    if handler is None:
        raise UserError("There is no {command}. Use one of: {commands}.", command=ctx.cmd(f"1on1 {word}"),
                        commands=", ".join(ctx.cmd(f"1on1 {name}") for name in SUBCOMMANDS))
    return await handler(ctx, rest)


async def pair_with(ctx: Context, text: str, usage: str) -> tuple[Pair, str]:
    """The pair of me and the one person mentioned first — my report or my manager — and the rest of the text."""
    tokens, rest = split_mentions(text, ctx.mentions)
    if len(tokens) != 1:
        raise UserError("Mention the one person the 1:1 is with — your report or your manager: {example}",
                        example=example(ctx.t, ctx.prefix, usage))
    other = await resolve_mention(ctx.uow, tokens[0], ctx.mentions)
    if other.id == ctx.me.id:
        raise UserError("1:1s are between a manager and their direct report: mention your report or your manager, "
                        "not yourself: {example}", example=example(ctx.t, ctx.prefix, usage))
    if other.manager_id == ctx.me.id:
        manager, report = ctx.me, other
    elif ctx.me.manager_id == other.id:
        manager, report = other, ctx.me
    elif ctx.is_admin:
        raise UserError("Not allowed: 1:1s are private to the manager and the report, even for admins. "
                        "The organisation-wide digest shows only totals.")
    else:
        raise UserError("Not allowed: {name} is neither your direct report nor your manager. 1:1s are between a "
                        "manager and their direct report, and only those two see them.", name=who(other))
    found = await pairs(ctx.uow, ctx.deps.settings, ctx.now, report_ids=[report.id])
    return next(p for p in found if p.manager.id == manager.id), rest.strip()


async def overview(ctx: Context) -> View:
    mine = await pairs(ctx.uow, ctx.deps.settings, ctx.now, involving=ctx.me.id)
    if not mine:
        return text_view(ctx.t("You have no 1:1s: they are between a manager and their direct reports, and the org "
                               "directory shows neither for you."))
    blocks: list[Text | Fields] = []
    reports = [p for p in mine if p.manager.id == ctx.me.id]
    if reports:
        blocks += [Text(text=ctx.t("With your reports")),
                   Fields(fields=[(who(p.report), status(ctx, p)) for p in reports])]
    manager = [p for p in mine if p.report.id == ctx.me.id]
    if manager:
        blocks += [Text(text=ctx.t("With your manager")),
                   Fields(fields=[(who(p.manager), status(ctx, p)) for p in manager])]
    other = mine[0].other(ctx.me)
    blocks.append(Text(text=ctx.t("Add a topic: {add} · the agenda: {agenda} · after the meeting: {done}",
                                  add=example(ctx.t, ctx.prefix, ADD, other),
                                  agenda=example(ctx.t, ctx.prefix, AGENDA, other),
                                  done=example(ctx.t, ctx.prefix, DONE, other))))
    return View(title=ctx.t("Your 1:1s"), blocks=blocks)


def status(ctx: Context, pair: Pair) -> str:
    last = pair.row.last_held_on.isoformat() if pair.row.last_held_on else ctx.t("never")
    params = {"next": pair.next_day.isoformat(), "last": last, "cadence": cadence_name(ctx.t, pair.row.cadence_days)}
    if pair.overdue(ctx.now.astimezone(pair.zone).date()):
        return ctx.t("⚠ overdue: next was {next}, last held {last}, {cadence}", **params)
    return ctx.t("next {next}, last held {last}, {cadence}", **params)


async def cadence(ctx: Context, text: str) -> View:
    pair, word = await pair_with(ctx, text, CADENCE)
    if pair.manager.id != ctx.me.id:
        raise UserError("Only your manager {name} sets how often you meet. Suggest a change as a topic: {example}",
                        name=who(pair.manager), example=example(ctx.t, ctx.prefix, ADD, pair.manager))
    if word.lower() not in CADENCES:
        raise UserError("Choose weekly, biweekly or monthly: {example}",
                        example=example(ctx.t, ctx.prefix, CADENCE, pair.report))
    pair.row.cadence_days = CADENCES[word.lower()]
    return text_view(ctx.t("Your 1:1s with {name} are now {cadence}; the next one is on {date}.",
                           name=who(pair.report), cadence=cadence_name(ctx.t, pair.row.cadence_days),
                           date=pair.next_day.isoformat()))


async def record(ctx: Context, kind: str, text: str) -> View:
    usage = {"topic": ADD, "note": NOTE, "action": ACTION}[kind]
    pair, body = await pair_with(ctx, text, usage)
    if not body:
        raise UserError("Please add some text: {usage}", usage=example(ctx.t, ctx.prefix, usage, pair.other(ctx.me)))
    body = ctx.require_text(body, usage)
    # Notes and actions written on the day of a recorded meeting belong to it; topics are for the next one.
    held = pair.row.last_held_on if kind != "topic" and pair.row.last_held_on == today(ctx, pair) else None
    entry = OneOnOneEntry(pair_id=pair.row.id, kind=kind, text=body, author_id=ctx.me.id, created_at=ctx.now,
                          held_on=held)
    ctx.uow.oneonones.add(entry)
    await ctx.uow.oneonones.flush()  # the reply needs the entry's number
    name = who(pair.other(ctx.me))
    if kind == "topic":
        return text_view(ctx.t("Added to the agenda of your next 1:1 with {name} ({date}): {topic}", name=name,
                               date=pair.next_day.isoformat(), topic=body))
    if kind == "note":
        return text_view(ctx.t("Note saved for your 1:1s with {name}; only the two of you can see it.", name=name))
    return text_view(ctx.t("Action item #{id} saved for your 1:1s with {name}: {text}. Close it with {command}.",
                           id=entry.id, name=name, text=body, command=ctx.cmd(f"1on1 action done {entry.id}")))


def today(ctx: Context, pair: Pair) -> date:
    return ctx.now.astimezone(pair.zone).date()


async def close_action(ctx: Context, text: str) -> View:
    if not text.isdigit() or int(text) > MAX_ID:
        raise UserError("Give the number of the action item: {example}", example=ctx.cmd("1on1 action done 12"))
    entry = await ctx.uow.oneonones.entry(int(text))
    if entry is None or entry.kind != "action":
        raise UserError("There is no action item #{id}. The agenda lists the open ones: {example}", id=int(text),
                        example=example(ctx.t, ctx.prefix, AGENDA))
    row = await ctx.uow.oneonones.get(entry.pair_id)
    if row is None or ctx.me.id not in (row.manager_id, row.report_id):
        raise UserError("Not allowed: action item #{id} belongs to a 1:1 you are not part of; only its two people "
                        "can see or change it.", id=entry.id)
    if entry.done_at is not None:
        raise UserError("Action item #{id} is already done.", id=entry.id)
    entry.done_at = ctx.now
    return text_view(ctx.t("Action item #{id} is done: {text}", id=entry.id, text=entry.text))


async def done(ctx: Context, text: str) -> View:
    pair, rest = await pair_with(ctx, text, DONE)
    if rest:
        raise UserError("Only the person goes after {command}: {example}", command=ctx.cmd("1on1 done"),
                        example=example(ctx.t, ctx.prefix, DONE, pair.other(ctx.me)))
    day = today(ctx, pair)
    topics = await ctx.uow.oneonones.mark_held(pair.row.id, day)
    pair.row.last_held_on = day
    return text_view(ctx.t.plural(
        "Your 1:1 with {name} is recorded as held on {date}, with {n} topic. The next one is on {next}.",
        "Your 1:1 with {name} is recorded as held on {date}, with {n} topics. The next one is on {next}.",
        topics, name=who(pair.other(ctx.me)), date=day.isoformat(), next=pair.next_day.isoformat()))


async def agenda(ctx: Context, text: str) -> View:
    pair, rest = await pair_with(ctx, text, AGENDA)
    if rest:
        raise UserError("Only the person goes after {command}: {example}", command=ctx.cmd("1on1 agenda"),
                        example=example(ctx.t, ctx.prefix, AGENDA, pair.other(ctx.me)))
    loaded = await load_agenda(ctx.uow, pair)
    return agenda_view(ctx.t, loaded, ctx.me, zone_of(ctx.deps.settings, ctx.me), ctx.prefix)


@dataclass(frozen=True)
class Agenda:
    pair: Pair
    entries: list[OneOnOneEntry]
    checkins: list[Checkin]
    kudos: list[Kudos]
    goals: list[Goal]
    people: dict[int, Person]  # authors and kudos givers


async def load_agenda(uow: UnitOfWork, pair: Pair) -> Agenda:
    """Everything since the last meeting (or since the pair started)."""
    since = at_local(pair.since, 0, pair.zone)
    entries = list(await uow.oneonones.agenda_entries(pair.row.id, pair.row.last_held_on))
    kudos = list(await uow.oneonones.kudos_received_since(pair.report.id, since))
    people = await uow.people.by_ids([e.author_id for e in entries if e.author_id] + [k.giver_id for k in kudos])
    return Agenda(pair=pair, entries=entries, checkins=list(await uow.oneonones.checkins_since(pair.report.id, since)),
                  kudos=kudos, goals=list(await uow.goals.of(pair.report.id, include_done=False)), people=people)


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
               giver=who(people[k.giver_id]) if k.giver_id in people else t("a former colleague"), message=k.message)
             for k in agenda.kudos]
    goals = [t("• #{id} {title}: {progress}% (due {due})", id=g.id, title=g.title, progress=g.progress,
               due=g.due_date.isoformat()) if g.due_date else
             t("• #{id} {title}: {progress}%", id=g.id, title=g.title, progress=g.progress) for g in agenda.goals]
    sections = [
        (t("Topics"), topics or [t("No topics yet. Add one: {example}",
                                   example=example(t, prefix, ADD, pair.other(viewer)))]),
        (t("Open action items"), actions or [t("No open action items.")]),
        *([(t("Notes from last time"), notes)] if notes else []),
        (t("Check-ins of {name} since {date}", name=report, date=since), checkins or [t("No check-ins yet.")]),
        (t("Kudos {name} received since {date}", name=report, date=since), kudos or [t("No kudos yet.")]),
        (t("Open goals of {name}", name=report), goals or [t("No open goals.")]),
    ]
    day = pair.next_day
    return View(title=t("1:1 agenda: {manager} and {report}, {weekday} {date}", manager=who(pair.manager),
                        report=report, weekday=t(WEEKDAY_NAMES[day.weekday()]), date=day.isoformat()),
                blocks=[Text(text="\n".join([heading, *lines])) for heading, lines in sections])


def checkin_line(t: Translator, checkin: Checkin) -> str:
    week, mood = checkin.period.split("-W")[1], f"{checkin.mood}/5" if checkin.mood else "—"
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
    for pair in await pairs(tick.uow, tick.deps.settings, tick.now):
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
            loaded[pair.row.id] = await load_agenda(tick.uow, pair)
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
    """Many digests' 1:1 sections from one query (the tick builds every manager's digest at once)."""
    if not scopes:
        return []
    ids = {person_id for scope in scopes if not scope.org_wide for person_id in scope.ids}
    everyone = any(scope.org_wide for scope in scopes) or len(ids) > 5000  # beyond that, one scan beats IN (...)
    found = await pairs(scopes[0].uow, scopes[0].deps.settings, scopes[0].deps.clock.now(),
                        report_ids=None if everyone else sorted(ids))
    sections = []
    for scope in scopes:
        covered = set(scope.ids)
        sections.append(digest_blocks(scope, found if scope.org_wide else [p for p in found if p.report.id in covered]))
    return sections


def digest_blocks(scope: DigestScope, found: list[Pair]) -> SectionBlocks:
    """Held in the covered week, coming up in the 7 days after it, overdue: names for a manager, counts org-wide."""
    if not found:
        return []
    held: list[Pair] = []  # by last_held_on: only the latest meeting of a pair is stored
    upcoming: list[Pair] = []
    overdue: list[Pair] = []
    for pair in found:
        start, end = scope.start.astimezone(pair.zone).date(), scope.end.astimezone(pair.zone).date()
        if pair.row.last_held_on and start <= pair.row.last_held_on < end:
            held.append(pair)
        if end <= pair.next_day < end + timedelta(days=7):
            upcoming.append(pair)
        if pair.overdue(end):
            overdue.append(pair)
    t = scope.t
    if scope.org_wide:
        return [Text(text=t.plural("1:1s: {n} manager–report pair", "1:1s: {n} manager–report pairs", len(found))),
                Fields(fields=[(t("Held this week"), str(len(held))),
                               (t("Coming up in the next 7 days"), str(len(upcoming))),
                               (t("Overdue"), str(len(overdue)))])]
    coming = ", ".join(t("{name} on {date}", name=who(p.report), date=p.next_day.isoformat()) for p in upcoming)
    return [Text(text=t("1:1s")), Fields(fields=[
        (t("Held this week"), ", ".join(who(p.report) for p in held) or "—"),
        (t("Coming up in the next 7 days"), coming or "—"),
        (t("Overdue"), ", ".join(who(p.report) for p in overdue) or "—")])]


FEATURE = Feature(
    handle=handle,
    summary=N_("One-on-ones with your manager or your reports: {p}1on1"),
    usage=N_("{p}1on1 — your 1:1s: next date, last held, overdue\n"
             "{p}1on1 add @lea Career plans — a topic for the next meeting (either of you)\n"
             "{p}1on1 agenda @lea — the agenda now; you both get it the day before the meeting\n"
             "{p}1on1 note @lea … and {p}1on1 action @lea Book the course — notes and action items, private to "
             "the two of you\n"
             "{p}1on1 action done 12 — close action item 12\n"
             "{p}1on1 done @lea — the meeting was held today; the next date moves by the cadence\n"
             "{p}1on1 cadence @lea weekly — weekly, biweekly or monthly (set by the manager)\n"
             "A 1:1 with nothing held for twice its cadence is flagged to the manager."),
)
