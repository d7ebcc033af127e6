"""Recognition when a cycle closes: adopting an idea thanks its owner, author and commenters in one kudos-channel
post, stored as kudos (so /kudos and the digests count it), exactly once per idea; an anonymous author is thanked
privately and named nowhere. The measured effect in the manager and organisation digests."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.orgdir import import_people
from storage.models import Delivery, IdeaRecognition, Kudos

ANA, BO, CY, DEE, ADMIN = (f"{n}@example.com" for n in ("ana", "bo", "cy", "dee", "admin"))
QUINN = "quinn.hidden@example.com"  # an anonymous author
ORG = """email,name,manager_email,team,timezone,locale
ana@example.com,Ana Lima,,Apps,UTC,en
bo@example.com,Bo Nilsson,ana@example.com,Apps,UTC,en
cy@example.com,Cy Walker,ana@example.com,Apps,UTC,en
dee@example.com,Dee Park,,Apps,UTC,en
admin@example.com,Ad Min,,People,UTC,en
quinn.hidden@example.com,Quinn Hidden,ana@example.com,Apps,UTC,en
"""


async def checking(console, author: str = BO, *, anonymous: bool = False, measured: bool = True) -> None:
    """Idea #1 by `author`, owned by Ana, measured and re-measured, checking; Cy commented twice, Dee voted."""
    await console.people(ANA, BO, CY, DEE, ADMIN, QUINN)
    await console.type(f"/idea {'--anon ' if anonymous else ''}Cut the build time by caching wheels", as_=author)
    await console.type("/idea vote 1", as_=DEE)
    await console.type("/idea owner 1 @ana", as_=ADMIN)
    await console.type("/idea status 1 accepted", as_=ANA)
    if measured:
        await console.type("/idea measure 1 baseline 11 target 6 minutes", as_=ANA)
        await console.type("/idea measure 1 result 5.5", as_=ANA)
    await console.type("/idea comment 1 I can help with the trial", as_=CY)
    await console.type("/idea comment 1 Trial went well", as_=CY)
    await console.type("/idea status 1 doing", as_=ANA)
    await console.type("/idea status 1 checking", as_=ANA)


async def all_kudos(deps) -> list[Kudos]:
    async with deps.uow() as uow:
        return list((await uow.session.scalars(select(Kudos).order_by(Kudos.id))).all())


async def emails(deps, ids) -> list[str]:
    async with deps.uow() as uow:
        people = await uow.people.by_ids(list(ids))
    return sorted(p.email for p in people.values())


async def test_adopting_thanks_owner_author_and_commenters_once_in_the_kudos_channel(deps, console):
    await checking(console)
    out = await console.type("/idea status 1 adopted", as_=ANA)
    assert "Everyone who took part in it is thanked for it, with #teamwork." in out
    posts = out.split("→ #kudos: ")[1:]
    assert len(posts) == 1
    assert posts[0].startswith("Idea #1 is adopted: thank you, @ana, @bo, @cy\n  Cut the build time by caching wheels\n"
                               "  11 → 5.5 minutes against a target of 6: -50%; the target is met.\n  #teamwork\n")
    assert "→ bo@example.com: Thank you: idea #1 is adopted, and you helped" in out
    assert "→ cy@example.com: Thank you: idea #1 is adopted, and you helped" in out
    assert "→ ana@example.com: Thank you" not in out and "→ dee@example.com: Thank you" not in out  # the mover; a voter
    [kudos] = await all_kudos(deps)
    assert await emails(deps, [r.person_id for r in kudos.recipients]) == [ANA, BO, CY]
    assert [v.value for v in kudos.values] == ["teamwork"]
    # Given by feedbot, not by Ana who adopted it; its facts are stored, not a sentence in one language.
    assert (kudos.giver_id, kudos.idea_id, kudos.message) == (None, 1, "Cut the build time by caching wheels #teamwork")
    assert kudos.effect == {"baseline": 11, "target": 6, "unit": "minutes", "result": 5.5}
    listed = await console.type("/kudos", as_=CY)  # recognition counts as kudos
    assert ("feedbot → @ana, @bo, @cy: Thank you for idea #1, adopted — Cut the build time by caching wheels "
            "#teamwork — 11 → 5.5 minutes against a target of 6: -50%; the target is met.") in listed


