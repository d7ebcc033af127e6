"""Anonymous ideas against whoever reads the outbox: "the author did it" and "someone else did it" must leave rows
that cannot be told apart (kinds, counts, named or sealed recipient, status, attempts, error text, timing).

Each test plays the same event twice, once by the anonymous author and once by someone else, and compares the
rows each left, as an operator would see them after sending.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from adapters.console.chat import console_actor
from bot.core import deliver, handle_command
from bot.datarights import erase_person
from bot.kernel.messages import Command
from bot.kernel.outbox import DeliveryError, Recipient
from bot.kernel.sealing import Sealer
from bot.kernel.views import View
from bot.rhythm.dispatch import dispatch_pending
from storage.models import Delivery, Kudos

QUINN = "quinn.hidden@example.com"  # the anonymous author
ANA, BO, CY, ADMIN = "ana@example.com", "bo@example.com", "cy@example.com", "admin@example.com"


async def last_id(deps) -> int:
    async with deps.uow() as uow:
        return await uow.session.scalar(select(func.max(Delivery.id))) or 0


async def footprint(deps, after: int, upto: int | None = None) -> list[tuple]:
    """Every column of the rows with `after` < id <= `upto`, but the row id, who a named row is for (only that it
    is named) and the words of the message (only its shape: which languages it carries)."""
    async with deps.uow() as uow:
        query = select(Delivery).where(Delivery.id > after).order_by(Delivery.id)
        if upto is not None:
            query = query.where(Delivery.id <= upto)
        rows = (await uow.session.scalars(query)).all()
    return [(r.kind, r.key, r.recipient_id is not None, r.recipient_seal, r.channel, sorted(r.payload),
             sorted(r.payload.get("by_locale", {})), r.status, r.attempts, r.next_attempt_at, r.claimed_at,
             r.last_error, r.created_at, r.sent_at) for r in rows]


async def twice(deps, console, first: tuple[str, str], second: tuple[str, str]) -> tuple[list, list, str, str]:
    """Type `first` and `second` (line, as whom); the rows each left and what each printed."""
    start = await last_id(deps)
    out_first = await console.type(first[0], as_=first[1])
    middle = await last_id(deps)
    out_second = await console.type(second[0], as_=second[1])
    return await footprint(deps, start, middle), await footprint(deps, middle), out_first, out_second


async def test_the_author_commenting_on_her_anonymous_idea_leaves_the_rows_anyone_else_leaves(deps, console):
    await console.people(QUINN, BO)
    await console.type("/idea --anon Fewer status meetings", as_=QUINN)
    await console.type("/idea --anon A quiet room", as_=QUINN)
    by_author, by_other, out_author, out_other = await twice(
        deps, console, ("/idea comment 1 More detail", QUINN), ("/idea comment 2 More detail", BO))
    assert by_author == by_other
    assert [(kind, named, status) for kind, _, named, *_, status, _, _, _, _, _, _ in by_author] == [
        ("idea.comment", False, "sent")]
    assert "→" not in out_author  # she is not told of her own comment…
    assert "→ quinn.hidden@example.com: @bo commented on your idea #2" in out_other  # …but of anyone else's


async def test_an_author_among_the_voters_leaves_the_rows_of_an_author_who_did_not_vote(deps, console):
    await console.people(QUINN, BO, CY, ADMIN)
    await console.type("/idea --anon Fewer status meetings", as_=QUINN)
    await console.type("/idea --anon A quiet room", as_=QUINN)
    for line, who in (("/idea vote 1", QUINN), ("/idea vote 1", BO), ("/idea vote 2", CY), ("/idea vote 2", BO)):
        await console.type(line, as_=who)
    voted, did_not, out_voted, out_not = await twice(
        deps, console, ("/idea status 1 accepted Let's try", ADMIN), ("/idea status 2 accepted Let's try", ADMIN))
    assert voted == did_not
    assert [named for _, _, named, *_ in voted] == [False, True, True]  # one sealed row, one per voter
    assert out_voted.count("→ quinn.hidden@example.com:") == 1  # told once, as a voter
    assert "→ quinn.hidden@example.com: An idea you voted for, #1, is now accepted (plan)" in out_voted
    assert "→ quinn.hidden@example.com: Your idea #2 is now accepted (plan)" in out_not


async def test_an_author_moving_her_own_idea_leaves_the_rows_another_owner_leaves(deps, console):
    await console.people(QUINN, BO, CY, ADMIN)
    await console.type("/idea --anon Fewer status meetings", as_=QUINN)
    await console.type("/idea --anon A quiet room", as_=QUINN)
    await console.type("/idea vote 1", as_=BO)
    await console.type("/idea vote 2", as_=BO)
    owners = await twice(deps, console, ("/idea owner 1 @quinn.hidden", ADMIN), ("/idea owner 2 @cy", ADMIN))
    assert owners[0] == owners[1]
    by_author, by_other, out_author, out_other = await twice(
        deps, console, ("/idea status 1 accepted", QUINN), ("/idea status 2 accepted", CY))
    assert by_author == by_other
    assert [named for _, _, named, *_ in by_author] == [False, True]
    assert "→ quinn" not in out_author
    assert "→ quinn.hidden@example.com: Your idea #2 is now accepted (plan)" in out_other


async def queue(deps, line: str, as_: str) -> None:
    """A command whose messages stay in the outbox: nothing is sent until `deliver`."""
    name, _, text = line.lstrip("/").partition(" ")
    await handle_command(deps, Command(actor=console_actor(as_), name=name, text=text))


async def test_after_erasure_the_erased_authors_notices_end_like_everyone_elses(deps, console, clock):
    await console.people(QUINN, ANA, BO, CY)
    await console.type("/idea --anon Fewer status meetings", as_=QUINN)  # 1: its author will be erased
    await console.type("/idea --anon A quiet room", as_=ANA)  # 2: its author stays
    start = await last_id(deps)
    await queue(deps, "/idea comment 1 Yes please", BO)  # waiting in the outbox when she is erased
    middle = await last_id(deps)
    await queue(deps, "/idea comment 2 Yes please", BO)
    report = await erase_person(deps, QUINN)
    assert "anonymous ideas were not touched: nobody can tell whose they are" in report.summary()
    out = console.out.tell()
    await deliver(deps)
    assert "→ ana@example.com: @bo commented on your idea #2" in console.out.getvalue()[out:]
    assert await footprint(deps, start, middle) == await footprint(deps, middle)

    clock.advance(timedelta(days=1))  # and every notice written after the erasure
    erased, alive, _, _ = await twice(deps, console, ("/idea comment 1 Any news?", CY),
                                      ("/idea comment 2 Any news?", CY))
    assert erased == alive
    async with deps.uow() as uow:
        rows = (await uow.session.scalars(select(Delivery))).all()
    assert {(r.status, r.last_error, r.recipient_seal) for r in rows} == {("sent", None, None)}


class Refusing:
    """A platform that refuses everything for one person, naming their account in the reason as platforms do."""

    def __init__(self, email: str, *, permanent: bool) -> None:
        self.email, self.permanent = email, permanent

    async def send(self, recipient: Recipient, view: View) -> None:
        if recipient.email == self.email:
            raise DeliveryError(f"user_not_found: U0{self.email}", permanent=self.permanent)


async def test_a_refused_sealed_delivery_keeps_no_reason_and_ends_like_a_sent_one(deps, console, clock):
    await console.people(QUINN, BO)
    await console.type("/idea --anon Fewer status meetings", as_=QUINN)
    await queue(deps, "/kudos @quinn.hidden Thanks for the review", BO)  # named: its reason is kept
    await queue(deps, "/idea comment 1 Yes please", BO)  # sealed: for the same person
    await dispatch_pending(replace(deps, messenger=Refusing(QUINN, permanent=False)))
    async with deps.uow() as uow:
        rows = {r.kind: r for r in (await uow.session.scalars(select(Delivery))).all()}
    assert "U0quinn" in rows["kudos.received"].last_error
    sealed = rows["idea.comment"]
    assert sealed.status == "pending" and "quinn" not in sealed.last_error.lower()

    clock.advance(timedelta(hours=7))  # past every backoff: refused for good this time
    await dispatch_pending(replace(deps, messenger=Refusing(QUINN, permanent=True)))
    async with deps.uow() as uow:
        rows = {r.kind: r for r in (await uow.session.scalars(select(Delivery))).all()}
    assert rows["kudos.received"].status == "failed"
    sealed = rows["idea.comment"]
    assert (sealed.status, sealed.last_error, sealed.recipient_seal) == ("sent", None, None)


async def test_a_seal_the_key_cannot_open_is_closed_like_the_rest_and_logged_by_count(deps, console, caplog):
    await console.people(QUINN, BO)
    await console.type("/idea --anon Fewer status meetings", as_=QUINN)
    await queue(deps, "/idea comment 1 Yes please", BO)
    await dispatch_pending(replace(deps, sealer=Sealer(b"another key")))
    async with deps.uow() as uow:
        row = (await uow.session.scalars(select(Delivery))).one()
    assert (row.status, row.last_error, row.recipient_seal) == ("sent", None, None)
    assert "1 sealed deliveries cannot be opened with this key" in caplog.text
    assert "quinn" not in caplog.text


async def test_recognising_an_idea_its_anonymous_author_commented_on_leaves_the_rows_of_one_she_did_not(deps, console):
    await console.people(QUINN, BO, CY, ADMIN)
    for n in (1, 2):
        await console.type(f"/idea --anon Idea {n}", as_=QUINN)
        await console.type(f"/idea owner {n} @cy", as_=ADMIN)
        await console.type(f"/idea status {n} accepted", as_=CY)
    await console.type("/idea comment 1 I can help", as_=QUINN)  # she also commented, under her name
    await console.type("/idea comment 2 I can help", as_=BO)
    for step in ("doing", "checking"):
        for n in (1, 2):
            await console.type(f"/idea status {n} {step}", as_=CY)
    commented, did_not, out_commented, out_not = await twice(
        deps, console, ("/idea status 1 adopted", CY), ("/idea status 2 adopted", CY))
    assert commented == did_not
    assert sorted(kind for kind, *_ in commented) == [
        "idea.recognition", "idea.status", "kudos.post", "kudos.received"]
    async with deps.uow() as uow:
        kudos = (await uow.session.scalars(select(Kudos).order_by(Kudos.id))).all()
    assert [(len(k.recipients), [v.value for v in k.values]) for k in kudos] == [(2, ["teamwork"])] * 2
    for out in (out_commented, out_not):
        assert "→ quinn.hidden@example.com: Thank you: your idea #" in out  # privately, in both cases
