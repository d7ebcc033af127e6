"""Data rights: export everything about a person, erase a person — and anonymous stays anonymous."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from bot.datarights import erase_person, export_person
from storage.models import (
    Base,
    Delivery,
    Feedback,
    FeedbackRequest,
    FeedbackRequestTarget,
    Goal,
    GoalUpdate,
    Idea,
    IdeaComment,
    IdeaStatusChange,
    IdeaVote,
    Kudos,
    Person,
    Team,
)

ANA, BO, CY = "ana@example.com", "bo@example.com", "cy@example.com"
SECRET = "The on-call rota burns people out"


@dataclass
class World:
    ana: int
    bo: int
    cy: int
    kudos: list[int]  # ana→bo, bo→ana+cy, cy→ana, bo→cy
    public: int  # ana's idea, under her name
    secret: int  # ana's anonymous idea
    seal: str
    bos_idea: int  # owned by ana
    request_by_ana: int
    request_by_bo: int


async def build(deps, console, clock) -> World:
    """Kudos through the console; ideas, feedback and goals written directly (their commands are not ready)."""
    await console.people(ANA, BO, CY)
    await console.type("/kudos @bo Thanks for the release #teamwork", as_=ANA)
    await console.type("/kudos @ana @cy Great demo #quality", as_=BO)
    await console.type("/kudos @ana Nice catch", as_=CY)
    await console.type("/kudos @cy Well done", as_=BO)
    now = clock.now()
    later = now + timedelta(days=1)
    async with deps.uow() as uow:
        ana, bo, cy = [await uow.people.by_email(e) for e in (ANA, BO, CY)]
        team = Team(name="Apps")
        uow.session.add(team)
        await uow.session.flush()
        ana.team_id, cy.manager_id = team.id, ana.id
        kudos = sorted((await uow.session.scalars(select(Kudos.id))).all())
        seal = deps.sealer.seal(ana.uid)
        public = Idea(author_id=ana.id, text="Cache wheels in CI", status="accepted", owner_id=bo.id,
                      created_at=now, updated_at=later)
        secret = Idea(author_id=None, author_seal=seal, anonymous=True, text=SECRET, created_at=now, updated_at=now)
        bos_idea = Idea(author_id=bo.id, text="Demo day every month", status="accepted", owner_id=ana.id,
                        created_at=now, updated_at=now)
        by_ana = FeedbackRequest(requester_id=ana.id, topic="My design review", created_at=now,
                                 targets=[FeedbackRequestTarget(person_id=bo.id, answered_at=later),
                                          FeedbackRequestTarget(person_id=cy.id)])
        by_bo = FeedbackRequest(requester_id=bo.id, topic="My talk", created_at=now,
                                targets=[FeedbackRequestTarget(person_id=ana.id),
                                         FeedbackRequestTarget(person_id=cy.id)])
        goal = Goal(person_id=ana.id, title="Reduce p95 latency to 200 ms", due_date=date(2027, 3, 31), progress=40,
                    created_at=now, updated_at=later)
        bos_goal = Goal(person_id=bo.id, title="Ship v2", created_at=now, updated_at=now)
        uow.session.add_all([public, secret, bos_idea, by_ana, by_bo, goal, bos_goal])
        await uow.session.flush()
        uow.session.add_all([
            IdeaStatusChange(idea_id=public.id, from_status="new", to_status="accepted", note="Try it on Apps",
                             changed_by_id=bo.id, created_at=later),
            IdeaStatusChange(idea_id=bos_idea.id, from_status="new", to_status="accepted", note="Go",
                             changed_by_id=ana.id, created_at=later),
            IdeaVote(idea_id=public.id, person_id=bo.id, created_at=now),
            IdeaVote(idea_id=public.id, person_id=cy.id, created_at=now),
            IdeaVote(idea_id=bos_idea.id, person_id=ana.id, created_at=now),
            IdeaVote(idea_id=secret.id, person_id=cy.id, created_at=now),
            IdeaComment(idea_id=public.id, author_id=bo.id, text="Yes please", created_at=now),
            IdeaComment(idea_id=bos_idea.id, author_id=ana.id, text="Count me in", created_at=now),
            Feedback(giver_id=ana.id, receiver_id=bo.id, text="Your demo was clear", created_at=now),
            Feedback(giver_id=cy.id, receiver_id=ana.id, text="Thanks for the review", created_at=now),
            Feedback(giver_id=bo.id, receiver_id=ana.id, request_id=by_ana.id, text="Solid design",
                     created_at=later),
            Feedback(giver_id=bo.id, receiver_id=cy.id, text="Only between bo and cy", created_at=now),
            GoalUpdate(goal_id=goal.id, progress=20, note="Profiling done", created_at=now),
            GoalUpdate(goal_id=goal.id, progress=40, note="Cache added", created_at=later),
            GoalUpdate(goal_id=bos_goal.id, progress=10, note="Started", created_at=now),
            # A message to the anonymous author: addressed by seal only, so it is nobody's in an export.
            Delivery(kind="idea.status", recipient_seal=seal, payload={"title": "Your idea is accepted"},
                     status="pending", created_at=now),
        ])
        return World(ana.id, bo.id, cy.id, kudos, public.id, secret.id, seal, bos_idea.id, by_ana.id, by_bo.id)


async def count(deps, model, *where) -> int:
    async with deps.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model).where(*where))


async def test_export_has_everything_about_the_person(deps, console, clock):
    w = await build(deps, console, clock)
    data = await export_person(deps, " Ana@Example.com ")
    day0, day1 = clock.now().isoformat(), (clock.now() + timedelta(days=1)).isoformat()
    assert json.loads(json.dumps(data)) == data  # plain JSON, no dates or objects left
    assert data["exported_at"] == day0
    assert data["profile"] == {"email": ANA, "name": "ana", "team": "Apps", "manager": None, "direct_reports": [CY],
                               "timezone": None, "locale": None, "created_at": day0, "role": None, "level": None}
    assert data["accounts"] == [{"platform": "console", "workspace": "", "user_id": ANA, "address": None,
                                 "created_at": day0}]
    assert data["kudos_given"] == [{"id": w.kudos[0], "from": ANA, "to": [BO], "values": ["teamwork"],
                                    "message": "Thanks for the release #teamwork", "created_at": day0}]
    assert data["kudos_received"] == [
        {"id": w.kudos[1], "from": BO, "to": [ANA, CY], "message": "Great demo #quality", "values": ["quality"],
         "created_at": day0},
        {"id": w.kudos[2], "from": CY, "to": [ANA], "message": "Nice catch", "values": [], "created_at": day0}]
    assert data["ideas"] == [{
        "id": w.public, "text": "Cache wheels in CI", "status": "accepted", "owner": BO, "created_at": day0,
        "updated_at": day1, "votes": 2, "comments": 1,
        "history": [{"from": "new", "to": "accepted", "note": "Try it on Apps", "changed_by": BO, "created_at": day1}],
    }]
    assert data["ideas_owned"] == [{"id": w.bos_idea, "status": "accepted"}]
    assert data["idea_status_changes_made"] == [{"idea_id": w.bos_idea, "from": "new", "to": "accepted",
                                                 "note": "Go", "created_at": day1}]
    assert data["idea_votes"] == [{"idea_id": w.bos_idea, "created_at": day0}]
    assert [(c["idea_id"], c["text"]) for c in data["idea_comments"]] == [(w.bos_idea, "Count me in")]
    assert [(f["to"], f["text"], f["request_id"]) for f in data["feedback_given"]] == [
        (BO, "Your demo was clear", None)]
    assert [(f["from"], f["text"], f["request_id"]) for f in data["feedback_received"]] == [
        (CY, "Thanks for the review", None), (BO, "Solid design", w.request_by_ana)]
    assert data["feedback_requests_made"] == [{
        "id": w.request_by_ana, "topic": "My design review", "created_at": day0,
        "asked": [{"email": BO, "answered_at": day1}, {"email": CY, "answered_at": None}]}]
    assert data["feedback_requests_received"] == [{"id": w.request_by_bo, "from": BO, "topic": "My talk",
                                                   "created_at": day0, "answered_at": None}]
    assert data["goals"] == [{
        "id": data["goals"][0]["id"], "title": "Reduce p95 latency to 200 ms", "due_date": "2027-03-31",
        "progress": 40, "status": "open", "created_at": day0, "updated_at": day1, "completed_at": None,
        "level": "personal", "aligned_to": None, "quarter": None,
        "updates": [{"progress": 20, "note": "Profiling done", "created_at": day0},
                    {"progress": 40, "note": "Cache added", "created_at": day1}], "key_results": []}]
    assert data["development_plan"] == []
    messages = data["messages_to_them"]
    assert [(m["kind"], m["status"]) for m in messages] == [("kudos.received", "sent")] * 2
    assert [m["content"]["blocks"][0]["text"] for m in messages] == ["Great demo #quality", "Nice catch"]


async def test_anonymous_ideas_and_other_peoples_private_data_stay_out_of_the_export(deps, console, clock):
    w = await build(deps, console, clock)
    text = json.dumps(await export_person(deps, ANA))
    assert SECRET not in text
    assert w.seal not in text
    assert "Your idea is accepted" not in text  # the message sent to the anonymous author
    assert "Only between bo and cy" not in text
    assert "Well done" not in text  # a kudos from bo to cy
    assert w.secret not in [i["id"] for i in json.loads(text)["ideas"]]


async def test_export_of_someone_unknown_is_none(deps):
    assert await export_person(deps, "nobody@example.com") is None


async def test_erase_removes_the_person_and_their_data_and_counts_it(deps, console, clock):
    w = await build(deps, console, clock)
    report = await erase_person(deps, "ANA@example.com")
    assert {label: report.counts.pop(label) for label in (
        "check-ins", "1:1 pairs", "1:1 topics, notes and action items", "survey invitations")} == {
        "check-ins": 0, "1:1 pairs": 0, "1:1 topics, notes and action items": 0, "survey invitations": 0}
    assert report.counts == {
        "platform accounts": 1,
        "kudos given": 1,
        "kudos received (their name removed)": 2,
        "kudos left without recipients": 1,
        "idea votes": 1,
        "idea comments": 1,
        "feedback given": 1,
        "feedback received": 2,
        "feedback requests made": 1,
        "feedback requests to them": 1,
        "goal updates": 2,
        "key result updates": 0,
        "key results": 0,
        "development plan notes": 0,
        "development plan": 0,
        "expectations of their own": 0,
        "goals": 1,
        "messages to them": 2,
        # The channel posts of the three kudos that named her, and bo's notice of her kudos.
        "messages mentioning them": 4,
        "ideas kept, author removed": 1,
        "ideas kept, owner removed": 1,
        "idea status changes, mover removed": 1,
        "reports left without a manager": 1,
    }
    assert report.summary() == """\
