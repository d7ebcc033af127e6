"""The outbox under refusal and crashes: retries with backoff, giving up, stale claims, unreachable people,
and inbound event ids handled once."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.kernel.context import Deps
from bot.kernel.outbox import DeliveryError, Recipient, enqueue
from bot.kernel.views import View
from bot.rhythm.dispatch import dispatch_pending
from storage.models import Account, Delivery, Person


class Refusing:
    """Refuses the first `refusals` sends the way a rate-limited platform does, then accepts."""

    def __init__(self, refusals: int, retry_after: float | None = None, permanent: bool = False) -> None:
        self.refusals = refusals
        self.retry_after = retry_after
        self.permanent = permanent
        self.tries = 0
        self.sent: list[str] = []

    async def send(self, recipient: Recipient, view: View) -> None:
        self.tries += 1
        if self.tries <= self.refusals:
            raise DeliveryError("ratelimited", retry_after=self.retry_after, permanent=self.permanent)
        self.sent.append(view.title)


async def _one_delivery(deps: Deps, title: str = "hello") -> None:
    async with deps.uow() as uow:
        enqueue(uow, deps.clock.now(), View(title=title), kind="test", channel="#general")


async def _the_delivery(deps: Deps) -> Delivery:
    async with deps.uow() as uow:
        return await uow.session.scalar(select(Delivery))


async def test_a_refused_send_waits_and_is_sent_on_a_later_try(deps, clock):
    await _one_delivery(deps)
    messenger = Refusing(refusals=1)
    worker = replace(deps, messenger=messenger)
    assert await dispatch_pending(worker) == 0
    row = await _the_delivery(deps)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "ratelimited")
    wait = row.next_attempt_at - clock.now()
    assert timedelta(seconds=24) <= wait <= timedelta(seconds=36)  # 30 s base, ±20% jitter

    assert await dispatch_pending(worker) == 0  # not yet due: nothing is tried
    assert messenger.tries == 1
    clock.advance(wait)
    assert await dispatch_pending(worker) == 1
    assert messenger.sent == ["hello"]
    assert (await _the_delivery(deps)).status == "sent"


async def test_retry_after_is_honoured_and_backoff_grows(deps, clock):
    await _one_delivery(deps)
    worker = replace(deps, messenger=Refusing(refusals=3, retry_after=120))
    waits = []
    for _ in range(3):
        await dispatch_pending(worker)
        row = await _the_delivery(deps)
        waits.append(row.next_attempt_at - clock.now())
        clock.advance(waits[-1])
    assert waits[0] == timedelta(seconds=120)  # the platform asked for more than the 30 s backoff
    assert waits[2] >= timedelta(seconds=96)  # 30 s · 2² with jitter
    assert await dispatch_pending(worker) == 1


async def test_a_send_refused_every_time_is_given_up_after_the_configured_attempts(deps, clock):
    settings = deps.settings.model_copy(update={"limits": deps.settings.limits.model_copy(
        update={"delivery_attempts": 3})})
    await _one_delivery(deps)
    messenger = Refusing(refusals=100)
    worker = replace(deps, settings=settings, messenger=messenger)
    for _ in range(5):
        await dispatch_pending(worker)
        clock.advance(timedelta(hours=7))
    assert messenger.tries == 3
    row = await _the_delivery(deps)
    assert (row.status, row.attempts) == ("failed", 3)


async def test_a_permanent_refusal_is_not_retried(deps, clock):
    await _one_delivery(deps)
    messenger = Refusing(refusals=1, permanent=True)
    worker = replace(deps, messenger=messenger)
    await dispatch_pending(worker)
    clock.advance(timedelta(days=1))
    await dispatch_pending(worker)
    assert messenger.tries == 1
    assert (await _the_delivery(deps)).status == "failed"


async def test_a_claim_whose_worker_died_is_taken_over_after_the_timeout(deps, clock):
    await _one_delivery(deps)
    async with deps.uow() as uow:  # a worker claims the row, then crashes before sending
        assert len(await uow.deliveries.claim_batch(10, clock.now(), clock.now() - timedelta(minutes=10))) == 1
    messenger = Refusing(refusals=0)
    worker = replace(deps, messenger=messenger)
    clock.advance(timedelta(minutes=9))
    assert await dispatch_pending(worker) == 0  # still within the claim timeout: maybe it is just slow
    clock.advance(timedelta(minutes=2))
    assert await dispatch_pending(worker) == 1
    row = await _the_delivery(deps)
    assert (row.status, row.attempts, messenger.sent) == ("sent", 2, ["hello"])


async def test_a_person_whose_only_account_is_unreachable_is_not_tried(deps, clock):
    async with deps.uow() as uow:
        person = Person(email="ana@example.com", name="Ana", created_at=clock.now())
        uow.people.add(person)
        await uow.people.flush()
        uow.people.add(Account(person_id=person.id, platform="teams", workspace="t1", user_id="29:ana",
                               created_at=clock.now()))
        await uow.people.flush()
        await uow.people.set_address("teams", "t1", "29:ana", {"conversation": {"id": "a:1"}}, clock.now())
        account = await uow.people.account("teams", "t1", "29:ana")
        assert account.address == {"conversation": {"id": "a:1"}} and account.unreachable_at is None
        await uow.people.mark_unreachable("teams", "t1", "29:ana", clock.now())
        enqueue(uow, clock.now(), View(title="prompt"), kind="test", recipient_id=person.id)
    messenger = Refusing(refusals=0)
    assert await dispatch_pending(replace(deps, messenger=messenger)) == 0
    assert messenger.tries == 0
    row = await _the_delivery(deps)
    assert row.status == "failed" and "unreachable" in row.last_error

    async with deps.uow() as uow:  # they came back (a new conversation reference): reachable again
        await uow.people.set_address("teams", "t1", "29:ana", {"conversation": {"id": "a:2"}}, clock.now())
        assert (await uow.people.account("teams", "t1", "29:ana")).unreachable_at is None


async def test_an_inbound_event_id_is_handled_once(deps, clock):
    async with deps.uow() as uow:
        assert await uow.inbound.first_time("slack", "Ev1", clock.now())
    async with deps.uow() as uow:
        assert not await uow.inbound.first_time("slack", "Ev1", clock.now())
        assert await uow.inbound.first_time("teams", "Ev1", clock.now())  # ids are per platform
    clock.advance(timedelta(days=8))
    async with deps.uow() as uow:
        await uow.inbound.forget_before(clock.now() - timedelta(days=7))
    async with deps.uow() as uow:
        assert await uow.inbound.first_time("slack", "Ev1", clock.now())


async def test_a_stopping_dispatcher_claims_no_further_batch(deps, clock):
    async with deps.uow() as uow:
        for n in range(5):
            enqueue(uow, clock.now(), View(title=f"m{n}"), kind="test", channel="#general")
    messenger = Refusing(refusals=0)
    stopping = False

    def stop() -> bool:
        return stopping

    async def send(recipient: Recipient, view: View) -> None:
        nonlocal stopping
        await messenger.send(recipient, view)
        stopping = True  # the process is asked to stop while the first batch is out

    worker = replace(deps, messenger=type("Stopping", (), {"send": staticmethod(send)})())
    assert await dispatch_pending(worker, batch=2, stop=stop) == 2
    async with deps.uow() as uow:
        rows = (await uow.session.scalars(select(Delivery).order_by(Delivery.id))).all()
    assert [(r.status, r.attempts) for r in rows] == [("sent", 1)] * 2 + [("pending", 0)] * 3


class Killed(BaseException):
    """The process dying under the dispatcher (SIGKILL: nothing after it runs)."""


async def test_a_worker_killed_in_the_middle_of_a_batch_leaves_only_its_current_message_unrecorded(deps, clock):
    for n in range(5):
        await _one_delivery(deps, f"m{n}")
    sent: list[str] = []

    class DiesAtTheThird:
        async def send(self, recipient: Recipient, view: View) -> None:
            if len(sent) == 2:
                raise Killed
            sent.append(view.title)

    with pytest.raises(Killed):
        await dispatch_pending(replace(deps, messenger=DiesAtTheThird()))
    async with deps.uow() as uow:
        statuses = (await uow.session.scalars(select(Delivery.status).order_by(Delivery.id))).all()
    # What went out is recorded as sent: whoever takes the claim over sends only the rest, nothing twice.
    assert (sent, statuses) == (["m0", "m1"], ["sent", "sent", "sending", "sending", "sending"])
    clock.advance(timedelta(minutes=11))
    survivor = Refusing(refusals=0)
    assert await dispatch_pending(replace(deps, messenger=survivor)) == 3
    assert survivor.sent == ["m2", "m3", "m4"]
