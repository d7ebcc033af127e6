"""A button press and a free-text message are the command they stand for: each carries over who sent it, how
commands are typed there and where to answer (bot.kernel.messages.FromChat), whatever the platform put in."""

from __future__ import annotations

import pytest

import bot.core
from bot.kernel.messages import Actor, Command, FromChat, Interaction, MentionRef, Message

ACTOR = Actor(platform="teams", workspace="T1", user_id="u1", email="ana@example.com")
SHARED = {"actor": ACTOR, "prefix": "", "prefixes": {"away": "/feedbot "}, "conversation": "c-9",
          "reply_handle": "activity-3"}


@pytest.fixture
def commands(monkeypatch: pytest.MonkeyPatch) -> list[Command]:
    seen: list[Command] = []

    async def record(deps: object, command: Command) -> list[object]:
        seen.append(command)
        return []

    monkeypatch.setattr(bot.core, "handle_command", record)
    return seen


async def test_a_button_press_and_a_message_carry_every_shared_field(commands) -> None:
    mention = MentionRef(token="<at>Bo</at>", user_id="u2", email="bo@example.com")
    await bot.core.handle_interaction(None, Interaction(**SHARED, command="idea vote 12", values={"a": "1"}))
    await bot.core.handle_message(None, Message(**SHARED, text="kudos <at>Bo</at> thanks", mentions=[mention]))
    vote, kudos = commands
    assert (vote.name, vote.text, vote.values) == ("idea", "vote 12", {"a": "1"})
    assert (kudos.name, kudos.text, kudos.mentions) == ("kudos", "<at>Bo</at> thanks", [mention])
    for command in (vote, kudos):
        assert {name: getattr(command, name) for name in FromChat.model_fields} == SHARED
