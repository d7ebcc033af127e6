"""A Teams message in flight when its replica died, on the wire: with `[teams.graph]` every outbox message carries its
row's mark in its card, and the replica that takes the dead claim over reads the person's 1:1 chat through Microsoft
Graph (a fake that reads what the fake Bot Connector took) before sending: found, the row is recorded with a receipt
that later updates and deletes work with, never sent a second time; not found, or Graph unable to say, it is sent."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from adapters.teams.cards import CONTENT_TYPE, render_card
from adapters.teams.marks import carries, marked
from adapters.teams.once import OnceMessenger
from bot.kernel.clock import FixedClock
from bot.kernel.outbox import Address, OnceSender, Recipient, enqueue, seal_address
from bot.kernel.settings import TeamsSettings
from bot.kernel.views import Form, Input, View, text_view
from bot.rhythm.dispatch import dispatch_pending, mark_of
from storage.models import Account, Delivery, Person
from tests.fakes.teams_connector import APP_ID, APP_PASSWORD, BOT, TENANT, Call, TeamsHarness, card, card_text, user
from tests.fakes.teams_graph import FakeGraph

STALE = timedelta(minutes=11)  # past the claim timeout (10 minutes)
ANA = user("Ana Berg", "ana@example.com", 1)


@dataclass
class Cloud:
    teams: TeamsHarness
    graph: FakeGraph

    @property
    def chat(self) -> str:
        return f"a:{ANA.teams_id}"

    def to_ana(self) -> Recipient:
        return Recipient(email=ANA.email, accounts=[Address("teams", TENANT, ANA.aad, self.address())])

    def address(self) -> dict[str, str]:
        return {"service_url": self.teams.connector.url, "tenant": TENANT, "user": ANA.teams_id, "bot": BOT,
                "conversation": self.chat}

    def took(self) -> list[Call]:
        """What the Bot Connector took in Ana's chat (a proactive message is posted as a reply to the turn)."""
        return [c for c in self.teams.connector.calls if c.method in ("send", "reply") and c.conversation == self.chat]

    def sent(self) -> list[str]:
        return [card_text(call.body) for call in self.took()]


@pytest.fixture
async def cloud(database, catalogs) -> AsyncIterator[Cloud]:
    """Teams with Graph on the wall clock (the fakes stamp messages with the real time, as Teams does); Ana has the
    app installed and her 1:1 chat is known."""
    graph = await FakeGraph().start()
    teams = await TeamsHarness.start(database, FixedClock(datetime.now(UTC)), catalogs, graph=graph.settings())
    graph.connector = teams.connector
    graph.install(ANA)
    yield Cloud(teams, graph)
    await teams.close()
    await graph.close()


async def queue_for_ana(cloud: Cloud, *texts: str) -> list[Delivery]:
    deps = cloud.teams.deps
    now = deps.clock.now()
    async with deps.uow() as uow:
        ana = Person(email=ANA.email, name=ANA.name, timezone="UTC", created_at=now)
        uow.people.add(ana)
        await uow.people.flush()
        uow.people.add(Account(person_id=ana.id, platform="teams", workspace=TENANT, user_id=ANA.aad,
                               address=cloud.address(), created_at=now))
        for text in texts:
            enqueue(uow, now, text_view(text), kind="test", recipient_id=ana.id)
    return await rows(cloud)


async def rows(cloud: Cloud) -> list[Delivery]:
    async with cloud.teams.deps.uow() as uow:
        return list(await uow.session.scalars(select(Delivery).order_by(Delivery.id)))


async def a_replica_dies_after_sending(cloud: Cloud, sent: list[Delivery]) -> None:
    """A replica claims the outbox, sends `sent` (the Bot Connector takes them) and is killed before recording any."""
    deps = cloud.teams.deps
    async with deps.uow() as uow:
        await uow.deliveries.claim(200, deps.clock.now(), deps.clock.now() - STALE)
    for row in sent:
        await cloud.teams.platform.messenger.send_once(cloud.to_ana(), text_view(row.payload["blocks"][0]["text"]),
                                                       mark_of(row))
    deps.clock.advance(STALE)


async def test_the_message_a_dead_replica_sent_is_found_and_recorded_not_sent_again(cloud: Cloud) -> None:
    first, _ = await queue_for_ana(cloud, "your check-in", "your digest")
    await a_replica_dies_after_sending(cloud, [first])
    took = cloud.took()[0]
    assert card(took.body)["body"][0]["id"] == f"feedbot-delivery-{mark_of(first)}"
    assert await dispatch_pending(cloud.teams.deps) == 2
    assert cloud.sent() == ["your check-in", "your digest"]
    assert len(cloud.graph.listings()) == 1  # the first unsent row only: the rest never began
    found, sent = await rows(cloud)
    assert (found.status, found.receipt) == ("sent", {"platform": "teams", "service_url": cloud.teams.connector.url,
                                                      "conversation": cloud.chat, "activities": [took.answered_id]})
    assert sent.status == "sent" and sent.receipt["activities"] == [cloud.took()[1].answered_id]
    # The receipt found through Graph changes the message like a send's own: `/kudos undo` deletes it.
    assert await cloud.teams.platform.messenger.amend(found.receipt, None)
    assert [(c.conversation, c.answered_id) for c in cloud.teams.connector.of("delete")] == [
        (cloud.chat, took.answered_id)]


