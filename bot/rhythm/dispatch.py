"""Sending the outbox: claim a batch (one transaction), send its messages a few at a time and record what happened
to each."""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from bot.kernel.amend import Amendment, read_amendment
from bot.kernel.context import Deps
from bot.kernel.outbox import (
    Address,
    DeliveryError,
    Messenger,
    OnceSender,
    Receipt,
    Recipient,
    open_address,
    view_for,
)
from bot.kernel.views import View
from bot.rhythm.amending import Earlier, earlier_states, send_amendment, view_of
from bot.rhythm.pipeline import run_in_order
from storage.models import Delivery
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

# What a sealed delivery keeps while it waits for another try: never the platform's reason, which could name the
# account it was meant for.
SEALED_RETRY = "not delivered yet; the reason of a sealed message is not kept"


async def dispatch_pending(deps: Deps, batch: int = 200, stop: Callable[[], bool] = lambda: False) -> int:
    """Send everything that is due, a batch at a time: claim (one transaction), then send the batch with up to
    `limits.send_concurrency` messages in flight (`bot.rhythm.pipeline`: never two to one conversation), each
    recorded in a short transaction of its own as soon as it is done.

    Claimed rows belong to this worker alone, so two workers never send the same message. A refused send
    is tried again later with backoff; a claim whose worker died is taken over after the claim timeout, and the
    messages it may have had in flight are first looked for on the platform (where the messenger can:
    `OnceSender`), so they are recorded instead of sent twice.
    `stop` is asked before each batch: a process shutting down claims no more, and finishes the batch it holds.

    A sealed delivery (to an anonymous author) ends the same way whatever happens: sent, silent (the author did it
    themselves), its author erased, or refused for good, it is recorded as sent with its seal gone, so its row
    cannot tell an operator which it was. Only a refusal worth retrying waits, with a reason that names nothing.
    """
    limits = deps.settings.limits
    sent = 0
    while not stop():
        now = deps.clock.now()
        stale_before = now - timedelta(seconds=limits.claim_timeout_seconds)
        async with deps.uow() as uow:
            claim = await uow.deliveries.claim(batch, now, stale_before, in_flight=limits.send_concurrency)
            recipients, conversations = await _recipients(deps, uow, claim.deliveries)
            amended = await earlier_states(uow, claim.deliveries)
            work = [Job(d.id, d.attempts, _is_sealed(d), recipients.get(d.id), _content(deps, d, recipients.get(d.id)),
                        mark_of(d), claim.in_doubt.get(d.id), conversations.get(d.id, ("delivery", d.id)))
                    for d in claim.deliveries]
        if not work:
            return sent
        delivered: list[int] = []
        await run_in_order(only_first_in_doubt(work), lambda job: job.conversation,
                           partial(_send_and_record, deps, amended, delivered), limits.send_concurrency)
        sent += len(delivered)
    return sent


@dataclass(frozen=True)
class Job:
    """One claimed delivery, read in the claim's transaction."""

    delivery_id: int
    attempts: int
    sealed: bool
    recipient: Recipient | None
    content: View | Amendment
    mark: str
    in_doubt_since: datetime | None  # its earlier sender died while it was on its way: it may be out already
    conversation: Hashable  # whom it goes to (a person or a channel): one message in flight each


def only_first_in_doubt(work: list[Job]) -> list[Job]:
    """A dead worker had at most one message in flight per conversation, the first of its unrecorded ones there
    (`bot.rhythm.pipeline`): its later rows to the same person never began, so they are not looked for."""
    seen: set[tuple[datetime, Hashable]] = set()
    narrowed = []
    for job in work:  # in id order, as the dead worker sent them
        if job.in_doubt_since is not None:
            if (job.in_doubt_since, job.conversation) in seen:
                job = replace(job, in_doubt_since=None)
            else:
                seen.add((job.in_doubt_since, job.conversation))
        narrowed.append(job)
    return narrowed


