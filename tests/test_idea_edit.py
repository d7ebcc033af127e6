"""/idea edit: the author rewrites a new idea (named or anonymous), its voters hear of it, and the outbox looks the
same whichever voter wrote an anonymous idea."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Delivery, Idea
from tests.test_idea_privacy import QUINN, footprint, last_id

ANA, BO, CY, ADMIN = "ana@example.com", "bo@example.com", "cy@example.com", "admin@example.com"


async def text_of(deps, idea_id: int) -> str:
    async with deps.uow() as uow:
        return (await uow.session.get(Idea, idea_id)).text


async def test_the_author_edits_a_new_idea_and_its_voters_hear_of_it(deps, console):
    await console.people(ANA, BO, CY)
    await console.type("/idea Fewer status meetings", as_=ANA)
    await console.type("/idea vote 1", as_=BO)
    await console.type("/idea vote 1", as_=ANA)
    out = await console.type("/idea edit 1 Fewer and shorter status meetings", as_=ANA)
    assert "Idea #1 now has your new text. Whoever voted for it will hear of the change." in out
    assert "→ bo@example.com: An idea you voted for, #1, was edited by its author" in out
    assert "It said before: Fewer status meetings" in out
    assert "→ ana@example.com" not in out  # a named author is not told of her own edit
    assert await text_of(deps, 1) == "Fewer and shorter status meetings"


async def test_only_the_author_edits_only_while_new_and_mistakes_change_nothing(deps, console):
    await console.people(ANA, BO, ADMIN)
    await console.type("/idea Fewer status meetings", as_=ANA)
    await console.type("/idea --anon A quiet room", as_=BO)
    assert "⚠ Only its author can edit idea #1. You can comment on it with /idea comment 1." in \
        await console.type("/idea edit 1 Mine now", as_=BO)
    assert "⚠ Only its author can edit idea #2." in await console.type("/idea edit 2 Mine now", as_=ANA)
    assert "⚠ Please add some text: /idea edit 1 …" in await console.type("/idea edit 1", as_=ANA)
    assert "⚠ Idea #1 already says that, so nothing changed." in \
        await console.type("/idea edit 1 Fewer status meetings", as_=ANA)
    assert "⚠ There is no idea #9." in await console.type("/idea edit 9 Text", as_=ANA)
    await console.type("/idea status 1 accepted", as_=ADMIN)
    assert "⚠ Idea #1 is accepted (plan): an idea can only be edited while it is new." in \
        await console.type("/idea edit 1 Other", as_=ANA)
    assert await text_of(deps, 1) == "Fewer status meetings"
    assert "Idea #2 now has your new text" in await console.type("/idea edit 2 A quiet room with plants", as_=BO)
    assert await text_of(deps, 2) == "A quiet room with plants"
    async with deps.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Delivery)
                                        .where(Delivery.kind == "idea.edited")) == 1  # bo's sealed row, silent


async def test_edit_the_wiki_is_still_an_idea(deps, console):
    await console.people(ANA)
    assert "Idea #1 is posted" in await console.type("/idea Edit the wiki weekly", as_=ANA)


async def test_an_anonymous_author_among_the_voters_leaves_the_rows_another_voter_would(deps, console):
    """Quinn wrote idea 1 and voted for it; Ana wrote idea 2 and did not vote for it. Both ideas have the same two
    voters (Quinn and Bo), and the two edits must leave rows nobody can tell apart."""
    await console.people(QUINN, ANA, BO)
    await console.type("/idea --anon Fewer status meetings", as_=QUINN)
    await console.type("/idea --anon A quiet room", as_=ANA)
    for line, who in (("/idea vote 1", QUINN), ("/idea vote 1", BO), ("/idea vote 2", QUINN), ("/idea vote 2", BO)):
        await console.type(line, as_=who)
    start = await last_id(deps)
    await console.type("/idea edit 1 Fewer and shorter status meetings", as_=QUINN)
    middle = await last_id(deps)
    await console.type("/idea edit 2 A quiet room with plants", as_=ANA)
    by_voter, by_other = await footprint(deps, start, middle), await footprint(deps, middle)
    assert by_voter == by_other
    assert [(kind, named) for kind, _, named, *_ in by_voter] == [
        ("idea.edited", False), ("idea.edited", True), ("idea.edited", True)]
