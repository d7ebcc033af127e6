"""Private feedback and feedback requests through the console adapter, on real storage."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.models import Delivery, Feedback, FeedbackRequest, FeedbackRequestTarget
from tests.conftest import START

ANA, BO, CY = "ana@example.com", "bo@example.com", "cy@example.com"
NOTHING_WRITTEN = (Feedback, FeedbackRequest, FeedbackRequestTarget, Delivery)


async def count(deps, model) -> int:
    async with deps.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model))


async def ids(deps, *emails: str) -> list[int]:
    async with deps.uow() as uow:
        return [(await uow.people.by_email(email)).id for email in emails]


async def test_feedback_is_stored_and_sent_privately_to_the_receiver(deps, console):
    await console.people(ANA, BO, CY)
    out = await console.type("/feedback @bo Your demo was clear; the Q&A ran long", as_=ANA)
    assert "Feedback sent to @bo. It is private: only @bo and you can see it." in out
    assert ("→ bo@example.com: Private feedback from @ana\n  Your demo was clear; the Q&A ran long\n"
            "  Only you and @ana can see this. To reply privately, type /feedback @ana and your feedback.") in out
    assert out.count("→") == 1
    ana, bo = await ids(deps, ANA, BO)
    async with deps.uow() as uow:
        feedback = (await uow.session.scalars(select(Feedback))).one()
        deliveries = (await uow.session.scalars(select(Delivery))).all()
    assert (feedback.giver_id, feedback.receiver_id, feedback.request_id) == (ana, bo, None)
    assert feedback.text == "Your demo was clear; the Q&A ran long"
    assert feedback.created_at == START
    assert [(d.recipient_id, d.kind, d.status) for d in deliveries] == [(bo, "feedback.received", "sent")]


async def test_only_the_receiver_sees_feedback_in_their_listing(console):
    await console.people(ANA, BO, CY)
    await console.type("/feedback @bo The slides had two typos", as_=ANA)
    out = await console.type("/feedback", as_=BO)
    assert "Your feedback\nFeedback you received, newest first:\n2026-11-23 @ana: The slides had two typos" in out
    out = await console.type("/feedback", as_=CY)
    assert "typos" not in out
    assert "No feedback yet. Give some with /feedback @bo Your demo was clear; the Q&A ran long, " \
           "or ask for some with /feedback ask @ana @cy About my design review" in out


async def test_listing_shows_the_latest_ten_newest_first(console, clock):
    await console.people(ANA, BO)
    for n in range(1, 12):
        await console.type(f"/feedback @bo note {n:02}", as_=ANA)
        clock.advance(timedelta(days=1))
    out = await console.type("/feedback", as_=BO)
    assert "note 01" not in out
    assert out.index("2026-12-03 @ana: note 11") < out.index("2026-11-24 @ana: note 02")


async def test_asking_for_feedback_tells_each_person_how_to_answer(deps, console):
    await console.people(ANA, BO, CY)
    out = await console.type("/feedback ask @bo @cy About my design review", as_=ANA)
    assert ("Asked @bo, @cy for feedback: About my design review. I told them how to answer; "
            "their answers will show up in /feedback.") in out
    for email in (BO, CY):
        assert (f"→ {email}: @ana asks for your feedback\n  About my design review\n"
                "  To answer, type /feedback @ana and then your feedback. Only @ana will see it.") in out
    ana, bo, cy = await ids(deps, ANA, BO, CY)
    async with deps.uow() as uow:
        request = (await uow.session.scalars(select(FeedbackRequest))).one()
        assert (request.requester_id, request.topic, request.created_at) == (ana, "About my design review", START)
        assert sorted((t.person_id, t.answered_at) for t in request.targets) == [(bo, None), (cy, None)]
    assert await count(deps, Feedback) == 0


async def test_the_answer_command_uses_the_email_when_the_handle_is_ambiguous(console):
    await console.people(ANA, "ana@other.org", BO)
    out = await console.type("/feedback ask @bo About my design review", as_=ANA)
    assert "To answer, type /feedback @ana@example.com and then your feedback." in out
    out = await console.type("/feedback @ana@example.com Good questions", as_=BO)
    assert "answering their request" in out


async def test_feedback_answers_the_open_request_and_the_listings_follow(deps, console, clock):
    await console.people(ANA, BO, CY)
    await console.type("/feedback ask @bo @cy About my design review", as_=ANA)
    out = await console.type("/feedback", as_=CY)
    assert ("Waiting for your feedback:\n2026-11-23 @ana asks: About my design review — "
            "answer with /feedback @ana and your feedback") in out
    clock.advance(timedelta(hours=2))
    out = await console.type("/feedback @ana The diagrams made it easy to follow", as_=BO)
    assert ("Feedback sent to @ana, answering their request: About my design review. "
            "It is private: only @ana and you can see it.") in out
    assert ("→ ana@example.com: @bo answered your request for feedback: About my design review\n"
            "  The diagrams made it easy to follow\n"
            "  Only you and @bo can see this. To reply privately, type /feedback @bo and your feedback.") in out
    ana, bo, cy = await ids(deps, ANA, BO, CY)
    async with deps.uow() as uow:
        request = (await uow.session.scalars(select(FeedbackRequest))).one()
        feedback = (await uow.session.scalars(select(Feedback))).one()
        answered = {t.person_id: t.answered_at for t in request.targets}
    assert feedback.request_id == request.id
    assert answered == {bo: START + timedelta(hours=2), cy: None}
    out = await console.type("/feedback", as_=ANA)
    assert "2026-11-23 @bo: The diagrams made it easy to follow" in out
    assert "Your requests:\n2026-11-23 About my design review: @bo answered, @cy not yet" in out
    assert "Waiting for your feedback" not in await console.type("/feedback", as_=BO)
    # A second note from Bo answers nothing: his part of the request is done.
    out = await console.type("/feedback @ana One more thing: the slides were dense", as_=BO)
    assert "Feedback sent to @ana. It is private" in out
    async with deps.uow() as uow:
        assert (await uow.feedback.received_by(ana))[0].request_id is None


async def test_feedback_to_someone_i_asked_does_not_answer_my_own_request(deps, console):
    await console.people(ANA, BO)
    await console.type("/feedback ask @bo About my design review", as_=ANA)
    out = await console.type("/feedback @bo Thanks for agreeing to look", as_=ANA)
    assert "Feedback sent to @bo. It is private" in out
    async with deps.uow() as uow:
        target = (await uow.session.scalars(select(FeedbackRequestTarget))).one()
        feedback = (await uow.session.scalars(select(Feedback))).one()
    assert target.answered_at is None
    assert feedback.request_id is None


async def test_giving_feedback_errors_write_nothing(deps, console):
    await console.people(ANA, BO, CY)
    cases = {
        "/feedback Your demo was clear":
            "Who is it for? Start with their @name: /feedback @bo Your demo was clear; the Q&A ran long",
        "/feedback @bo": "Please add some text: /feedback @bo Your demo was clear; the Q&A ran long",
        "/feedback @bo @cy Nice demo":
            "Feedback goes to one person at a time, so it stays between the two of you: "
            "/feedback @bo Your demo was clear; the Q&A ran long",
        "/feedback @ana Nice demo":
            "Feedback is for someone else — you can't send it to yourself. To hear how you are doing, "
            "ask others: /feedback ask @ana @cy About my design review",
        "/feedback @zed Nice demo":
            "I don't know anyone called @zed. Check the spelling, or write their full email address.",
        "/feedback @zed@example.com Nice demo": "Nobody with the email zed@example.com is known here.",
        "/feedback @bo " + "x" * 2001: "That text is 2001 characters long; the limit is 2000. Please shorten it.",
    }
    for line, error in cases.items():
        out = await console.type(line, as_=ANA)
        assert f"⚠ {error}" in out, line
        assert "→" not in out
    for model in NOTHING_WRITTEN:
        assert await count(deps, model) == 0


async def test_asking_errors_write_nothing(deps, console):
    await console.people(ANA, BO)
    cases = {
        "/feedback ask": "Whom do you want to ask? Start with their @names: "
                         "/feedback ask @ana @cy About my design review",
        "/feedback ask About my review": "Whom do you want to ask? Start with their @names: "
                                         "/feedback ask @ana @cy About my design review",
        "/feedback ask @bo": "What should they give feedback on? Add a topic after the names: "
                             "/feedback ask @ana @cy About my design review",
        "/feedback ask @bo @ana About my review":
            "You can't ask yourself for feedback — ask the people you worked with: "
            "/feedback ask @ana @cy About my design review",
        "/feedback ask @zed About my review": "I don't know anyone called @zed.",
        "/feedback ask @bo " + "x" * 2001: "That text is 2001 characters long; the limit is 2000.",
    }
    for line, error in cases.items():
        out = await console.type(line, as_=ANA)
        assert f"⚠ {error}" in out, line
        assert "→" not in out
    for model in NOTHING_WRITTEN:
        assert await count(deps, model) == 0


async def test_help_explains_feedback(console):
    out = await console.type("/help feedback", as_=ANA)
    assert "/feedback ask @ana @cy About my design review — ask people for feedback" in out
    assert "Private feedback, person to person" in await console.type("/help", as_=ANA)


async def test_feedback_finds_its_receiver_anywhere_in_the_text(console):
    await console.people("ana@example.com", "bo@example.com")
    out = await console.type("/feedback Great work on the demo @bo", as_="ana@example.com")
    assert "→ bo@example.com" in out and "Great work on the demo @bo" in out


async def test_the_overview_shows_what_you_gave_as_well(console):
    await console.people("ana@example.com", "bo@example.com")
    await console.type("/feedback @bo Your demo was clear", as_="ana@example.com")
    out = await console.type("/feedback", as_="ana@example.com")
    assert "Feedback you received, newest first:\nNothing yet." in out
    assert "Feedback you gave, newest first:\n2026-11-23 to @bo: Your demo was clear" in out
    assert "Feedback you gave" not in await console.type("/feedback", as_="bo@example.com")
