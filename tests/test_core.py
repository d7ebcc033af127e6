"""The core's routing and conversation basics through the console: help, language, unknown commands."""

from __future__ import annotations

from bot.core import handle_interaction
from bot.kernel.messages import Actor, Interaction
from feedbot.features import COMMANDS as FEATURES

ANA = "ana@example.com"


async def test_help_lists_every_command(console):
    out = await console.type("/help", as_=ANA)
    assert "feedbot — continuous feedback" in out
    for name in FEATURES:
        if name != "help":
            assert f"/{name} " in out
    assert "Type /help kudos for details of one command." in out
    assert ("In this terminal: /as EMAIL types as someone else, /cancel leaves a form (any other command is answered "
            "and the form goes on), /quit") in out


async def test_help_for_one_command(console):
    out = await console.type("/help kudos", as_=ANA)
    assert "/kudos @ana @bo Thanks for the release notes #teamwork" in out
    out = await console.type("/help /idea", as_=ANA)
    assert out.startswith("/idea\n")


async def test_help_for_an_unknown_command(console):
    out = await console.type("/help dance", as_=ANA)
    assert "There is no command /dance. Type /help for the list of commands." in out


async def test_unknown_command_suggests_the_closest(console):
    assert "There is no command /kudo. Did you mean /kudos? Type /help for the list." in await console.type(
        "/kudo @bo hi", as_=ANA)
    assert "There is no command /xyzzy. Type /help for the list of commands." in await console.type("/xyzzy", as_=ANA)


async def test_a_line_without_slash_is_read_as_a_command_like_on_teams(console):
    await console.people("bo@example.com")
    out = await console.type("kudos @bo thanks for the help", as_=ANA)
    assert "Kudos sent to @bo" in out


async def test_language_shows_and_switches(deps, console):
    out = await console.type("/language", as_=ANA)
    assert ("I speak English with you. Available: en (English), sv (Svenska), zh-Hans (简体中文), "
            "zh-Hant (繁體中文)") in out
    await console.type("/language zh-TW", as_=ANA)
    async with deps.uow() as uow:
        assert (await uow.people.by_email(ANA)).locale == "zh_Hant"
    out = await console.type("/language klingon", as_=ANA)
    assert "klingon" in out and "zh-Hant" in out


async def test_a_button_press_is_the_command_it_stands_for(deps, console):
    await console.people("bo@example.com", ANA)
    views = await handle_interaction(deps, Interaction(
        actor=Actor(platform="console", user_id=ANA, email=ANA), command="kudos @bo from a button"))
    assert "Kudos sent to" in views[0].fallback_text()


async def test_an_actor_without_email_is_told_why(deps):
    from bot.core import handle_command
    from bot.kernel.messages import Command

    views = await handle_command(deps, Command(actor=Actor(platform="slack", workspace="T1", user_id="U1"),
                                               name="kudos"))
    assert views[0].is_error
    assert "I could not find your email address" in views[0].fallback_text()


async def test_platform_accounts_link_to_one_person_by_email(deps, console):
    from bot.core import handle_command
    from bot.kernel.messages import Command

    await console.people(ANA)
    slack = Actor(platform="slack", workspace="T1", user_id="U1", email="Ana@Example.com", locale="sv-SE",
                  timezone="Europe/Stockholm")
    await handle_command(deps, Command(actor=slack, name="kudos"))
    await handle_command(deps, Command(actor=slack, name="kudos"))
    async with deps.uow() as uow:
        person = await uow.people.by_email(ANA)
        accounts = await uow.people.accounts_of(person.id)
        assert await uow.people.count() == 1
    assert sorted((a.platform, a.user_id) for a in accounts) == [("console", ANA), ("slack", "U1")]
    assert (person.locale, person.timezone) == ("sv", "Europe/Stockholm")


async def test_help_after_any_command_is_its_help(console):
    assert await console.type("/kudos help", as_=ANA) == await console.type("/help kudos", as_=ANA)


async def test_the_time_zone_follows_the_chat_profile_but_a_chosen_language_stays(deps):
    from bot.core import handle_command
    from bot.kernel.messages import Command

    def actor(zone: str, locale: str) -> Actor:
        return Actor(platform="slack", workspace="T1", user_id="U1", email=ANA, timezone=zone, locale=locale)

    await handle_command(deps, Command(actor=actor("Europe/Stockholm", "sv-SE"), name="help"))
    await handle_command(deps, Command(actor=actor("Europe/Stockholm", "sv-SE"), name="language", text="en"))
    await handle_command(deps, Command(actor=actor("America/New_York", "sv-SE"), name="help"))  # travelling
    await handle_command(deps, Command(actor=actor("Not/AZone", "sv-SE"), name="help"))
    async with deps.uow() as uow:
        ana = await uow.people.by_email(ANA)
    assert (ana.timezone, ana.locale) == ("America/New_York", "en")