def mark_of(delivery: Delivery) -> str:
    """What a message carries to be found again: its row's id and creation time (ids alone repeat across
    databases, such as a staging copy posting with the same app)."""
    return f"{delivery.id}-{int(delivery.created_at.timestamp() * 1_000_000)}"


async def _send_and_record(deps: Deps, amended: dict[int, Earlier], delivered: list[int], job: Job) -> None:
    error, receipt = await _send_job(deps, job, amended)
    # Recorded at once, not at the end of the batch: a process killed in the middle of a batch leaves only the
    # messages it had in flight in doubt, for whoever takes its claim over to look for.
    await _record(deps, job.delivery_id, job.attempts, job.sealed, error, receipt)
    if error is None:
        delivered.append(job.delivery_id)


async def _send_job(deps: Deps, job: Job, amended: dict[int, Earlier]) -> tuple[DeliveryError | None, Receipt | None]:
    limits = deps.settings.limits
    send = _sender(deps.messenger, job.mark)
    if job.in_doubt_since is not None and job.recipient is not None:
        found = await _sent_before(deps.messenger, job.recipient, job.mark, job.in_doubt_since)
        if found is not None:
            log.info("delivery %s was sent before its sender died: recorded, not sent again", job.delivery_id)
            return None, found
    if job.sealed:
        return await _send_sealed(send, job.recipient, view_of(job.content), job.attempts,
                                  limits.delivery_attempts), None
    if isinstance(job.content, Amendment):
        return await send_amendment(deps.messenger, job.recipient, job.content, amended.get(job.delivery_id),
                                    lambda r, v: _send(send, r, v, job.delivery_id)), None
    return await _send(send, job.recipient, job.content, job.delivery_id)


def _sender(messenger: Messenger, mark: str) -> Callable[[Recipient, View], Awaitable[Receipt | None]]:
    if isinstance(messenger, OnceSender):
        return lambda recipient, view: messenger.send_once(recipient, view, mark)
    return messenger.send


async def _sent_before(messenger: Messenger, recipient: Recipient, mark: str, since: datetime) -> Receipt | None:
    """The receipt of the message if it is out already; None when it is not, or nobody can tell."""
    if not isinstance(messenger, OnceSender):
        return None
    return await messenger.sent_before(recipient, mark, since)


async def _record(deps: Deps, delivery_id: int, attempts: int, sealed: bool, error: DeliveryError | None,
                  receipt: Receipt | None) -> None:
    limits = deps.settings.limits
    async with deps.uow() as uow:
        now = deps.clock.now()
        if error is None and sealed:
            await uow.deliveries.close_sealed([delivery_id], now)
        elif error is None:
            await uow.deliveries.mark_sent([delivery_id], now, {delivery_id: receipt} if receipt else None)
        elif error.permanent or attempts >= limits.delivery_attempts:
            await uow.deliveries.mark_failed(delivery_id, str(error))
        else:
            await uow.deliveries.retry_later(delivery_id, str(error),
                                             now + retry_delay(attempts, limits.retry_base_seconds, error))
    deps.metrics.delivery("sent" if error is None else "retried" if not error.permanent
                          and attempts < limits.delivery_attempts else "given_up")


def retry_delay(attempts: int, base_seconds: float, error: DeliveryError) -> timedelta:
    """Exponential backoff with jitter (so refused sends do not all return at once), never sooner than
    the platform asked."""
    backoff = base_seconds * 2 ** (attempts - 1) * random.uniform(0.8, 1.2)
    return timedelta(seconds=max(min(backoff, 6 * 3600), error.retry_after or 0))