async def test_the_message_a_dead_replica_had_not_sent_yet_is_sent_once(cloud: Cloud) -> None:
    await queue_for_ana(cloud, "your check-in")
    await a_replica_dies_after_sending(cloud, [])
    assert await dispatch_pending(cloud.teams.deps) == 1
    assert len(cloud.graph.listings()) == 1
    assert cloud.sent() == ["your check-in"]


async def test_graph_down_the_message_is_sent_and_one_line_says_why(cloud: Cloud, caplog) -> None:
    """Graph unable to answer: the row is sent (a message twice is better than none), and the log line names
    neither the token, the secret nor the message."""
    await queue_for_ana(cloud, "your check-in")
    await a_replica_dies_after_sending(cloud, [])
    cloud.graph.down = True
    with caplog.at_level(logging.WARNING):
        assert await dispatch_pending(cloud.teams.deps) == 1
    assert cloud.sent() == ["your check-in"]
    lines = [r.getMessage() for r in caplog.records if "Graph" in r.getMessage()]
    assert lines == ["Teams: could not look for a message that may have been sent (Graph: 503 ServiceUnavailable): "
                     "sending it"]
    assert not [r for r in caplog.records if any(secret in r.getMessage() for secret in
                                                 (APP_PASSWORD, "graph-token", "your check-in"))]


async def test_a_message_found_in_a_later_page_is_found(cloud: Cloud) -> None:
    """Ana typed 60 messages after the bot's: the marked card is on the second page (`@odata.nextLink`)."""
    first, = await queue_for_ana(cloud, "your check-in")
    await a_replica_dies_after_sending(cloud, [first])
    for n in range(60):  # each a millisecond apart, all after the card
        cloud.graph.say(ANA, f"answer {n}", wall=time.time() + 1 + n / 1000)
    assert await dispatch_pending(cloud.teams.deps) == 1
    assert cloud.sent() == ["your check-in"]
    assert [q.get("$skiptoken") for q in cloud.graph.listings()] == [None, "50"]
    assert (await rows(cloud))[0].receipt["activities"] == [cloud.took()[0].answered_id]


async def test_a_marked_message_from_before_the_claim_is_not_taken_for_this_one(cloud: Cloud) -> None:
    """The same mark from long before the dead claim (a staging copy's row, say) is outside the window looked at."""
    first, = await queue_for_ana(cloud, "your check-in")
    await a_replica_dies_after_sending(cloud, [first])
    cloud.took()[0].wall = time.time() - 3600
    assert await dispatch_pending(cloud.teams.deps) == 1
    assert cloud.sent() == ["your check-in", "your check-in"]


async def test_a_sealed_message_found_is_not_sent_again_and_its_row_keeps_no_receipt(cloud: Cloud) -> None:
    """A message to an anonymous author: found through Graph like any other, but its row keeps nothing of where it
    went (a receipt names the person's chat), as a sealed row sent normally keeps nothing."""
    first, = await queue_for_ana(cloud, "your idea is adopted")
    async with cloud.teams.deps.uow() as uow:
        row = await uow.session.get(Delivery, first.id)
        ana = await uow.people.by_email(ANA.email)
        assert row is not None and ana is not None
        row.recipient_id, row.recipient_seal = None, seal_address(cloud.teams.deps.sealer, ana.uid)
    await a_replica_dies_after_sending(cloud, [first])
    assert await dispatch_pending(cloud.teams.deps) == 1
    assert cloud.sent() == ["your idea is adopted"]  # once: found, not sent again
    assert len(cloud.graph.listings()) == 1
    [closed] = await rows(cloud)
    assert (closed.status, closed.receipt, closed.recipient_id) == ("sent", None, None)


async def test_a_person_without_the_app_installed_gets_the_message(cloud: Cloud, caplog) -> None:
    cloud.graph.installed.clear()
    await queue_for_ana(cloud, "your check-in")
    await a_replica_dies_after_sending(cloud, [])
    with caplog.at_level(logging.WARNING):
        assert await dispatch_pending(cloud.teams.deps) == 1
    assert cloud.sent() == ["your check-in"]
    assert any("not installed" in r.getMessage() for r in caplog.records)


