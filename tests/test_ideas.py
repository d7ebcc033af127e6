"""Improvement ideas through the console adapter, on real storage: PDCA lifecycle, votes, comments, anonymity."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.models import Delivery, Idea, IdeaComment, IdeaStatusChange, IdeaVote

ANA, BO, CY, ADMIN = "ana@example.com", "bo@example.com", "cy@example.com", "admin@example.com"
# The anonymous author has a distinctive name, so any leak of it in output is easy to spot.
QUINN = "quinn.hidden@example.com"
IDEA = "Cut the build time by caching wheels"
TABLES = (Idea, IdeaVote, IdeaComment, IdeaStatusChange, Delivery)


async def count(deps, model) -> int:
    async with deps.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model))


async def counts(deps) -> list[int]:
    return [await count(deps, model) for model in TABLES]


async def person_id(deps, email: str) -> int:
    async with deps.uow() as uow:
        return (await uow.people.by_email(email)).id


async def test_posting_an_idea_and_showing_it(deps, console):
    await console.people(ANA, BO)
    out = await console.type(f"/idea {IDEA}", as_=ANA)
    assert "Idea #1 is posted. Follow it with /idea show 1; others can vote for it with /idea vote 1." in out
    async with deps.uow() as uow:
        idea = (await uow.session.scalars(select(Idea))).one()
        assert (idea.text, idea.status, idea.anonymous, idea.author_seal) == (IDEA, "new", False, None)
        assert idea.author_id == (await uow.people.by_email(ANA)).id
    out = await console.type("/idea show 1", as_=BO)
    assert out == ("Idea #1\n"
                   f"{IDEA}\n"
                   "  Author  @ana\n"
                   "  Status  new\n"
                   "  Owner   nobody yet\n"
                   "  Votes   0\n"
                   "  Posted  2026-11-23\n"
                   "Comment with /idea comment 1 followed by your text.\n"
                   "[Vote: /idea vote 1]\n")
    assert await console.type("/idea #1", as_=BO) == out  # a bare number shows that idea


async def test_an_unknown_first_word_is_the_idea_itself(deps, console):
    out = await console.type("/idea Listen to the support team every week", as_=ANA)
    assert "Idea #1 is posted." in out
    async with deps.uow() as uow:
        assert (await uow.ideas.get(1)).text == "Listen to the support team every week"


async def test_full_pdca_lifecycle_with_notes_and_notifications(deps, console, clock):
    await console.people(ANA, BO, CY, ADMIN)
    await console.type(f"/idea {IDEA}", as_=ANA)
    await console.type("/idea vote 1", as_=CY)
    await console.type("/idea vote 1", as_=BO)
    out = await console.type("/idea owner 1 @bo", as_=ADMIN)
    assert "@bo now owns idea #1 and can move it, e.g. /idea status 1 accepted" in out
    assert "→ bo@example.com: You now own idea #1\n  Cut the build time" in out

    out = await console.type("/idea status 1 accepted Plan: measure the cache hit rate first", as_=BO)
    assert "Idea #1 moved from new to accepted (plan). Its author and voters will hear of it." in out
    assert ("→ ana@example.com: Your idea #1 is now accepted (plan)\n"
            f"  {IDEA}\n"
            "  Note: Plan: measure the cache hit rate first\n"
            "  [Show: /idea show 1]") in out
    assert "→ cy@example.com: An idea you voted for, #1, is now accepted (plan)" in out
    assert "→ bo@example.com" not in out  # the one moving it, though a voter, is not told
    assert out.count("→") == 2

    steps = [("doing", "Trial on team A", "doing (do)"), ("checking", "", "checking (check)"),
             ("doing", "Hit rate too low, second turn", "doing (do)"), ("checking", "Hit rate 92%", "checking (check)"),
             ("adopted", "Rolled out to every team", "adopted (act)")]
    for status, note, shown in steps:
        clock.advance(timedelta(days=1))
        out = await console.type(f"/idea status 1 {status} {note}".rstrip(), as_=BO)
        assert "moved from" in out and f"to {shown}." in out
        assert f"→ ana@example.com: Your idea #1 is now {shown}" in out
        assert f"→ cy@example.com: An idea you voted for, #1, is now {shown}" in out

    async with deps.uow() as uow:
        idea = await uow.ideas.get(1)
        assert idea.status == "adopted"
        assert idea.updated_at == clock.now()
        history = [(c.from_status, c.to_status, c.note) for c in await uow.ideas.history(1)]
        bo_id = (await uow.people.by_email(BO)).id
        assert {c.changed_by_id for c in await uow.ideas.history(1)} == {bo_id}
    assert history == [("new", "accepted", "Plan: measure the cache hit rate first"),
                       ("accepted", "doing", "Trial on team A"), ("doing", "checking", ""),
                       ("checking", "doing", "Hit rate too low, second turn"), ("doing", "checking", "Hit rate 92%"),
                       ("checking", "adopted", "Rolled out to every team")]

    out = await console.type("/idea show 1", as_=CY)
    assert "  Status  adopted (act)\n  Owner   @bo\n  Votes   2\n" in out
    assert ("Status history\n"
            "2026-11-23 accepted (plan): Plan: measure the cache hit rate first\n"
            "2026-11-24 doing (do): Trial on team A\n"
            "2026-11-25 checking (check)\n"
            "2026-11-26 doing (do): Hit rate too low, second turn\n"
            "2026-11-27 checking (check): Hit rate 92%\n"
            "2026-11-28 adopted (act): Rolled out to every team\n") in out
    assert "[Vote" not in out  # closed: no vote button

    before = await counts(deps)
    assert "Idea #1 is adopted (act), so voting on it has closed." in await console.type("/idea vote 1", as_=ANA)
    assert "Idea #1 is adopted (act), which is final: it cannot move any more." in await console.type(
        "/idea status 1 doing again", as_=ADMIN)
    assert "Idea #1 is adopted (act), which is final: it needs no owner any more." in await console.type(
        "/idea owner 1 @cy", as_=ADMIN)
    assert await counts(deps) == before


async def test_declining_needs_a_reason(deps, console):
    await console.people(ANA, ADMIN)
    await console.type(f"/idea {IDEA}", as_=ANA)
    before = await counts(deps)
    out = await console.type("/idea status 1 declined", as_=ADMIN)
    assert "Please say why idea #1 is declined: type /idea status 1 declined followed by the reason." in out
    assert "→" not in out
    assert await counts(deps) == before
    out = await console.type("/idea status 1 declined We already cache wheels since March", as_=ADMIN)
    assert "Idea #1 moved from new to declined." in out
    assert ("→ ana@example.com: Your idea #1 is now declined\n"
            f"  {IDEA}\n"
            "  Note: We already cache wheels since March") in out
    async with deps.uow() as uow:
        assert (await uow.ideas.get(1)).status == "declined"
        assert [(c.to_status, c.note) for c in await uow.ideas.history(1)] == [
            ("declined", "We already cache wheels since March")]
    out = await console.type("/idea show 1", as_=ANA)
    assert "2026-11-23 declined: We already cache wheels since March" in out
    assert "Idea #1 is declined, so voting on it has closed." in await console.type("/idea vote 1", as_=ANA)


async def test_invalid_transitions_name_the_allowed_next_statuses(deps, console):
    await console.people(ANA, ADMIN)
    await console.type(f"/idea {IDEA}", as_=ANA)
    before = await counts(deps)
    out = await console.type("/idea status 1 doing Let's go", as_=ADMIN)
    assert "Idea #1 is new; it cannot move to doing (do), only to: accepted, declined." in out
    out = await console.type("/idea status 1 new", as_=ADMIN)
    assert "Idea #1 is new; it cannot move to new, only to: accepted, declined." in out
    out = await console.type("/idea status 1 finished", as_=ADMIN)
    assert "“finished” is not a status. Idea #1 is new and can move to: accepted, declined." in out
    await console.type("/idea status 1 accepted", as_=ADMIN)
    await console.type("/idea status 1 doing", as_=ADMIN)
    out = await console.type("/idea status 1 adopted", as_=ADMIN)
    assert "Idea #1 is doing (do); it cannot move to adopted (act), only to: checking, declined." in out
    await console.type("/idea status 1 checking", as_=ADMIN)
    out = await console.type("/idea status 1 accepted", as_=ADMIN)
    assert "Idea #1 is checking (check); it cannot move to accepted (plan), only to: adopted, doing, declined." \
        in out
    assert await count(deps, IdeaStatusChange) == before[3] + 3


async def test_idea_status_alone_opens_a_form_that_checks_its_answers(deps, console):
    await console.people(ANA, ADMIN)
    await console.type(f"/idea {IDEA}", as_=ANA)
    before = await counts(deps)
    out = await console.type("/idea status 1", as_=ADMIN)
    assert out.startswith("Move idea #1\n")
    assert "? It is new. Move it to: (1 accepted (plan), 2 declined)" in out
    out = await console.type("finished", as_=ADMIN)  # not a choice: the same question again, at once
    assert out == ("  ⚠ Answer with one of: accepted (plan), declined.\n"
                   "? It is new. Move it to: (1 accepted (plan), 2 declined)\n")
    await console.type("Declined", as_=ADMIN)  # a choice by its label, in any case
    out = await console.type("", as_=ADMIN)  # no note
    assert "Please say why it is declined." in out  # checked when the form is submitted, and asked again
    assert await counts(deps) == before  # nothing written while the form is wrong
    out = await console.type("Out of scope this year", as_=ADMIN)  # the note, asked again
    assert "Idea #1 moved from new to declined. Its author and voters will hear of it." in out
    async with deps.uow() as uow:
        change = (await uow.session.scalars(select(IdeaStatusChange))).one()
    assert (change.from_status, change.to_status, change.note) == ("new", "declined", "Out of scope this year")


async def test_who_may_move_an_idea(deps, console):
    await console.people(ANA, BO, CY, ADMIN)
    await console.type(f"/idea {IDEA}", as_=ANA)
    before = await counts(deps)
    out = await console.type("/idea status 1 accepted", as_=ANA)
    assert "Only an admin can move idea #1: it has no owner yet. An admin can choose one with /idea owner 1 @ana." \
        in out
    out = await console.type("/idea owner 1 @bo", as_=CY)
    assert "Only an admin can choose who owns an idea. See who owns it with /idea show 1." in out
    assert await counts(deps) == before

    await console.type("/idea owner 1 @bo", as_=ADMIN)
    out = await console.type("/idea status 1 accepted", as_=CY)
    assert "Only the owner of idea #1, @bo, or an admin can move it." in out
    assert await count(deps, IdeaStatusChange) == 0
    out = await console.type("/idea show 1", as_=BO)
    assert "You can move it: /idea status 1 followed by one of accepted, declined and a note." in out
    assert "You can move it" not in await console.type("/idea show 1", as_=CY)

    assert "moved from new to accepted (plan)" in await console.type("/idea status 1 accepted", as_=BO)
    out = await console.type("/idea status 1 doing Admin pushes it on", as_=ADMIN)
    assert "moved from accepted (plan) to doing (do)" in out
    assert "→ ana@example.com: Your idea #1 is now doing (do)" in out
    movers = [await person_id(deps, BO), await person_id(deps, ADMIN)]
    async with deps.uow() as uow:
        assert [c.changed_by_id for c in await uow.ideas.history(1)] == movers

    # An admin reassigns it: the new owner is told, the old one can no longer move it.
    out = await console.type("/idea owner 1 @cy", as_=ADMIN)
    assert "@cy now owns idea #1 and can move it, e.g. /idea status 1 checking" in out
    assert "→ cy@example.com: You now own idea #1" in out
    assert "Only the owner of idea #1, @cy, or an admin can move it." in await console.type(
        "/idea status 1 checking", as_=BO)
    assert "→" not in await console.type("/idea owner 1 @admin", as_=ADMIN)  # not told about oneself


async def test_owner_needs_exactly_one_known_person(deps, console):
    await console.people(ANA, BO, CY, ADMIN)
    await console.type(f"/idea {IDEA}", as_=ANA)
    before = await counts(deps)
    for line in ("/idea owner 1", "/idea owner 1 bo", "/idea owner 1 @bo @cy", "/idea owner 1 @bo please"):
        assert "Who should own idea #1? Give one @name: /idea owner 1 @ana" in await console.type(line, as_=ADMIN)
    assert "I don't know anyone called @zed." in await console.type("/idea owner 1 @zed", as_=ADMIN)
    assert "Which idea? Add its number: /idea owner 12 @ana" in await console.type("/idea owner", as_=ADMIN)
    assert "There is no idea #7. See /idea list" in await console.type("/idea owner 7 @bo", as_=ADMIN)
    assert await counts(deps) == before
    async with deps.uow() as uow:
        assert (await uow.ideas.get(1)).owner_id is None


async def test_vote_toggles_and_top_orders_by_votes(deps, console):
    await console.people(ANA, BO, CY)
    for text in ("First idea", "Second idea", "Third idea"):
        await console.type(f"/idea {text}", as_=ANA)
    out = await console.type("/idea vote 2", as_=BO)
    assert "You voted for idea #2; it now has 1 vote. Vote again to withdraw it." in out
    out = await console.type("/idea vote 2", as_=CY)
    assert "You voted for idea #2; it now has 2 votes." in out
    assert "[Withdraw my vote: /idea vote 2]" in await console.type("/idea show 2", as_=CY)
    out = await console.type("/idea vote 2", as_=CY)
    assert "You withdrew your vote for idea #2; it now has 1 vote." in out
    assert "[Vote: /idea vote 2]" in await console.type("/idea show 2", as_=CY)
    await console.type("/idea vote 2", as_=CY)
    await console.type("/idea vote 1", as_=CY)
    voters = [await person_id(deps, BO), await person_id(deps, CY)]
    async with deps.uow() as uow:
        assert sorted(await uow.ideas.voter_ids(2)) == sorted(voters)
        assert await uow.ideas.vote_count(1) == 1
        assert await uow.ideas.vote_count(3) == 0

    out = await console.type("/idea list top", as_=BO)
    assert out == ("Open ideas, most voted first\n"
                   "#2 [new] Second idea (2 votes) — @ana\n"
                   "#1 [new] First idea (1 vote) — @ana\n"
                   "#3 [new] Third idea (0 votes) — @ana\n"
                   "Details: /idea show 2 — vote: /idea vote 2\n")
    out = await console.type("/idea list", as_=BO)
    assert out.startswith("Open ideas, newest first\n#3 [new] Third idea (0 votes) — @ana\n#2 ")


async def test_comments_reach_the_author_but_not_the_commenter(deps, console, clock):
    await console.people(ANA, BO)
    await console.type(f"/idea {IDEA}", as_=ANA)
    out = await console.type("/idea comment 1 I can help with the trial", as_=BO)
    assert "Your comment is added to idea #1." in out
    assert ("→ ana@example.com: @bo commented on your idea #1\n"
            "  I can help with the trial\n"
            "  [Show: /idea show 1]") in out
    clock.advance(timedelta(days=2))
    out = await console.type("/idea comment #1 Thanks, Bo!", as_=ANA)
    assert "Your comment is added to idea #1." in out
    assert "→" not in out
    out = await console.type("/idea show 1", as_=BO)
    assert "Comments\n2026-11-23 @bo: I can help with the trial\n2026-11-25 @ana: Thanks, Bo!\n" in out
    async with deps.uow() as uow:
        assert [(c.text, p.email) for c, p in await uow.ideas.comments(1)] == [
            ("I can help with the trial", BO), ("Thanks, Bo!", ANA)]

    before = await counts(deps)
    assert "Please add some text: /idea comment 1 I can help with the trial" in await console.type(
        "/idea comment 1", as_=BO)
    assert "Which idea? Add its number: /idea comment 12 I can help with the trial" in await console.type(
        "/idea comment", as_=BO)
    assert "“great” is not an idea number." in await console.type("/idea comment great idea", as_=BO)
    assert "That text is 2001 characters long; the limit is 2000." in await console.type(
        "/idea comment 1 " + "x" * 2001, as_=BO)
    assert await counts(deps) == before


async def test_list_filters(deps, console):
    await console.people(ANA, BO, ADMIN)
    await console.type("/idea Ana's open idea", as_=ANA)
    await console.type("/idea Bo's idea that gets declined", as_=BO)
    await console.type("/idea Ana's idea that gets adopted", as_=ANA)
    await console.type("/idea status 2 declined Not now", as_=ADMIN)
    for status in ("accepted", "doing", "checking", "adopted"):
        await console.type(f"/idea status 3 {status}", as_=ADMIN)
    long_text = "A very long idea " + "with many words " * 10
    await console.type(f"/idea {long_text}", as_=BO)

    out = await console.type("/idea", as_=ANA)
    assert out == ("Open ideas, newest first\n"
                   "#4 [new] A very long idea with many words with many words with many words with many… "
                   "(0 votes) — @bo\n"
                   "#1 [new] Ana's open idea (0 votes) — @ana\n"
                   "Details: /idea show 4 — vote: /idea vote 4\n")
    assert await console.type("/idea list open", as_=ANA) == out
    out = await console.type("/idea list mine", as_=ANA)
    assert out == ("Your ideas\n"
                   "#3 [adopted] Ana's idea that gets adopted (0 votes) — @ana\n"
                   "#1 [new] Ana's open idea (0 votes) — @ana\n"
                   "Details: /idea show 3 — vote: /idea vote 3\n")
    assert "#2 [declined] Bo's idea that gets declined" in await console.type("/idea list MINE", as_=BO)
    out = await console.type("/idea list mine", as_=ADMIN)
    assert "You have not posted an idea yet. Post one: /idea Cut the build time by caching wheels" in out
    out = await console.type("/idea list closed", as_=ANA)
    assert "There is no list “closed”. Use one of: /idea list open, /idea list mine, /idea list top." in out


async def test_empty_lists(console):
    assert "There are no open ideas. Post one: /idea Cut the build time by caching wheels" in await console.type(
        "/idea", as_=ANA)
    assert "There are no open ideas." in await console.type("/idea list top", as_=ANA)


async def test_anonymous_idea_is_stored_without_its_author(deps, console):
    await console.people(QUINN, BO, ADMIN)
    out = await console.type(f"/idea --anon {IDEA}", as_=QUINN)
    assert ("Idea #1 is posted anonymously: it is stored without your name, so nobody can tell it is yours. "
            "You will still hear what becomes of it. Follow it with /idea show 1; only you see it in "
            "/idea list mine.") in out
    await console.type("/idea --anon Second secret idea", as_=QUINN)
    async with deps.uow() as uow:
        quinn = await uow.people.by_email(QUINN)
        ideas = (await uow.session.scalars(select(Idea).order_by(Idea.id))).all()
    assert [(i.author_id, i.anonymous, i.text) for i in ideas] == [
        (None, True, IDEA), (None, True, "Second secret idea")]
    seals = [i.author_seal for i in ideas]
    assert seals[0] != seals[1]  # the same author cannot be matched across ideas
    for seal in seals:
        assert quinn.uid not in seal and QUINN not in seal and "quinn" not in seal.lower()
        assert deps.sealer.unseal(seal) == quinn.uid

    for viewer in (BO, ADMIN, QUINN):
        out = await console.type("/idea show 1", as_=viewer)
        assert "  Author  anonymous\n" in out
        out += await console.type("/idea list", as_=viewer) + await console.type("/idea list top", as_=viewer)
        assert "quinn" not in out.lower() and quinn.uid not in out
    assert "#2 [new] Second secret idea (0 votes) — anonymous" in await console.type("/idea list", as_=BO)


async def test_only_the_anonymous_author_finds_it_under_mine(console):
    await console.people(QUINN, BO)
    await console.type("/idea My named idea", as_=QUINN)
    await console.type("/idea --anon My anonymous idea", as_=QUINN)
    await console.type("/idea Bo's idea", as_=BO)
    out = await console.type("/idea list mine", as_=QUINN)
    assert "#2 [new] My anonymous idea (0 votes) — anonymous\n#1 [new] My named idea (0 votes) — @quinn.hidden\n" \
        in out
    out = await console.type("/idea list mine", as_=BO)
    assert "#3 [new] Bo's idea" in out
    assert "anonymous" not in out and "#1" not in out and "#2" not in out


async def test_anonymous_author_hears_of_changes_through_the_seal(deps, console):
    await console.people(QUINN, BO, CY, ADMIN)
    await console.type(f"/idea --anon {IDEA}", as_=QUINN)
    await console.type("/idea vote 1", as_=BO)
    await console.type("/idea owner 1 @cy", as_=ADMIN)
    out = await console.type("/idea comment 1 Which wheels?", as_=BO)
    assert "→ quinn.hidden@example.com: @bo commented on your idea #1" in out  # the console plays everyone
    out = await console.type("/idea status 1 accepted Worth a try", as_=CY)
    assert ("→ quinn.hidden@example.com: Your idea #1 is now accepted (plan)\n"
            f"  {IDEA}\n"
            "  Note: Worth a try") in out
    assert "→ bo@example.com: An idea you voted for, #1, is now accepted (plan)" in out
    assert out.count("→") == 2
    assert "quinn" not in out.split("→")[0]  # the reply to the owner does not name the author

    async with deps.uow() as uow:
        quinn = await uow.people.by_email(QUINN)
        rows = (await uow.session.scalars(select(Delivery).where(Delivery.kind.in_(
            ["idea.comment", "idea.status"])).order_by(Delivery.id))).all()
    sealed = [r for r in rows if r.recipient_id is None]
    assert [r.kind for r in sealed] == ["idea.comment", "idea.status"]
    for row in sealed:
        assert (row.status, row.recipient_seal, row.channel) == ("sent", None, None)  # the seal is gone once sent
        assert "quinn" not in str(row.payload).lower() and quinn.uid not in str(row.payload)
    assert all(r.recipient_id != quinn.id for r in rows)


async def test_anonymous_author_who_voted_is_told_once_like_any_voter(deps, console):
    await console.people(QUINN, BO, CY, ADMIN)
    await console.type(f"/idea --anon {IDEA}", as_=QUINN)
    await console.type("/idea vote 1", as_=QUINN)
    await console.type("/idea vote 1", as_=BO)
    await console.type("/idea vote 1", as_=CY)
    await console.type("/idea owner 1 @cy", as_=ADMIN)
    out = await console.type("/idea status 1 accepted Worth a try", as_=CY)
    assert out.count("→ quinn.hidden@example.com:") == 1
    assert "→ quinn.hidden@example.com: An idea you voted for, #1, is now accepted (plan)" in out
    assert "→ bo@example.com: An idea you voted for, #1, is now accepted (plan)" in out
    assert out.count("→") == 2
    # The outbox cannot single the author out: every voter but the mover has the same message, and the sealed
    # row is written as for any anonymous idea (silent here: the author hears of it as a voter).
    voters = {await person_id(deps, QUINN), await person_id(deps, BO)}
    async with deps.uow() as uow:
        rows = (await uow.session.scalars(select(Delivery).where(Delivery.kind == "idea.status"))).all()
    named = [r for r in rows if r.recipient_id is not None]
    assert {r.recipient_id for r in named} == voters
    assert len({str(r.payload) for r in named}) == 1
    assert [(r.status, r.recipient_seal) for r in rows if r.recipient_id is None] == [("sent", None)]


async def test_anonymous_author_moving_their_own_idea_is_not_told(deps, console):
    # The admin is the anonymous author here.
    await console.people(ADMIN, BO)
    await console.type("/idea --anon Admins need ideas too", as_=ADMIN)
    await console.type("/idea vote 1", as_=ADMIN)
    await console.type("/idea vote 1", as_=BO)
    out = await console.type("/idea status 1 accepted", as_=ADMIN)
    assert "→ bo@example.com: An idea you voted for, #1, is now accepted (plan)" in out
    assert out.count("→") == 1
    assert "→" not in await console.type("/idea comment 1 Adding detail", as_=ADMIN)
    async with deps.uow() as uow:  # the sealed rows are written all the same, and look sent
        rows = (await uow.session.scalars(select(Delivery).order_by(Delivery.id))).all()
    assert [(r.kind, r.recipient_id is None, r.status) for r in rows] == [
        ("idea.status", True, "sent"), ("idea.status", False, "sent"), ("idea.comment", True, "sent")]


async def test_every_error_reply_writes_nothing(deps, console):
    await console.people(ANA, BO)
    await console.type(f"/idea {IDEA}", as_=ANA)
    before = await counts(deps)
    cases = {
        "/idea show": "Which idea? Add its number: /idea show 12",
        "/idea show abc": "“abc” is not an idea number. Type /idea show 12; /idea list shows the numbers.",
        "/idea show 1 please": "“1 please” is not an idea number.",
        "/idea show 99": "There is no idea #99. See /idea list",
        "/idea show 99999999999": "There is no idea #99999999999. See /idea list",
        "/idea 42": "There is no idea #42. See /idea list",
        "/idea vote": "Which idea? Add its number: /idea vote 12",
        "/idea vote 0": "There is no idea #0. See /idea list",
        "/idea comment 5 hello": "There is no idea #5. See /idea list",
        "/idea status": "Which idea? Add its number: /idea status 12 doing Trial on team A",
        "/idea status x accepted": "“x” is not an idea number.",
        "/idea owner 1 @bo": "Only an admin can choose who owns an idea.",
        "/idea --anon": "Please add some text: /idea --anon Cut the build time by caching wheels",
        "/idea --anon    ": "Please add some text: /idea --anon",
        "/idea list everything": "There is no list “everything”.",
        "/idea " + "x" * 2001: "That text is 2001 characters long; the limit is 2000. Please shorten it.",
        "/idea status 1 accepted": "Only an admin can move idea #1: it has no owner yet.",
    }
    for line, error in cases.items():
        out = await console.type(line, as_=BO)
        assert out.startswith("⚠ ") and error in out, (line, out)
        assert "→" not in out
    assert await counts(deps) == before


async def test_help_shows_the_grammar(console):
    out = await console.type("/help idea", as_=ANA)
    assert "/idea list [open|mine|top] — open ideas (the default), your own, or the most voted" in out
    assert "/idea status 12 doing Trial on team A — move it (its owner or an admin)" in out
    assert await console.type("/idea help", as_=ANA) == out


async def test_an_anonymous_author_hears_in_their_own_language_and_the_outbox_does_not_tell_which(deps, console):
    await console.people(QUINN, BO, CY, ADMIN)
    await console.type("/language sv", as_=QUINN)
    await console.type(f"/idea --anon {IDEA}", as_=QUINN)
    out = await console.type("/idea comment 1 Which wheels?", as_=BO)
    assert "→ quinn.hidden@example.com: @bo har kommenterat din idé #1" in out  # Swedish, though the org speaks English
    async with deps.uow() as uow:
        sealed = (await uow.session.scalars(select(Delivery).where(Delivery.recipient_id.is_(None)))).one()
    assert set(sealed.payload["by_locale"]) == {"en", "sv", "zh_Hans", "zh_Hant"}  # every language: no hint
