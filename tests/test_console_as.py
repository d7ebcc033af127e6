"""`/as` in the console switches who is typing: an email, or a handle resolved like a mention; anything else is
refused and the session stays with who was typing."""

from __future__ import annotations

ANA, BO = "ana@example.com", "bo@example.com"


async def test_as_takes_a_handle_like_a_mention(console):
    await console.people(ANA, BO)
    assert "You are bo (bo@example.com)" in await console.type("/as bo", as_=ANA)
    assert console.chat.actor.email == BO
    assert "You are ana (ana@example.com)" in await console.type("/as @ana")


async def test_as_someone_unknown_is_refused_and_the_session_goes_on(console):
    await console.people(ANA)
    out = await console.type("/as nobody", as_=ANA)
    assert out.startswith("⚠ I don't know anyone called @nobody.")
    assert console.chat.actor.email == ANA
    out = await console.type("/as " + "x" * 201)  # too long for any address or handle
    assert out.startswith("⚠") and console.chat.actor.email == ANA
    assert (await console.type("/kudos")).startswith("No kudos yet.")  # still Ana, still working


async def test_as_an_email_meets_a_newcomer(console):
    out = await console.type("/as Cy@Example.com")
    assert "(cy@example.com)" in out and console.chat.actor.email == "cy@example.com"
