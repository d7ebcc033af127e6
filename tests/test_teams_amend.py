"""Withdrawn and edited messages on the Teams wire: delete and update activity of what was sent, by its id."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.kernel.outbox import Address, Recipient
from bot.kernel.settings import Settings
from bot.kernel.views import Text, View
from bot.orgdir import import_people
from storage.models import Delivery, Kudos
from tests.fakes.teams_connector import TeamsHarness, card_text, user

BO = user("Bo Ek", "bo@example.com", 1)
ANA = user("Ana Berg", "ana@example.com", 2)
CHANNEL = "19:kudos0123@thread.tacv2"
ORG = """email,name,manager_email,team,timezone,locale
ana@example.com,Ana Berg,,Apps,UTC,en
bo@example.com,Bo Ek,ana@example.com,Apps,UTC,en
"""


@pytest.fixture
async def teams(database, clock, catalogs, tmp_path: Path):
    settings = Settings.model_validate({"org": {"admins": ["admin@example.com"]},
                                        "privacy": {"secret_key": "test-secret"}, "kudos": {"channel": CHANNEL}})
    harness = await TeamsHarness.start(database, clock, catalogs, settings=settings)
    (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
    await import_people(harness.deps, tmp_path / "org.csv")
    yield harness
    await harness.close()


async def test_kudos_undo_deletes_the_channel_post_and_the_personal_message(teams: TeamsHarness) -> None:
    await teams.say(ANA, "help")
    await teams.say(BO, "kudos @Ana Berg great demo", mention=[ANA])
    to_ana = [c for c in teams.connector.of("reply") if c.conversation == f"a:{ANA.teams_id}"][-1]
    channel_post = teams.connector.of("post")[-1]
    await teams.say(BO, "kudos undo")
    deleted = {(c.conversation, c.answered_id) for c in teams.connector.of("delete")}
    assert (f"a:{ANA.teams_id}", to_ana.answered_id) in deleted
    assert any(conversation.startswith(CHANNEL) for conversation, _ in deleted)
    assert len(deleted) == 2 and channel_post.method == "post"
    assert not [c for c in teams.connector.sent() if "took back" in card_text(c)]
    async with teams.deps.uow() as uow:
        assert (await uow.session.scalars(select(Kudos))).all() == []
        assert {d.status for d in await uow.session.scalars(select(Delivery))} == {"sent"}


async def test_an_activity_teams_no_longer_has_counts_as_withdrawn(teams: TeamsHarness) -> None:
    await teams.say(ANA, "help")
    await teams.say(BO, "kudos @Ana Berg great demo", mention=[ANA])
    teams.connector.gone |= {c.answered_id for c in teams.connector.of("reply")}
    await teams.say(BO, "kudos undo")
    assert len(teams.connector.of("delete")) == 2
    assert not [c for c in teams.connector.sent() if "took back" in card_text(c)]


async def test_an_edited_message_is_updated_in_place(teams: TeamsHarness) -> None:
    await teams.say(ANA, "help")
    async with teams.deps.uow() as uow:
        person = await uow.people.by_email("ana@example.com")
        accounts = await uow.people.accounts_of_many([person.id])
    address = [Address(a.platform, a.workspace, a.user_id, a.address) for a in accounts[person.id]]
    messenger = teams.platform.messenger
    receipt = await messenger.send(Recipient(email="ana@example.com", accounts=address), View(blocks=[Text(text="v1")]))
    assert await messenger.amend(receipt, View(blocks=[Text(text="v2")]))
    update = teams.connector.of("update")[-1]
    assert update.answered_id == receipt["activities"][0] and "v2" in card_text(update.body)