async def _recipients(deps: Deps, uow: UnitOfWork,
                      claimed: Sequence[Delivery]) -> tuple[dict[int, Recipient], dict[int, Hashable]]:
    """Whom each claimed delivery goes to, looked up for the whole batch at once, and its conversation (the
    person's id, or the channel: a sealed delivery shares its author's)."""
    seals = {d.id: d.recipient_seal for d in claimed if _is_sealed(d) and d.recipient_seal}
    uids = {delivery_id: open_address(deps.sealer, seal) for delivery_id, seal in seals.items()}
    # A silent seal or an erased author is no fault; a seal this key cannot open is, and says nothing about whom.
    unopened = sum(1 for i, uid in uids.items() if uid is None and deps.sealer.unseal(seals[i]) is None)
    if unopened:
        log.error("%s sealed deliveries cannot be opened with this key: their anonymous authors are not reached "
                  "(was privacy.secret_key or the key file changed?)", unopened)
    people = await uow.people.by_ids([d.recipient_id for d in claimed if d.recipient_id is not None])
    people |= {p.id: p for p in await uow.people.by_uids([uid for uid in uids.values() if uid])}
    by_uid = {p.uid: p for p in people.values()}
    accounts = await uow.people.accounts_of_many(list(people))
    found: dict[int, Recipient] = {}
    conversations: dict[int, Hashable] = {}
    for delivery in claimed:
        if delivery.channel:
            found[delivery.id] = Recipient(channel=delivery.channel)
            conversations[delivery.id] = ("channel", delivery.channel)
            continue
        person = people.get(delivery.recipient_id) if delivery.recipient_id is not None \
            else by_uid.get(uids.get(delivery.id) or "")
        if person is not None:
            found[delivery.id] = Recipient(email=person.email, name=person.name, locale=person.locale, accounts=[
                Address(a.platform, a.workspace, a.user_id, a.address, unreachable=a.unreachable_at is not None)
                for a in accounts.get(person.id, [])])
            conversations[delivery.id] = ("person", person.id)
    return found, conversations


def _is_sealed(delivery: Delivery) -> bool:
    return delivery.recipient_id is None and delivery.channel is None and delivery.recipient_seal is not None


def _locale(recipient: Recipient | None) -> str | None:
    return recipient.locale if recipient is not None else None


def _content(deps: Deps, delivery: Delivery, recipient: Recipient | None) -> View | Amendment:
    if delivery.amends_id is not None:
        return read_amendment(delivery.payload)
    return view_for(delivery.payload, _locale(recipient), deps.settings.org.default_locale)


async def _send(send: Callable[[Recipient, View], Any], recipient: Recipient | None, view: View,
                delivery_id: int) -> tuple[DeliveryError | None, Receipt | None]:
    """The refusal, or None and the platform's receipt."""
    if recipient is None:
        return DeliveryError("recipient no longer exists", permanent=True), None
    if not recipient.channel and recipient.accounts and all(a.unreachable for a in recipient.accounts):
        return DeliveryError("every account of the recipient is unreachable", permanent=True), None
    try:
        receipt = await send(recipient, view)
    except DeliveryError as exc:
        # The delivery id, never the recipient: a sealed recipient must not reach the logs.
        log.warning("delivery %s failed%s: %s", delivery_id, "" if exc.permanent else " (will retry)", exc)
        return exc, None
    return None, receipt if isinstance(receipt, dict) else None


async def _send_sealed(send: Callable[[Recipient, View], Any], recipient: Recipient | None, view: View,
                       attempts: int, max_attempts: int) -> DeliveryError | None:
    """None once a sealed delivery is done with, sent or not: nobody to send to (a silent seal, an erased author, a
    key that no longer opens it) or a refusal for good must look like a sent message. A refusal worth retrying
    comes back with a reason that names nothing, and nothing is logged about it."""
    if recipient is None or (recipient.accounts and all(a.unreachable for a in recipient.accounts)):
        return None
    try:
        await send(recipient, view)
    except DeliveryError as exc:
        if exc.permanent or attempts >= max_attempts:
            return None
        return DeliveryError(SEALED_RETRY, retry_after=exc.retry_after)
    return None
