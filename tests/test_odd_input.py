"""Odd characters never reach a feature, the database or a log: every inbound message is cleaned on the way in."""

from __future__ import annotations

from sqlalchemy import select

from adapters.console.render import render_text
from bot.core import handle_command
from bot.kernel.messages import Actor, Command, Interaction, clean
from storage.models import Kudos, Person

ANA, BO = "ana@example.com", "bo@example.com"


def test_cleaning_drops_controls_and_replaces_lone_surrogates_but_keeps_text():
    assert clean("a\x00b\x07c\x7f") == "abc"
    assert clean("tab\tand\nnewline stay") == "tab\tand\nnewline stay"
    assert clean("lone \ud800 and \udfff") == "lone \ufffd and \ufffd"
    assert clean("emoji 😀 and 学习 stay") == "emoji 😀 and 学习 stay"
    assert clean({"k\x00": ["v\x00", ("w\ud83d",)]}) == {"k": ["v", ("w\ufffd",)]}


async def test_nul_and_lone_surrogates_in_a_command_are_stored_clean_on_both_databases(deps, console):
    await console.people(ANA, BO)
    actor = Actor(platform="console", user_id=ANA, email=ANA, name="Ana\x00 \ud800Lima")
    views = await handle_command(deps, Command(actor=actor, name="kudos", text="@bo Thanks\x00 for \ud83d the fix"))
    assert "Kudos sent to @bo" in render_text(views[0])
    async with deps.uow() as uow:
        kudos = (await uow.session.scalars(select(Kudos))).one()
        assert kudos.message == "Thanks for \ufffd the fix"
        assert "\x00" not in (await uow.session.scalars(select(Person.name))).all()


def test_every_inbound_message_is_cleaned():
    interaction = Interaction(actor=Actor(platform="slack", user_id="U1\x00"), command="idea vote 1\x00",
                              values={"note": "x\x00y"})
    assert (interaction.actor.user_id, interaction.command, interaction.values) == ("U1", "idea vote 1", {"note": "xy"})
