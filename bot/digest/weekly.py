"""The weekly digest: each manager, in their own morning, sees how their team's week went.

Built from sections, one per feature (`SECTIONS`); admins get the organisation-wide version.
`/digest` previews it any time.
"""

from __future__ import annotations

import gc
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.digest import objectives, pareto, sections, signals
from bot.kernel.calendar import iso_week
from bot.kernel.context import Context, Deps, Due, Feature, Tick
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_, Translator
from bot.kernel.people import who
from bot.kernel.sections import DigestScope, SectionBlocks
from bot.kernel.views import Divider, View
from bot.oneonones import agenda
from bot.pulse import report
from storage.digest_queries import DigestQueries
from storage.models import Person
from storage.uow import UnitOfWork

Section = Callable[[list[DigestScope]], Awaitable[list[SectionBlocks]]]
DIVIDER = Divider()  # between sections: the same one in every digest (views are read, never changed)
WEEK = timedelta(days=7)


SECTIONS: list[Section] = [
    sections.checkins, signals.section, pareto.blockers, sections.kudos, agenda.digest_batch, sections.goals,
    objectives.attention_batch,
    report.digest_batch, sections.ideas,
]


@dataclass(frozen=True)
class Reader:
    person: Person
    end: datetime  # the digest covers the week before this instant
    org_wide: bool = False


async def build(deps: Deps, uow: UnitOfWork, readers: list[Reader]) -> list[View]:
    """The digests of many readers at once: each section queries once for all of them."""
    if not readers:
        return []
    with collector_paused():
        return await build_all(deps, uow, readers)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a batch is built. A thousand digests make half a million small objects
    that all live until the batch is done: the collector would walk them again and again (a third of the batch's
    CPU) and find next to nothing to free. Reference counting still frees as usual; cycles wait for the next run.

    Back on, the collector's first run would walk every survivor of the batch at once (its views and the tallies
    kept: 50–120 ms) for the few cycles it left. Freezing and unfreezing moves all tracked objects into the oldest
    generation without walking them: the next full collection finds those cycles, as it would have once they aged."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


async def build_all(deps: Deps, uow: UnitOfWork, readers: list[Reader]) -> list[View]:
    queries = DigestQueries(uow.session)
    reports = await queries.reports([r.person.id for r in readers if not r.org_wide])
    everyone = await queries.everyone() if any(r.org_wide for r in readers) else []
    teams = await queries.team_names()
    shared: dict[str, object] = {"team names": teams}  # one for the whole batch (the pulse sections read the names)
    translators: dict[str, Translator] = {}  # by locale: a batch's thousand readers speak a few languages
    default_locale = deps.settings.org.default_locale
    scopes: list[DigestScope] = []
    for reader in readers:
        people = everyone if reader.org_wide else reports.get(reader.person.id, [])
        locale = reader.person.locale or default_locale
        t = translators.get(locale) or translators.setdefault(locale, deps.catalogs.translator(locale))
        scopes.append(DigestScope(
            deps=deps, uow=uow, t=t, reader=reader.person, people=people, start=reader.end - WEEK, end=reader.end,
            team_names=sorted({teams[p.team_id] for p in people if p.team_id in teams}), org_wide=reader.org_wide,
            shared=shared))
    parts = [await section(scopes) for section in SECTIONS]
    return [compose(scope, [part[n] for part in parts]) for n, scope in enumerate(scopes)]


def compose(scope: DigestScope, parts: list[SectionBlocks]) -> View:
    t = scope.t
    blocks: SectionBlocks = []
    for part in parts:
        if part:
            blocks += part
            blocks.append(DIVIDER)
    title = t("Weekly digest for the organisation") if scope.org_wide else t(
        "Weekly digest for {name}'s team", name=who(scope.reader))
    return View.model_construct(title=title, blocks=blocks[:-1])  # blocks already checked: not validated again


async def handle(ctx: Context, text: str) -> View:
    org_wide = text.strip().lower() in ("org", "organisation", "organization")
    if org_wide and not ctx.is_admin:
        raise UserError("The organisation-wide digest is for admins. Yours: {command}", command=ctx.cmd("digest"))
    if text.strip() and not org_wide:
        raise UserError("Type {command} for your team's digest, or {org} (admins).", command=ctx.cmd("digest"),
                        org=ctx.cmd("digest org"))
    if not org_wide and not await ctx.uow.people.reports_of(ctx.me.id):
        if ctx.is_admin:
            org_wide = True
        else:
            raise UserError("The weekly digest is for managers, and nobody reports to you.")
    return (await build(ctx.deps, ctx.uow, [Reader(ctx.me, ctx.now, org_wide)]))[0]


async def due(tick: Tick) -> list[Due]:
    """Managers get their team's digest, admins the organisation's, each at their own digest slot."""
    settings = tick.deps.settings
    managers = set(await tick.uow.people.manager_ids())
    readers = await tick.uow.people.by_ids(sorted(managers))  # not everyone: a tenth of the people, every tick
    for email in settings.org.admins:
        admin = await tick.uow.people.by_email(email)
        if admin is not None:
            readers[admin.id] = admin
    wanted: list[tuple[str, Reader]] = []
    for person in sorted(readers.values(), key=lambda person: (person.name, person.id)):
        kinds = [kind for kind, wants in (("digest", person.id in managers),
                                          ("digest-org", person.email in settings.org.admins)) if wants]
        if not kinds:
            continue
        weekday = person.digest_weekday if person.digest_weekday is not None else settings.digest.weekday_number
        hour = person.digest_hour if person.digest_hour is not None else settings.digest.hour
        instant, day = tick.latest_slot(person, weekday, hour)
        if tick.in_grace(instant) and not tick.is_day_off(person, day):
            wanted += [(f"{kind}:{person.uid}:{iso_week(day)}", Reader(person, instant, kind == "digest-org"))
                       for kind in kinds]
    # A digest is worth its queries once: build only those not recorded yet.
    known = await tick.uow.deliveries.existing_keys([key for key, _ in wanted])
    wanted = [(key, reader) for key, reader in wanted if key not in known]
    views = await build(tick.deps, tick.uow, [reader for _, reader in wanted])
    return [tick.due(key, key.split(":", 1)[0], reader.person, lambda _t, view=view: view)
            for (key, reader), view in zip(wanted, views, strict=True)]


FEATURE = Feature(
    handle=handle,
    summary=N_("Your team's week at a glance (managers): {p}digest"),
    usage=N_("{p}digest — preview the weekly digest of your direct reports: check-ins and mood, signals (control "
             "charts), blockers by kind, kudos, 1:1s, goals, pulse results and ideas\n"
             "{p}digest org — the organisation-wide digest (admins)\n"
             "Managers get it every week in their own morning (default Monday 09:00)."),
)