async def test_recognition_happens_once_even_when_the_idea_is_adopted_again(deps, console):
    await checking(console)
    await console.type("/idea status 1 adopted", as_=ANA)
    async with deps.uow() as uow:  # it leaves adopted (as a correction would) and comes back
        (await uow.ideas.get(1)).status = "checking"
    out = await console.type("/idea status 1 adopted Again", as_=ANA)
    assert "Idea #1 moved from checking (check) to adopted (act)." in out
    assert "#kudos" not in out and "Thank you" not in out and "thanked" not in out
    assert len(await all_kudos(deps)) == 1
    async with deps.uow() as uow:
        assert len((await uow.session.scalars(select(IdeaRecognition))).all()) == 1


async def test_kudos_undo_never_takes_back_the_thanks_for_an_idea(deps, console):
    await checking(console)
    await console.type("/kudos @cy Thanks for running the trial #teamwork", as_=ANA)
    await console.type("/idea status 1 adopted", as_=ANA)  # the thanks comes from feedbot, a moment later
    out = await console.type("/kudos undo", as_=ANA)
    assert "taken back" in out and "Thanks for running the trial" in out and "idea #1" not in out  # her own
    assert "You have no kudos to take back." in await console.type("/kudos undo", as_=ANA)
    [kudos] = await all_kudos(deps)
    assert kudos.idea_id is not None and kudos.giver_id is None  # the recognition stays
    assert "Thank you for idea #1, adopted" in await console.type("/kudos", as_=CY)


async def test_the_recognition_value_is_configurable(deps_factory, settings):
    deps, console = deps_factory(settings.model_copy(update={
        "ideas": settings.ideas.model_copy(update={"recognition_value": "quality"})}))
    await checking(console, measured=False)
    out = await console.type("/idea status 1 adopted", as_=ANA)
    assert "#quality" in out and "#teamwork" not in out and "against a target" not in out
    assert [v.value for v in (await all_kudos(deps))[0].values] == ["quality"]


async def test_an_anonymous_author_is_thanked_privately_and_named_nowhere(deps, console):
    await checking(console, QUINN, anonymous=True)
    out = await console.type("/idea status 1 adopted", as_=ANA)
    assert "Idea #1 is adopted: thank you, @ana, @cy\n" in out
    assert "→ quinn.hidden@example.com: Thank you: your idea #1 is adopted" in out
    assert "Only you know it was yours: you are not named anywhere." in out
    [kudos] = await all_kudos(deps)
    assert await emails(deps, [r.person_id for r in kudos.recipients]) == [ANA, CY]
    async with deps.uow() as uow:
        rows = (await uow.session.scalars(select(Delivery).where(Delivery.kind == "idea.recognition"))).all()
    assert [(r.recipient_id, r.channel, bool(r.recipient_seal) or r.status == "sent") for r in rows] == [
        (None, None, True)]
    assert "quinn" not in kudos.message.lower()


async def test_digests_list_ideas_adopted_in_the_week_with_their_effect(deps, console, clock, tmp_path):
    path = tmp_path / "org.csv"
    path.write_text(ORG, encoding="utf-8")
    await import_people(deps, path)
    clock.set(datetime(2026, 11, 18, 9, 0, tzinfo=UTC))
    await checking(console)  # #1, Bo's: Ana's team
    await console.type("/idea status 1 adopted", as_=ANA)
    await console.type("/idea --anon A quiet room", as_=QUINN)  # #2, anonymous: the organisation's only
    await console.type("/idea status 2 accepted", as_=ADMIN)
    await console.type("/idea measure 2 baseline 4 target 2 interruptions a day", as_=QUINN)
    await console.type("/idea measure 2 result 3", as_=QUINN)
    for step in ("doing", "checking", "adopted"):
        await console.type(f"/idea status 2 {step}", as_=ADMIN)
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    team = await console.type("/digest", as_=ANA)
    adopted = ("#1 Cut the build time by caching wheels → adopted (act): 11 → 5.5 minutes against a target of 6: "
               "-50%; the target is met.")
    assert adopted in team and "A quiet room" not in team
    org = await console.type("/digest org", as_=ADMIN)
    assert adopted in org
    assert ("#2 A quiet room → adopted (act): 4 → 3 interruptions a day against a target of 2: -25%; the target is "
            "not met.") in org
    assert "#2 A quiet room → accepted" not in org  # of an unsigned idea, only its adoption is listed
    assert "Quinn" not in org and "quinn" not in org
