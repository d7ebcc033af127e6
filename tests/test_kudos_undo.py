"""/kudos undo on real storage: messages not sent yet are never sent; sent ones get a withdrawal notice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storage.models import Delivery, Kudos

ANA, BO = "ana@example.com", "bo@example.com"


async def statuses(deps) -> list[tuple[str, str]]:
    async with deps.uow() as uow:
        return [(d.kind, d.status) for d in await uow.session.scalars(select(Delivery).order_by(Delivery.id))]


async def test_undo_before_the_outbox_sends_means_nothing_is_ever_sent(deps, console, monkeypatch):
    await console.people(ANA, BO)
    monkeypatch.setattr("adapters.console.chat.deliver", _nothing)  # the outbox has not run yet
    await console.type("/kudos @bo Thanks for the review", as_=ANA)
    out = await console.type("/kudos undo", as_=ANA)
    assert "Your kudos is taken back before anyone saw it: Thanks for the review" in out
    monkeypatch.undo()
    out = await console.type("/kudos", as_=ANA)  # the outbox runs after this command
    assert "→" not in out and "No kudos yet" in out
    assert await statuses(deps) == [("kudos.post", "withdrawn"), ("kudos.received", "withdrawn")]


async def test_undo_after_delivery_withdraws_with_a_notice_to_everyone_it_reached(deps, console):
    await console.people(ANA, BO)
    await console.type("/kudos @bo Thanks for the review", as_=ANA)
    out = await console.type("/kudos undo", as_=ANA)
    assert "Your kudos is taken back: Thanks for the review. Where it was already delivered it is withdrawn." in out
    assert "→ #kudos: @ana took back their kudos: Thanks for the review" in out
    assert "→ bo@example.com: @ana took back their kudos: Thanks for the review" in out
    async with deps.uow() as uow:
        assert (await uow.session.scalars(select(Kudos))).all() == []
    assert await statuses(deps) == [("kudos.post", "sent"), ("kudos.received", "sent"),
                                    ("kudos.post.amend", "sent"), ("kudos.received.amend", "sent")]


async def test_undo_after_ten_minutes_is_refused_clearly(deps, console, clock):
    await console.people(ANA, BO)
    await console.type("/kudos @bo Thanks for the review", as_=ANA)
    clock.set(clock.now() + timedelta(minutes=11))
    out = await console.type("/kudos undo", as_=ANA)
    assert "Your last kudos (Thanks for the review) was given more than 10 minutes ago, so it stays." in out
    assert "→" not in out
    async with deps.uow() as uow:
        assert len((await uow.session.scalars(select(Kudos))).all()) == 1


async def test_undo_with_no_kudos_says_so(console):
    await console.people(ANA, BO)
    await console.type("/kudos @ana Thanks", as_=BO)
    assert "You have no kudos to take back." in await console.type("/kudos undo", as_=ANA)


async def _nothing(*args, **kwargs) -> int:
    return 0
