"""What a command handler gets: the person acting, their translator, the unit of work and helpers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.deps import Deps
from bot.errors import UserError
from bot.i18n import SUPPORTED_LOCALES, Translator
from bot.messages import Actor, MentionRef
from bot.outbox import enqueue, enqueue_in_every_language
from bot.views import View
from storage.models import Person
from storage.uow import UnitOfWork

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

    def tell(self, person: Person, kind: str, build: BuildView, *, key: str | None = None) -> None:
        """Queue a direct message to `person`, in their language; sent after this command commits."""
        view = build(self.translator_for(person))
        enqueue(self.uow, self.now, view, kind=kind, recipient_id=person.id, key=key)

    def tell_sealed(self, seal: str, kind: str, build: BuildView) -> None:
        """Queue a message to an anonymous author without naming them. It is written in every language and
        the author's is picked at send time: one language stored beside the seal would hint at who it is."""
        views = {locale: build(self.deps.catalogs.translator(locale)) for locale in SUPPORTED_LOCALES}
        enqueue_in_every_language(self.uow, self.now, views, kind=kind, recipient_seal=seal)

    def post(self, channel: str, kind: str, build: BuildView) -> None:
        view = build(self.deps.catalogs.translator(self.deps.settings.org.default_locale))
        enqueue(self.uow, self.now, view.model_copy(update={"ephemeral": False}), kind=kind, channel=channel)

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
