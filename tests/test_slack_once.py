"""A message in flight when its replica died, on the Slack wire: each outbox message carries its row's mark in
Slack's message metadata, and the replica that takes the dead claim over looks for it in the DM
(conversations.history) before sending: found, it is recorded with its receipt, never sent a second time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.kernel.clock import FixedClock
from bot.kernel.outbox import Address, Recipient, enqueue
from bot.kernel.views import text_view
from bot.rhythm.dispatch import dispatch_pending, mark_of
from storage.models import Account, Delivery, Person
from tests.fakes.slack_api import TEAM, SlackEnv, running_slack

STALE = timedelta(minutes=11)  # past the claim timeout (10 minutes)


@pytest.fixture
async def slack(database, catalogs) -> AsyncIterator[SlackEnv]:
    """Slack on the wall clock: the fake stamps messages with the real time, as Slack does."""
    async with running_slack(database, FixedClock(datetime.now(UTC)), catalogs) as env:
        yield env


async def queue_for_ana(env: SlackEnv, *texts: str, channel: str | None = None) -> list[Delivery]:
    """Ana (Slack, her DM D0ANA known) and a message for her (or for `channel`) per text, in the outbox."""
    now = env.deps.clock.now()
    async with env.deps.uow() as uow:
        ana = Person(email="ana@example.com", name="Ana", timezone="UTC", created_at=now)
        uow.people.add(ana)
        await uow.people.flush()
        uow.people.add(Account(person_id=ana.id, platform="slack", workspace=TEAM, user_id="U0ANA",
                               address={"channel": "D0ANA"}, created_at=now))
        for text in texts:
            enqueue(uow, now, text_view(text), kind="test", recipient_id=None if channel else ana.id, channel=channel)
    async with env.deps.uow() as uow:
        return list(await uow.session.scalars(select(Delivery).order_by(Delivery.id)))


async def queue_for_people(env: SlackEnv, count: int) -> list[Delivery]:
    """`count` people on Slack (person n's DM D0P<n> known), one message each, in the outbox in that order."""
    now = env.deps.clock.now()
    async with env.deps.uow() as uow:
        for n in range(count):
            person = Person(email=f"p{n}@example.com", name=f"P{n}", timezone="UTC", created_at=now)
            uow.people.add(person)
            await uow.people.flush()
            uow.people.add(Account(person_id=person.id, platform="slack", workspace=TEAM, user_id=f"U0P{n}",
                                   address={"channel": f"D0P{n}"}, created_at=now))
            enqueue(uow, now, text_view(f"to P{n}"), kind="test", recipient_id=person.id)
    return await rows(env)


def to_person(n: int) -> Recipient:
    return Recipient(email=f"p{n}@example.com", accounts=[Address("slack", TEAM, f"U0P{n}", {"channel": f"D0P{n}"})])


def to_ana() -> Recipient:
    return Recipient(email="ana@example.com", accounts=[Address("slack", TEAM, "U0ANA", {"channel": "D0ANA"})])


async def a_replica_dies_after_sending(env: SlackEnv, sent: list[Delivery], recipient: Recipient) -> None:
    """A replica claims the outbox, sends `sent` (Slack takes them) and is killed before recording any."""
    async with env.deps.uow() as uow:
        await uow.deliveries.claim(200, env.deps.clock.now(), env.deps.clock.now() - STALE)
    for row in sent:
        await env.platform.messenger.send_once(recipient, text_view(row.payload["blocks"][0]["text"]), mark_of(row))


async def rows(env: SlackEnv) -> list[Delivery]:
    async with env.deps.uow() as uow:
        return list(await uow.session.scalars(select(Delivery).order_by(Delivery.id)))


async def test_the_message_a_dead_replica_sent_is_found_and_recorded_not_sent_again(slack: SlackEnv) -> None:
    first, _ = await queue_for_ana(slack, "your check-in", "your digest")
    await a_replica_dies_after_sending(slack, [first], to_ana())
    posted = slack.fake.called("chat.postMessage")
    assert [p["metadata"] for p in posted] == [
        {"event_type": "feedbot_delivery", "event_payload": {"mark": mark_of(first)}}]
    slack.deps.clock.advance(STALE)
    assert await dispatch_pending(slack.deps) == 2
    assert [p["text"] for p in slack.fake.called("chat.postMessage")] == ["your check-in", "your digest"]
    history = slack.fake.called("conversations.history")
    # The first unsent row to Ana only: a second message to one person never begins before the first is recorded.
    assert len(history) == 1 and history[0]["channel"] == "D0ANA"
    found, sent = await rows(slack)
    assert (found.status, found.receipt["ts"]) == ("sent", [slack.fake.history.messages["D0ANA"][0]["ts"]])
    assert sent.status == "sent" and sent.receipt["ts"] == [slack.fake.history.messages["D0ANA"][1]["ts"]]


async def test_the_message_a_dead_replica_had_not_sent_yet_is_sent_once(slack: SlackEnv) -> None:
    await queue_for_ana(slack, "your check-in")
    await a_replica_dies_after_sending(slack, [], to_ana())
    slack.deps.clock.advance(STALE)
    assert await dispatch_pending(slack.deps) == 1
    assert len(slack.fake.called("conversations.history")) == 1
    assert [p["text"] for p in slack.fake.called("chat.postMessage")] == ["your check-in"]


async def test_each_message_a_dead_replica_may_have_had_in_flight_is_looked_for(slack: SlackEnv) -> None:
    """A replica sends up to `limits.send_concurrency` messages at once, each among the first that many of its
    unrecorded rows: it died with rows 0 and 2 out (Slack took them) and none recorded. Each of the first that many
    rows is looked for in its own DM; those found are recorded, the rest sent once; the rows after them are sent
    without a lookup (they cannot have begun)."""
    in_flight = slack.deps.settings.limits.send_concurrency
    queued = await queue_for_people(slack, in_flight + 2)
    async with slack.deps.uow() as uow:
        await uow.deliveries.claim(200, slack.deps.clock.now(), slack.deps.clock.now() - STALE)
    for n in (0, 2):
        await slack.platform.messenger.send_once(to_person(n), text_view(f"to P{n}"), mark_of(queued[n]))
    slack.deps.clock.advance(STALE)
    assert await dispatch_pending(slack.deps) == in_flight + 2
    looked_in = sorted(call["channel"] for call in slack.fake.called("conversations.history"))
    assert looked_in == sorted(f"D0P{n}" for n in range(in_flight))  # one lookup per row in doubt, none after
    posted = sorted(call["channel"] for call in slack.fake.called("chat.postMessage"))
    assert posted == sorted(f"D0P{n}" for n in range(in_flight + 2))  # each person's message exactly once
    done = await rows(slack)
    assert {d.status for d in done} == {"sent"}
    for n in (0, 2):  # found, with the receipt of the message the dead replica sent
        assert done[n].receipt["ts"] == [slack.fake.history.messages[f"D0P{n}"][0]["ts"]]


async def test_a_message_sent_before_the_claim_is_not_taken_for_this_one(slack: SlackEnv) -> None:
    """The same mark from long before the dead claim (a staging copy's row 1, say) is outside the window looked at."""
    row, = await queue_for_ana(slack, "your check-in")
    slack.fake.history.post("D0ANA", {"text": "old", "metadata": {"event_type": "feedbot_delivery",
                                                                  "event_payload": {"mark": mark_of(row)}}})
    slack.fake.history.messages["D0ANA"][0]["ts"] = f"{datetime.now(UTC).timestamp() - 3600:.6f}"
    await a_replica_dies_after_sending(slack, [], to_ana())
    slack.deps.clock.advance(STALE)
    assert await dispatch_pending(slack.deps) == 1
    assert [p["text"] for p in slack.fake.called("chat.postMessage")] == ["your check-in"]


async def test_a_channel_post_in_doubt_is_sent_without_reading_the_channel(slack: SlackEnv) -> None:
    """Reading a channel's history would need a scope feedbot does not ask for: a channel post in doubt is sent
    again (at most once more per dead replica), as docs/deploying.md says."""
    row, = await queue_for_ana(slack, "kudos to Bo", channel="C0KUDOS")
    await a_replica_dies_after_sending(slack, [row], Recipient(channel="C0KUDOS"))
    slack.deps.clock.advance(STALE)
    assert await dispatch_pending(slack.deps) == 1
    assert slack.fake.called("conversations.history") == []
    assert len(slack.fake.called("chat.postMessage")) == 2


async def test_the_first_unsent_rows_of_each_dead_claim_up_to_the_sends_in_flight_are_in_doubt(
        slack: SlackEnv) -> None:
    deps = slack.deps
    queued = await queue_for_ana(slack, "1", "2", "3", "4", "5")
    async with deps.uow() as uow:  # replica A takes 1 to 4, records 2, dies with 1, 3 and 4 unrecorded
        await uow.deliveries.claim(4, deps.clock.now(), deps.clock.now() - STALE, in_flight=2)
        await uow.deliveries.mark_sent([queued[1].id], deps.clock.now())
    claimed = deps.clock.now()
    deps.clock.advance(STALE + timedelta(seconds=1))
    async with deps.uow() as uow:
        claim = await uow.deliveries.claim(200, deps.clock.now(), deps.clock.now() - STALE, in_flight=2)
    assert [d.id for d in claim.deliveries] == [queued[n].id for n in (0, 2, 3, 4)]
    assert claim.in_doubt == {queued[0].id: claimed, queued[2].id: claimed}  # 4 was third: it never began


async def test_only_the_first_unsent_row_of_each_dead_claim_is_in_doubt(slack: SlackEnv) -> None:
    deps = slack.deps
    first, second, third, fourth = await queue_for_ana(slack, "1", "2", "3", "4")
    async with deps.uow() as uow:  # replica A takes 1 and 2, sends 1 and records it, dies sending 2
        await uow.deliveries.claim(2, deps.clock.now(), deps.clock.now() - STALE)
        await uow.deliveries.mark_sent([first.id], deps.clock.now())
    deps.clock.advance(timedelta(seconds=1))
    async with deps.uow() as uow:  # replica B takes 3 and 4 and dies sending 3
        await uow.deliveries.claim(2, deps.clock.now(), deps.clock.now() - STALE)
    claimed_a, claimed_b = deps.clock.now() - timedelta(seconds=1), deps.clock.now()
    deps.clock.advance(STALE + timedelta(seconds=1))
    async with deps.uow() as uow:
        claim = await uow.deliveries.claim(200, deps.clock.now(), deps.clock.now() - STALE)
    assert [d.id for d in claim.deliveries] == [second.id, third.id, fourth.id]
    assert claim.in_doubt == {second.id: claimed_a, third.id: claimed_b}
