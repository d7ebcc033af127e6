"""Mistakes never publish: dash variants of --anon, unknown flags, mistyped subcommands; and /idea withdraw."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.models import Delivery, Idea, IdeaComment, IdeaStatusChange, IdeaVote

ANA, BO, CY, ADMIN = "ana@example.com", "bo@example.com", "cy@example.com", "admin@example.com"
QUINN = "quinn.hidden@example.com"
TABLES = (Idea, IdeaVote, IdeaComment, IdeaStatusChange, Delivery)


async def counts(deps) -> list[int]:
    async with deps.uow() as uow:
        return [await uow.session.scalar(select(func.count()).select_from(model)) for model in TABLES]


@pytest.mark.parametrize("flag", ["--anon", "—anon", "–anon", "−anon", "--anonymous", "-anon", "—ANON", "‐anonymous"])
async def test_every_dash_variant_of_anon_posts_anonymously(deps, console, flag):
    await console.people(QUINN)
    out = await console.type(f"/idea {flag} Fewer status meetings", as_=QUINN)
    assert "Idea #1 is posted anonymously" in out
    async with deps.uow() as uow:
        idea = await uow.ideas.get(1)
    assert (idea.anonymous, idea.author_id, idea.text) == (True, None, "Fewer status meetings")


@pytest.mark.parametrize("line", ["/idea --public Fewer meetings", "/idea -a Fewer meetings", "/idea —private x",
                                  "/idea --anno Fewer meetings", "/idea – Fewer meetings", "/idea -x"])
async def test_any_other_flag_is_refused_with_the_list_of_flags(deps, console, line):
    await console.people(QUINN)
    out = await console.type(line, as_=QUINN)
    assert out.startswith("⚠ Nothing was posted: ")
    assert ("is not a flag of /idea. The only one is --anon, to post anonymously: "
            "/idea --anon Cut the build time by caching wheels") in out
    assert await counts(deps) == [0, 0, 0, 0, 0]


MISTYPED = {
    "/idea lsit": "did you mean /idea list?",
    "/idea lsit mine": "did you mean /idea list mine?",
    "/idea vot 1": "did you mean /idea vote 1?",
    "/idea shwo 1": "did you mean /idea show 1?",
    "/idea shwo #1": "did you mean /idea show #1?",
    "/idea commnet 1 Count me in": "did you mean /idea comment 1?",
    "/idea stauts 1 accepted": "did you mean /idea status 1?",
    "/idea ownr 1 @bo": "did you mean /idea owner 1?",
    "/idea withdrw 1": "did you mean /idea withdraw 1?",
    "/idea delete 1": "did you mean /idea withdraw 1?",
    "/idea unvote 1": "did you mean /idea vote 1?",
    "/idea mine": "did you mean /idea list mine?",
    "/idea Lst": "did you mean /idea list?",
}


async def test_a_mistyped_subcommand_is_not_published(deps, console):
    await console.people(ANA)
    await console.type("/idea Fewer status meetings", as_=ANA)
    before = await counts(deps)
    for line, hint in MISTYPED.items():
        out = await console.type(line, as_=ANA)
        assert out.startswith("⚠ Nothing was posted: ") and hint in out, (line, out)
        assert "word it differently. Everything /idea does: /help idea" in out
    out = await console.type("/idea edti 1 Fewer and shorter status meetings", as_=ANA)
    assert "⚠ Nothing was posted: did you mean /idea edit 1?" in out
    assert "did you mean /idea edit 1?" in await console.type("/idea change 1 Shorter meetings", as_=ANA)
    assert "Which idea? Add its number: /idea edit 12" in await console.type("/idea edit", as_=ANA)
    assert await counts(deps) == before


LEGITIMATE = ["Listen to the support team every week", "Lists of owners for every service", "Edit the wiki weekly",
              "Open the office on Fridays", "Delete stale branches every month", "Audit 3 services a quarter",
              "Commit messages in English", "Owners for every alert", "Mine the support tickets for ideas",
              "Top-down goals less often", "Cut the build time by caching wheels", "Power 2 screens @desk"]


async def test_ideas_that_begin_like_a_subcommand_are_still_published(deps, console):
    await console.people(ANA)
    for number, text in enumerate(LEGITIMATE, start=1):
        out = await console.type(f"/idea {text}", as_=ANA)
        assert f"Idea #{number} is posted." in out, (text, out)
    async with deps.uow() as uow:
        assert [i.text for i in (await uow.session.scalars(select(Idea).order_by(Idea.id))).all()] == LEGITIMATE


async def test_the_author_withdraws_a_new_idea_and_everyone_involved_hears_in_their_language(deps, console):
    await console.people(ANA, BO, CY, ADMIN)
    await console.type("/language sv", as_=CY)
    await console.type("/idea Fewer status meetings", as_=ANA)
    await console.type("/idea A quiet room", as_=ANA)
    await console.type("/idea vote 1", as_=BO)
    await console.type("/idea vote 1", as_=CY)
    await console.type("/idea vote 1", as_=ANA)
    await console.type("/idea comment 1 Yes please", as_=BO)
    await console.type("/idea comment 1 More detail", as_=ANA)
    await console.type("/idea vote 2", as_=BO)
    await console.type("/idea owner 1 @admin", as_=ADMIN)
    before = await counts(deps)
    out = await console.type("/idea withdraw 1", as_=ANA)
    assert ("Idea #1 is withdrawn: it is gone, with its votes and comments. Whoever voted for it, commented on it "
            "or owns it will hear of it.") in out
    assert ("→ bo@example.com: Idea #1 was withdrawn by its author\n"
            "  Fewer status meetings\n"
            "  Its votes and comments went with it.") in out
    assert "→ cy@example.com: Idé #1 har tagits tillbaka av idégivaren" in out  # Swedish
    assert "→ admin@example.com: Idea #1 was withdrawn by its author" in out  # its owner
    assert "→ ana@example.com" not in out and out.count("→") == 3
    async with deps.uow() as uow:
        assert await uow.ideas.get(1) is None
        assert await uow.ideas.voter_ids(1) == [] and await uow.ideas.comments(1) == []
        assert await uow.ideas.vote_count(2) == 1  # another idea keeps its votes
    assert await counts(deps) == [before[0] - 1, before[1] - 3, before[2] - 2, before[3], before[4] + 3]
    assert "There is no idea #1." in await console.type("/idea show 1", as_=BO)


async def test_an_anonymous_author_withdraws_through_the_seal_and_nobody_else_can(deps, console):
    await console.people(QUINN, BO, ADMIN)
    await console.type("/idea --anon Fewer status meetings", as_=QUINN)
    await console.type("/idea vote 1", as_=BO)
    before = await counts(deps)
    for who in (BO, ADMIN):
        out = await console.type("/idea withdraw 1", as_=who)
        assert "⚠ Only its author can withdraw idea #1. You can withdraw your vote with /idea vote 1." in out
    assert await counts(deps) == before
    out = await console.type("/idea withdraw #1", as_=QUINN)
    assert "Idea #1 is withdrawn" in out
    assert "→ bo@example.com: Idea #1 was withdrawn by its author" in out
    assert "quinn" not in out.split("→ bo@example.com")[1]
    async with deps.uow() as uow:
        assert await uow.ideas.get(1) is None


async def test_only_a_new_idea_can_be_withdrawn(deps, console):
    await console.people(ANA, ADMIN)
    await console.type("/idea Fewer status meetings", as_=ANA)
    await console.type("/idea status 1 accepted", as_=ADMIN)
    before = await counts(deps)
    out = await console.type("/idea withdraw 1", as_=ANA)
    assert "⚠ Idea #1 is accepted (plan): an idea can only be withdrawn while it is new." in out
    assert "Which idea? Add its number: /idea withdraw 12" in await console.type("/idea withdraw", as_=ANA)
    assert "There is no idea #9." in await console.type("/idea withdraw 9", as_=ANA)
    assert await counts(deps) == before


async def test_help_tells_how_to_withdraw(console):
    out = await console.type("/help idea", as_=ANA)
    assert "/idea withdraw 12 — take back your own idea while it is new; its votes and comments go with it" in out
