"""Messages for people other than the sender: written to the outbox inside the command's transaction,
sent after it commits. A failed command therefore never notifies anyone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from bot.kernel.sealing import Sealer
from bot.kernel.views import View
from storage.models import Delivery
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Address:
    platform: str
    workspace: str
    user_id: str
    data: dict[str, Any] | None = None  # a Slack DM channel, a Teams ConversationReference
    unreachable: bool = False  # the person blocked or removed the bot on this platform


@dataclass(frozen=True)
class Recipient:
    """A person (with their platform accounts) or a channel."""

    email: str | None = None
    name: str | None = None
    accounts: list[Address] = field(default_factory=list)
    channel: str | None = None
    locale: str | None = None

    def describe(self) -> str:
        return self.channel or self.email or "?"

    def reachable(self, platform: str) -> Address | None:
        """Their first account on `platform` that has not blocked or removed the bot."""
        return next((a for a in self.accounts if a.platform == platform and not a.unreachable), None)


class DeliveryError(Exception):
    """The platform refused the message. `permanent`: retrying cannot help (blocked, unknown user);
    `retry_after`: the platform asked for this many seconds before the next try."""

    def __init__(self, reason: str, *, permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.permanent = permanent
        self.retry_after = retry_after


# What a platform answered when it sent a message, enough to update or delete it later:
# {"platform": "slack", "workspace", "channel", "ts": [...]}, {"platform": "teams", "service_url", ...}.
Receipt = dict[str, Any]


class Messenger(Protocol):
    async def send(self, recipient: Recipient, view: View) -> Receipt | None: ...


@runtime_checkable
class Amender(Protocol):
    """A messenger that can change a message already sent: `view` replaces it, None deletes it. False when
    this platform cannot (the receipt is not its own, or the message cannot be changed): a notice goes instead."""

    async def amend(self, receipt: Receipt, view: View | None) -> bool: ...


@runtime_checkable
class OnceSender(Protocol):
    """A messenger that marks each message with its outbox row's `mark` and can look for it afterwards: a row whose
    sender died in the middle of sending it is looked for before it is sent again (`since`: when that sender took
    it). `sent_before` answers the receipt of what it found, or None when it found nothing or cannot look."""

    async def send_once(self, recipient: Recipient, view: View, mark: str) -> Receipt | None: ...

    async def sent_before(self, recipient: Recipient, mark: str, since: datetime) -> Receipt | None: ...


def enqueue(uow: UnitOfWork, now: datetime, view: View, *, kind: str, recipient_id: int | None = None,
            recipient_seal: str | None = None, channel: str | None = None, key: str | None = None,
            subject: str | None = None) -> None:
    uow.deliveries.add(Delivery(kind=kind, recipient_id=recipient_id, recipient_seal=recipient_seal,
                                channel=channel, key=key, payload=view.model_dump(mode="json"), created_at=now,
                                subject=subject))


def enqueue_in_every_language(uow: UnitOfWork, now: datetime, views: dict[str, View], *, kind: str,
                              recipient_seal: str) -> None:
    """A message whose language is chosen when it is sent, by the recipient's (see `view_for`)."""
    uow.deliveries.add(Delivery(kind=kind, recipient_seal=recipient_seal, created_at=now, payload={
        BY_LOCALE: {locale: view.model_dump(mode="json") for locale, view in views.items()}}))


BY_LOCALE = "by_locale"


def view_for(payload: dict[str, Any], locale: str | None, default_locale: str) -> View:
    """The stored view; for a message written in every language, the one in `locale`."""
    if BY_LOCALE in payload:
        versions = payload[BY_LOCALE]
        payload = versions.get(locale or "") or versions.get(default_locale) or next(iter(versions.values()))
    return View.model_validate(payload)


DELIVER, SILENT = "+", "-"


def seal_address(sealer: Sealer, uid: str, *, silent: bool = False) -> str:
    """The sealed recipient of a message to an anonymous author.

    A silent one (the author did it themselves, or hears of it another way) is sealed the same way and is just as
    long, so the stored row does not depend on whether the author acted: the dispatcher sends it to nobody and
    records it like any other (see `open_address`)."""
    return sealer.seal(SILENT + "0" * len(uid) if silent else DELIVER + uid)


def open_address(sealer: Sealer, seal: str) -> str | None:
    """The uid a sealed message goes to; None for a silent one or a seal this key cannot open.
    A bare sealed uid (an idea's own seal, as rows written before silent seals were) goes to that uid."""
    opened = sealer.unseal(seal)
    if opened is None or opened.startswith(SILENT):
        return None
    return opened.removeprefix(DELIVER)
