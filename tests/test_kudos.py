"""Kudos through the console adapter, on real storage."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Delivery, Kudos, KudosRecipient, KudosValue

ANA, BO, CY = "ana@example.com", "bo@example.com", "cy@example.com"


async def count(deps, model) -> int:
    async with deps.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model))


async def test_kudos_is_posted_in_the_channel_and_sent_to_each_recipient(deps, console):
    await console.people(ANA, BO, CY)
    out = await console.type("/kudos @bo @cy Thanks for the release notes #teamwork", as_=ANA)
    assert "Kudos sent to @bo, @cy and posted in #kudos." in out
    assert "→ #kudos: Kudos from @ana to @bo, @cy\n  Thanks for the release notes #teamwork" in out
    assert "→ bo@example.com: @ana gave you kudos\n  Thanks for the release notes #teamwork" in out
    assert "→ cy@example.com: @ana gave you kudos" in out
    async with deps.uow() as uow:
        kudos = (await uow.session.scalars(select(Kudos))).one()
        assert kudos.message == "Thanks for the release notes #teamwork"
        assert {r.person_id for r in kudos.recipients} == {
            (await uow.people.by_email(BO)).id, (await uow.people.by_email(CY)).id}
        assert [v.value for v in kudos.values] == ["teamwork"]
        statuses = (await uow.session.scalars(select(Delivery.status))).all()
    assert statuses == ["sent", "sent", "sent"]


async def test_with_no_kudos_channel_only_the_people_thanked_are_told(deps_factory, settings):
    deps, console = deps_factory(settings.model_copy(update={"kudos": settings.kudos.model_copy(
        update={"channel": ""})}))
    await console.people(ANA, BO)
    out = await console.type("/kudos @bo Thanks for the review", as_=ANA)
    assert "Kudos sent to @bo." in out and "posted in" not in out
    async with deps.uow() as uow:
        deliveries = (await uow.session.scalars(select(Delivery))).all()
    assert [(d.kind, d.channel) for d in deliveries] == [("kudos.received", None)]


async def test_recent_kudos_lists_given_and_received(console):
    await console.people(ANA, BO)
    await console.type("/kudos @bo Great demo", as_=ANA)
    await console.type("/kudos @ana Thanks for the review #quality", as_=BO)
    out = await console.type("/kudos", as_=ANA)
    assert "Your recent kudos, given and received" in out
    assert "2026-11-23 @bo → @ana: Thanks for the review #quality" in out
    assert "2026-11-23 @ana → @bo: Great demo" in out


async def test_no_kudos_yet_says_how_to_give_one(console):
    out = await console.type("/kudos", as_=ANA)
    assert "No kudos yet. Thank someone: /kudos @ana @bo" in out


async def test_self_kudos_is_refused_and_nothing_is_written(deps, console):
    await console.people(ANA, BO)
    out = await console.type("/kudos @bo @ana we did it", as_=ANA)
    assert "you can't give them to yourself" in out
    assert "→" not in out
    for model in (Kudos, KudosRecipient, KudosValue, Delivery):
        assert await count(deps, model) == 0


async def test_unknown_value_lists_the_values(deps, console):
    await console.people(ANA, BO)
    out = await console.type("/kudos @bo Great #heroics", as_=ANA)
    assert "#heroics is not one of our values. Use one of: #teamwork #customer #quality #ownership #learning." \
        in out
    assert await count(deps, Kudos) == 0


async def test_kudos_needs_a_recipient_and_a_message(console):
    await console.people(ANA, BO)
    assert "Who is it for? Start with their @name: /kudos @ana" in await console.type("/kudos thanks!", as_=ANA)
    assert "Please add some text: /kudos @ana @bo" in await console.type("/kudos @bo", as_=ANA)


async def test_unknown_and_ambiguous_people(console):
    await console.people(ANA, "bo@example.com", "bo@other.org")
    out = await console.type("/kudos @zed thanks", as_=ANA)
    assert "I don't know anyone called @zed. Check the spelling, or write their full email address." in out
    out = await console.type("/kudos @bo thanks", as_=ANA)
    assert "@bo could be several people: @bo@example.com, @bo@other.org. Write the full email instead." in out
    out = await console.type("/kudos @bo@other.org thanks", as_=ANA)
    assert "Kudos sent to @bo" in out
    out = await console.type("/kudos @nobody@example.com thanks", as_=ANA)
    assert "Nobody with the email nobody@example.com is known here." in out


async def test_too_long_text_is_refused_with_the_limit(deps, console):
    await console.people(ANA, BO)
    out = await console.type("/kudos @bo " + "x" * 2001, as_=ANA)
    assert "That text is 2001 characters long; the limit is 2000." in out
    assert await count(deps, Kudos) == 0


async def test_mentions_anywhere_in_the_text_find_the_recipients_and_the_text_stays_as_written(deps, console):
    await console.people(ANA, BO, CY)
    out = await console.type("/kudos Thanks @bo for the report, and @cy too #teamwork", as_=ANA)
    assert "Kudos sent to @bo, @cy" in out
    assert "→ bo@example.com: @ana gave you kudos\n  Thanks @bo for the report, and @cy too #teamwork" in out
    out = await console.type("/kudos @bo. Great demo", as_=ANA)  # a full stop after a mention is punctuation
    assert "Kudos sent to @bo" in out and "gave you kudos\n  Great demo" in out
    out = await console.type("/kudos Mail me at ana@example.com", as_=BO)  # an email address is not a mention
    assert "Who is it for?" in out


async def test_a_mistyped_mention_suggests_only_people_who_exist(deps, console):
    await console.people("bo.nilsson@example.com", "ana@example.com")
    out = await console.type("/kudos @bo.nilson Thanks for the demo", as_="ana@example.com")
    assert "I don't know anyone called @bo.nilson. Did you mean @bo.nilsson@example.com?" in out
    out = await console.type("/kudos @zed Thanks", as_="ana@example.com")
    assert "@zed@" not in out and "example.com" not in out