async def test_the_graph_token_is_kept_per_tenant_until_it_expires(cloud: Cloud) -> None:
    messenger = cloud.teams.platform.messenger
    assert isinstance(messenger, OnceMessenger) and messenger.graph is not None
    clock = [1000.0]
    messenger.graph.now = lambda: clock[0]
    since = datetime.now(UTC) - timedelta(minutes=1)
    for _ in range(3):
        assert await messenger.sent_before(cloud.to_ana(), "1-1", since) is None
    assert [(r["tenant"], r["scope"]) for r in cloud.graph.token_requests] == [(TENANT, f"{cloud.graph.url}/.default")]
    assert len(cloud.graph.requests) == 2 + 3  # the chat is looked up once; its messages each time
    clock[0] += cloud.graph.expires_in - 299  # within five minutes of the expiry: a new token
    assert await messenger.sent_before(cloud.to_ana(), "1-1", since) is None
    assert len(cloud.graph.token_requests) == 2


async def test_a_refused_token_is_dropped_and_the_next_lookup_gets_a_new_one(cloud: Cloud, caplog) -> None:
    first, = await queue_for_ana(cloud, "your check-in")
    await a_replica_dies_after_sending(cloud, [first])
    messenger = cloud.teams.platform.messenger
    assert isinstance(messenger, OnceSender)
    since = cloud.teams.deps.clock.now() - STALE
    assert await messenger.sent_before(cloud.to_ana(), mark_of(first), since) is not None
    cloud.graph.revoke()  # an admin withdrew consent, or the token was revoked
    with caplog.at_level(logging.WARNING):
        assert await messenger.sent_before(cloud.to_ana(), mark_of(first), since) is None
    assert "401 InvalidAuthenticationToken" in caplog.text
    assert await messenger.sent_before(cloud.to_ana(), mark_of(first), since) is not None
    assert len(cloud.graph.token_requests) == 2


async def test_a_wrong_secret_is_no_lookup_and_never_logged(database, catalogs, caplog) -> None:
    graph = await FakeGraph().start()
    teams = await TeamsHarness.start(database, FixedClock(datetime.now(UTC)), catalogs, graph=graph.settings(),
                                     app_password="not-the-secret")
    graph.connector, cloud = teams.connector, Cloud(teams, graph)
    graph.install(ANA)
    try:
        with caplog.at_level(logging.WARNING):
            assert await teams.platform.messenger.sent_before(cloud.to_ana(), "1-1", datetime.now(UTC)) is None
        assert "401 invalid_client" in caplog.text and "not-the-secret" not in caplog.text
        assert graph.requests == []
    finally:
        await teams.close()
        await graph.close()


async def test_without_graph_nothing_is_marked_or_looked_for(database, catalogs) -> None:
    teams = await TeamsHarness.start(database, FixedClock(datetime.now(UTC)), catalogs)
    try:
        assert not isinstance(teams.platform.messenger, OnceSender)
        await teams.platform.messenger.send(Cloud(teams, FakeGraph()).to_ana(), text_view("hello"))
        assert "id" not in card(teams.connector.calls[0].body)["body"][0]
    finally:
        await teams.close()



def test_the_mark_is_the_first_elements_id_and_only_this_bots_card_carries_it() -> None:
    view = View(title="Weekly check-in", blocks=[Form(title="Check-in", command="checkin", submit_label="Send", inputs=[
        Input(name="well", label="What went well?")])])
    card_ = marked(render_card(view), "7-1764000000000000")
    assert card_["body"][0] == {"type": "TextBlock", "text": "Weekly check-in", "wrap": True, "weight": "bolder",
                                "size": "medium", "id": "feedbot-delivery-7-1764000000000000"}
    assert marked(render_card(view), None) == render_card(view)  # no mark, no id: the card as before
    assert marked({"body": [{"type": "Input.Text", "id": "well"}]}, "7-1") == {
        "body": [{"type": "Input.Text", "id": "well"}]}  # an input keeps its own id (its answer's name)
    text = json.dumps(card_, indent=2)
    bot = {"from": {"application": {"id": APP_ID, "applicationIdentityType": "bot"}},
           "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": text}]}
    assert carries(bot, "7-1764000000000000", APP_ID)
    assert not carries(bot, "7-17640000000000", APP_ID)  # a mark is matched whole, not as a prefix
    assert not carries(bot | {"from": {"application": {"id": "another-app"}}}, "7-1764000000000000", APP_ID)
    assert not carries(bot | {"from": {"user": {"id": ANA.aad}}}, "7-1764000000000000", APP_ID)  # pasted by a person
    assert not carries(bot | {"attachments": [{"contentType": CONTENT_TYPE, "content": "{not json"}]},
                       "7-1764000000000000", APP_ID)


def test_graph_needs_the_bots_app_id() -> None:
    with pytest.raises(ValidationError, match=r"teams\.graph\.enabled needs teams\.app_id"):
        TeamsSettings.model_validate({"graph": {"enabled": True}})
    assert not TeamsSettings().graph.enabled  # off unless asked for
