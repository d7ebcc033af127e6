"""What the core hands a feature: `Deps` (every entry point's services and the product's tables), a `Context`
for a command, a `Tick` for a scheduler run, and `Feature`, one row of the command table.

They refer to each other, so they live together; the composition root (feedbot/) fills the tables.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.kernel.amend import Amendment, amend_deliveries
from bot.kernel.calendar import at_local
from bot.kernel.clock import Clock
from bot.kernel.errors import UserError
from bot.kernel.i18n import SUPPORTED_LOCALES, Catalogs, Translator
from bot.kernel.memo import Memo
from bot.kernel.messages import Actor, MentionRef
from bot.kernel.metrics import Metrics, NoMetrics
from bot.kernel.outbox import Messenger, enqueue, enqueue_in_every_language, seal_address
from bot.kernel.sealing import Sealer
from bot.kernel.settings import Settings
from bot.kernel.views import View
from storage.models import Delivery, Person
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Deps:
    """Everything the core needs, passed in one explicit dataclass (no globals, no container)."""

    settings: Settings
    clock: Clock
    catalogs: Catalogs
    uow: Callable[[], AbstractAsyncContextManager[UnitOfWork]]
    messenger: Messenger
    sealer: Sealer
    commands: Mapping[str, Feature]  # command name → feature: what people can type
    due_finders: Sequence[DueFinder]  # what each feature owes whom at a tick
    metrics: Metrics = field(default_factory=NoMetrics)  # what an operator watches (feedbot passes Prometheus)
    # Published pulse rounds as counted (bot/pulse/results.py `tallied`): final once published, read once a process.
    published: Memo[object] = field(default_factory=Memo)


BuildView = Callable[[Translator], View]


@dataclass
class Context:
    deps: Deps
    uow: UnitOfWork
    actor: Actor
    me: Person
    t: Translator
    now: datetime
    prefix: str = "/"
    prefixes: dict[str, str] = field(default_factory=dict)  # per-command exceptions to `prefix`
    mentions: tuple[MentionRef, ...] = ()
    values: dict[str, str] = field(default_factory=dict)  # a submitted form's answers

    @property
    def is_admin(self) -> bool:
        return self.me.email in self.deps.settings.org.admins

    def cmd(self, text: str) -> str:
        """A command as the person types it on their platform: `/idea vote 3` or `idea vote 3`.

        Example commands marked with N_ come out in the person's language (the free text, not the grammar).
        """
        return f"{self.prefix_for(text.split(' ', 1)[0])}{self.t(text)}"

    def prefix_for(self, command: str) -> str:
        """How `command` is typed here: Slack reaches help, language and away through `/feedbot `."""
        return self.prefixes.get(command, self.prefix)

    def local_date(self, instant: datetime) -> str:
        """A stored UTC instant as a date in my time zone."""
        zone = ZoneInfo(self.me.timezone or self.deps.settings.org.default_timezone)
        return instant.astimezone(zone).date().isoformat()

    def translator_for(self, person: Person) -> Translator:
        return self.deps.catalogs.translator(person.locale or self.deps.settings.org.default_locale)

    def tell(self, person: Person, kind: str, build: BuildView, *, key: str | None = None,
             subject: str | None = None) -> None:
        """Queue a direct message to `person`, in their language; sent after this command commits. `subject`
        ("kudos:12") lets a later edit or undo find it (see `amend`)."""
        view = build(self.translator_for(person))
        enqueue(self.uow, self.now, view, kind=kind, recipient_id=person.id, key=key, subject=subject)

    def tell_sealed(self, seal: str, kind: str, build: BuildView, *, silent: bool = False) -> None:
        """Queue a message to an anonymous author without naming them. It is written in every language and
        the author's is picked at send time: one language stored beside the seal would hint at who it is.

        `silent`: the author must not get it (they did it themselves, or hear of it as a voter), yet the row is
        written all the same, under a fresh seal that says so: what is stored never depends on who acted."""
        views = {locale: build(self.deps.catalogs.translator(locale)) for locale in SUPPORTED_LOCALES}
        uid = self.deps.sealer.unseal(seal)
        address = seal_address(self.deps.sealer, uid, silent=silent) if uid is not None else seal
        enqueue_in_every_language(self.uow, self.now, views, kind=kind, recipient_seal=address)

    def post(self, channel: str, kind: str, build: BuildView, *, subject: str | None = None) -> None:
        view = build(self.deps.catalogs.translator(self.deps.settings.org.default_locale))
        enqueue(self.uow, self.now, view.model_copy(update={"ephemeral": False}), kind=kind, channel=channel,
                subject=subject)

    async def amend(self, subject: str, replace: BuildView | None, notice: BuildView,
                    unsent: BuildView | None = None) -> int:
        """Every message told or posted about `subject` is replaced by `replace` (None: withdrawn), each in its
        reader's language: rewritten if not sent yet (as `unsent`, if given), else changed in place or followed by
        `notice` (bot/kernel/amend.py). Returns how many recipients had already been sent it."""
        deliveries = await self.uow.deliveries.about(subject)
        people = await self.uow.people.by_ids([d.recipient_id for d in deliveries if d.recipient_id is not None])
        default = self.deps.catalogs.translator(self.deps.settings.org.default_locale)

        def amendment(delivery: Delivery) -> Amendment:
            person = people.get(delivery.recipient_id) if delivery.recipient_id is not None else None
            t = self.translator_for(person) if person is not None else default
            public = {"ephemeral": False} if delivery.channel else {}
            return Amendment(replace(t).model_copy(update=public) if replace else None,
                             notice(t).model_copy(update=public),
                             unsent(t).model_copy(update=public) if unsent else None)

        return amend_deliveries(self.uow, self.now, deliveries, amendment)

    def require_text(self, text: str, usage: str) -> str:
        """The text, stripped; a clear error when it is missing or too long."""
        text = text.strip()
        if not text:
            raise UserError("Please add some text: {usage}", usage=self.cmd(usage))
        limit = self.deps.settings.limits.max_text_length
        if len(text) > limit:
            raise UserError("That text is {length} characters long; the limit is {limit}. Please shorten it.",
                            length=len(text), limit=limit)
        return text


Handler = Callable[[Context, str], Awaitable[View | list[View]]]


@dataclass(frozen=True)
class Feature:
    """One command: its handler and its help (msgids, translated when shown)."""

    handle: Handler
    summary: str  # one line for the /help overview
    usage: str  # the full help for /help <command>; `{p}` is the command prefix


@dataclass(frozen=True)
class Due:
    key: str  # unique: kind, person, period
    kind: str
    recipient_id: int
    locale: str | None
    build: Callable[[Translator], View]


@dataclass
class Tick:
    """What a feature's due-finder gets: the instant, the unit of work and calendar helpers."""

    deps: Deps
    uow: UnitOfWork
    now: datetime

    @property
    def grace(self) -> timedelta:
        return timedelta(hours=self.deps.settings.schedule.grace_hours)

    def zone(self, person: Person) -> ZoneInfo:
        return ZoneInfo(person.timezone or self.deps.settings.org.default_timezone)

    def local_today(self, person: Person) -> date:
        return self.now.astimezone(self.zone(person)).date()

    def latest_slot(self, person: Person, weekday: int, hour: int) -> tuple[datetime, date]:
        """The latest weekly `weekday` at local `hour` not after now, as a UTC instant and a local date.

        Built from the local date and hour, so a DST change moves the instant with the wall clock and
        never yields two instants (or none) for one week.
        """
        zone = self.zone(person)
        local_now = self.now.astimezone(zone)
        day = local_now.date() - timedelta(days=(local_now.weekday() - weekday) % 7)
        instant = at_local(day, hour, zone)
        if instant > self.now:
            day -= timedelta(days=7)
            instant = at_local(day, hour, zone)
        return instant, day

    def in_grace(self, instant: datetime) -> bool:
        return instant <= self.now <= instant + self.grace

    def is_closed(self, day: date) -> bool:
        """Weekends and configured holidays."""
        return day.weekday() >= 5 or day in self.deps.settings.schedule.holidays

    def is_away(self, person: Person, day: date) -> bool:
        return person.away_until is not None and day <= person.away_until

    def is_day_off(self, person: Person, day: date) -> bool:
        """Weekends, configured holidays, and days the person said they are away."""
        return self.is_closed(day) or self.is_away(person, day)

    def working_day_before(self, day: date) -> date:
        day -= timedelta(days=1)
        while self.is_closed(day):
            day -= timedelta(days=1)
        return day

    def first_day_on(self, person: Person, instant: datetime) -> datetime:
        """`instant`, or the same local wall time on the first later day that is not off.

        Moved by local days, not by 24 hours, so a DST change over the weekend keeps the local hour; an
        away period is jumped over at once, however long it is.
        """
        zone = self.zone(person)
        local = instant.astimezone(zone)
        day = local.date()
        if not self.is_day_off(person, day):
            return instant
        while self.is_day_off(person, day):
            day = max(day, person.away_until or day) + timedelta(days=1)
        return datetime.combine(day, local.time(), tzinfo=zone).astimezone(UTC)

    def due(self, key: str, kind: str, person: Person, build: Callable[[Translator], View]) -> Due:
        return Due(key=key, kind=kind, recipient_id=person.id, locale=person.locale, build=build)


DueFinder = Callable[[Tick], Awaitable[list[Due]]]