erased ana@example.com:
  platform accounts                    1
  kudos given                          1
  kudos received (their name removed)  2
  kudos left without recipients        1
  idea votes                           1
  idea comments                        1
  feedback given                       1
  feedback received                    2
  feedback requests made               1
  feedback requests to them            1
  goal updates                         2
  key result updates                   0
  key results                          0
  development plan notes               0
  development plan                     0
  expectations of their own            0
  goals                                1
  messages to them                     2
  messages mentioning them             4
  ideas kept, author removed           1
  ideas kept, owner removed            1
  idea status changes, mover removed   1
  reports left without a manager       1
anonymous ideas were not touched: nobody can tell whose they are"""
    # Nothing anywhere still points at her.
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "people" for fk in column.foreign_keys):
                assert await count(deps, table, column == w.ana) == 0, column
    assert await count(deps, Person, Person.id == w.ana) == 0
    assert await export_person(deps, ANA) is None
    assert await erase_person(deps, ANA) is None


async def test_erase_keeps_everyone_elses_data(deps, console, clock):
    w = await build(deps, console, clock)
    await erase_person(deps, ANA)
    async with deps.uow() as uow:
        cy = await uow.people.by_email(CY)
        assert cy.manager_id is None
        assert await uow.people.count() == 2
        kudos = {k.id: k for k in (await uow.session.scalars(select(Kudos))).all()}
        assert sorted(kudos) == [w.kudos[1], w.kudos[3]]  # bo's kudos to ana and cy now thanks cy alone
        assert [r.person_id for r in kudos[w.kudos[1]].recipients] == [w.cy]
        assert [v.value for v in kudos[w.kudos[1]].values] == ["quality"]
        public = await uow.ideas.get(w.public)
        assert (public.author_id, public.author_seal, public.anonymous, public.text) == (
            None, None, False, "Cache wheels in CI")
        assert await uow.ideas.voter_ids(w.public) == [w.bo, w.cy]
        assert [c.text for c, _ in await uow.ideas.comments(w.public)] == ["Yes please"]
        assert [c.changed_by_id for c in await uow.ideas.history(w.public)] == [w.bo]
        secret = await uow.ideas.get(w.secret)
        assert (secret.author_id, secret.author_seal, secret.anonymous, secret.text) == (None, w.seal, True, SECRET)
        assert await uow.ideas.voter_ids(w.secret) == [w.cy]
        bos_idea = await uow.ideas.get(w.bos_idea)
        assert (bos_idea.author_id, bos_idea.owner_id) == (w.bo, None)
        assert await uow.ideas.voter_ids(w.bos_idea) == []
        assert await uow.ideas.comments(w.bos_idea) == []
        assert [c.changed_by_id for c in await uow.ideas.history(w.bos_idea)] == [None]
        feedback = (await uow.session.scalars(select(Feedback))).all()
        assert [(f.giver_id, f.receiver_id, f.text) for f in feedback] == [(w.bo, w.cy, "Only between bo and cy")]
        requests = (await uow.session.scalars(select(FeedbackRequest))).all()
        assert [(r.id, [t.person_id for t in r.targets]) for r in requests] == [(w.request_by_bo, [w.cy])]
        assert [g.title for g in (await uow.session.scalars(select(Goal))).all()] == ["Ship v2"]
        assert [u.note for u in (await uow.session.scalars(select(GoalUpdate))).all()] == ["Started"]
        deliveries = (await uow.session.scalars(select(Delivery).order_by(Delivery.id))).all()
    assert [(d.kind, d.channel, d.recipient_id, d.recipient_seal) for d in deliveries] == [
        ("kudos.received", None, w.cy, None),  # bo's kudos to cy (and ana): names only bo
        ("kudos.post", "#kudos", None, None),  # bo's kudos to cy
        ("kudos.received", None, w.cy, None),
        ("idea.status", None, None, w.seal),  # still reaches nobody who can be named
    ]
    bo = await export_person(deps, BO)
    assert [k["to"] for k in bo["kudos_given"]] == [[CY], [CY]]
    assert [i["id"] for i in bo["ideas"]] == [w.bos_idea]
    assert bo["ideas_owned"] == [{"id": w.public, "status": "accepted"}]


async def test_erase_of_someone_unknown_is_none(deps, console):
    await console.people(BO)
    assert await erase_person(deps, "nobody@example.com") is None
    assert await count(deps, Person) == 1


async def test_after_erasure_signed_ideas_stay_and_say_so_while_anonymous_ones_stay_anonymous(deps, console):
    await console.people(ANA, BO)
    await console.type("/idea Cache the wheels in CI", as_=ANA)
    await console.type("/idea --anon Shorter meetings", as_=ANA)
    await erase_person(deps, ANA)
    out = await console.type("/idea show 1", as_=BO)
    assert "Cache the wheels in CI" in out and "a former colleague" in out and "@ana" not in out
    out = await console.type("/idea show 2", as_=BO)
    assert "anonymous" in out and "former colleague" not in out


async def test_erase_and_export_cover_the_rhythm(deps, console, clock):
    from storage.models import Checkin, OneOnOne, OneOnOneEntry

    await console.people(ANA, BO)
    async with deps.uow() as uow:
        ana, bo = await uow.people.by_email(ANA), await uow.people.by_email(BO)
        bo.manager_id = ana.id
        uow.session.add(Checkin(person_id=bo.id, period="2026-W48", answers={"well": "Shipped"}, mood=4,
                                blockers="Access", blocker_category="waiting", submitted_at=clock.now()))
        pair = OneOnOne(manager_id=ana.id, report_id=bo.id, cadence_days=14, created_at=clock.now())
        uow.session.add(pair)
        await uow.session.flush()
        uow.session.add(OneOnOneEntry(pair_id=pair.id, kind="topic", text="Career plans", author_id=bo.id,
                                      created_at=clock.now()))
        uow.session.add(OneOnOneEntry(pair_id=pair.id, kind="why", text="Keys come late", author_id=ana.id,
                                      created_at=clock.now(), category="waiting"))  # a 5 Whys step: its kind too
    exported = await export_person(deps, BO)
    assert exported["checkins"] == [{"week": "2026-W48", "answers": {"well": "Shipped"}, "mood": 4,
                                     "blockers": "Access", "blocker_category": "waiting",
                                     "submitted_at": clock.now().isoformat()}]
    assert exported["one_on_ones"][0]["manager"] == ANA
    entries = exported["one_on_ones"][0]["entries"]
    assert entries[0]["text"] == "Career plans" and entries[0]["category"] is None
    assert (entries[1]["kind"], entries[1]["text"], entries[1]["by"], entries[1]["category"]) == (
        "why", "Keys come late", ANA, "waiting")
    report = await erase_person(deps, BO)
    assert (report.counts["check-ins"], report.counts["1:1 pairs"], report.counts["1:1 topics, notes and action items"]
            ) == (1, 1, 2)
    assert await count(deps, Checkin) == 0 and await count(deps, OneOnOne) == 0
