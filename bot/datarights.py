"""Data rights (GDPR Art. 15, 17, 20): export everything about a person as JSON, or erase them.

Anonymous stays anonymous: ideas posted with --anon are never unsealed here, so they are neither in their
author's export nor removed by an erasure (their seal names a uid that no longer exists afterwards). A sealed
notice still waiting for an erased author is closed by the dispatcher as every sealed notice is (recorded as sent,
no reason kept), and later events on their idea write the same sealed rows as before: nothing points at it.
Erasure touches every table explicitly, in one transaction, so the report can count what went and it works
where ON DELETE cascades are off. A new table that references people belongs in both functions.
Operator output (this module) is plain English for the CLI, not chat text, so it is not translated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, cast, delete, exists, or_, select, update

from bot.kernel.context import Deps
from bot.kernel.kudos_text import FEEDBOT
from storage.models import (
    Account,
    Checkin,
    Delivery,
    Expectation,
    Feedback,
    FeedbackRequest,
    FeedbackRequestTarget,
    Goal,
    GoalUpdate,
    GrowthItem,
    GrowthNote,
    Idea,
    IdeaComment,
    IdeaStatusChange,
    IdeaVote,
    KeyResult,
    KeyResultUpdate,
    Kudos,
    KudosRecipient,
    KudosValue,
    OneOnOne,
    OneOnOneEntry,
    OrgImport,
    Person,
    Survey,
    SurveyParticipation,
    SurveyRound,
    Team,
)
from storage.uow import UnitOfWork

Json = dict[str, Any]
EmailOf = Callable[[int | None], str | None]


def by_id(rows: Any) -> list[Any]:
    return sorted(rows, key=lambda row: row.id)


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


async def export_person(deps: Deps, email: str) -> Json | None:
    """Everything stored about one person, with other people named only by email; None if unknown."""
    async with deps.uow() as uow:
        person = await uow.people.by_email(email)
        if person is None:
            return None
        emails = {row[0]: row[1] for row in await uow.session.execute(select(Person.id, Person.email))}

        def email_of(person_id: int | None) -> str | None:
            return emails.get(person_id) if person_id is not None else None

        team = await uow.session.get(Team, person.team_id) if person.team_id is not None else None
        return {
            "exported_at": iso(deps.clock.now()),
            "profile": {
                "email": person.email, "name": person.name, "team": team.name if team else None,
                "manager": email_of(person.manager_id),
                "direct_reports": [p.email for p in await uow.people.reports_of(person.id)],
                "timezone": person.timezone, "locale": person.locale, "created_at": iso(person.created_at),
                "role": person.role, "level": person.level,
            },
            "accounts": [{"platform": a.platform, "workspace": a.workspace, "user_id": a.user_id,
                          "address": a.address, "created_at": iso(a.created_at)}
                         for a in await uow.people.accounts_of(person.id)],
            "kudos_given": [kudos_json(k, email_of) for k in by_id(await uow.kudos.given_by(person.id))],
            "kudos_received": [kudos_json(k, email_of) for k in by_id(await uow.kudos.received_by(person.id))],
            "ideas": await ideas_json(uow, person.id, email_of),
            "ideas_owned": [{"id": i.id, "status": i.status} for i in await uow.session.scalars(
                select(Idea).where(Idea.owner_id == person.id).order_by(Idea.id))],
            "idea_status_changes_made": [
                {"idea_id": c.idea_id, "from": c.from_status, "to": c.to_status, "note": c.note,
                 "created_at": iso(c.created_at)} for c in await uow.session.scalars(
                    select(IdeaStatusChange).where(IdeaStatusChange.changed_by_id == person.id)
                    .order_by(IdeaStatusChange.id))],
            # Votes and comments name the idea by id only: the text of an anonymous idea is not theirs to get.
            "idea_votes": [{"idea_id": v.idea_id, "created_at": iso(v.created_at)}
                           for v in sorted(await uow.ideas.votes_by(person.id), key=lambda v: v.idea_id)],
            "idea_comments": [{"id": c.id, "idea_id": c.idea_id, "text": c.text, "created_at": iso(c.created_at)}
                              for c in sorted(await uow.ideas.comments_by(person.id), key=lambda c: c.id)],
            "feedback_given": [{"id": f.id, "to": email_of(f.receiver_id), "text": f.text,
                                "request_id": f.request_id, "created_at": iso(f.created_at)}
                               for f in await uow.feedback.given_by(person.id)],
            "feedback_received": [{"id": f.id, "from": email_of(f.giver_id), "text": f.text,
                                   "request_id": f.request_id, "created_at": iso(f.created_at)}
                                  for f in sorted(await uow.feedback.received_by(person.id), key=lambda f: f.id)],
            "feedback_requests_made": [
                {"id": r.id, "topic": r.topic, "created_at": iso(r.created_at),
                 "asked": [{"email": email_of(t.person_id), "answered_at": iso(t.answered_at)} for t in r.targets]}
                for r in await uow.feedback.requests_by(person.id)],
            "feedback_requests_received": [
                {"id": r.id, "from": email_of(r.requester_id), "topic": r.topic, "created_at": iso(r.created_at),
                 "answered_at": iso(t.answered_at)}
                for r, t in (await uow.session.execute(
                    select(FeedbackRequest, FeedbackRequestTarget).join(FeedbackRequestTarget)
                    .where(FeedbackRequestTarget.person_id == person.id).order_by(FeedbackRequest.id)))],
            "goals": [{"id": g.id, "title": g.title, "due_date": iso(g.due_date), "progress": g.progress,
                       "status": g.status, "created_at": iso(g.created_at), "updated_at": iso(g.updated_at),
                       "completed_at": iso(g.completed_at), "level": g.level, "aligned_to": g.parent_id,
                       "quarter": g.quarter,
                       "updates": [{"progress": u.progress, "note": u.note, "created_at": iso(u.created_at)}
                                   for u in await uow.goals.updates(g.id)],
                       "key_results": [
                           {"number": f"{g.id}.{k.position}", "title": k.title, "start": k.start, "target": k.target,
                            "unit": k.unit, "current": k.current, "weight": k.weight, "status": k.status,
                            "due_date": iso(k.due_date),
                            "updates": [{"value": u.value, "confidence": u.confidence, "note": u.note,
                                         "created_at": iso(u.created_at)}
                                        for u in await uow.goals.key_result_updates(k.id)]}
                           for k in await uow.goals.key_results([g.id], include_dropped=True)]}
                      for g in sorted(await uow.goals.of(person.id, include_dropped=True), key=lambda g: g.id)],
            "development_plan": [
                {"id": i.id, "what": i.what, "how": i.how, "due_date": iso(i.due_date), "status": i.status,
                 "agreed_at": iso(i.agreed_at), "created_at": iso(i.created_at), "completed_at": iso(i.completed_at),
                 "expectation": i.expectation_id,
                 "notes": [{"by": email_of(n.author_id), "text": n.text, "created_at": iso(n.created_at)}
                           for n in await uow.growth.notes(i.id)]}
                for i in await uow.growth.of(person.id, include_closed=True)],
            "expectations": [{"id": e.id, "kind": e.kind, "text": e.text, "value": e.value, "status": e.status,
                              "proposed_by": email_of(e.proposed_by_id), "created_at": iso(e.created_at),
                              "decided_at": iso(e.decided_at)} for e in await uow.expectations.all_of(person.id)],
            "away_until": iso(person.away_until),
            "checkins": [{"week": c.period, "answers": c.answers, "mood": c.mood, "blockers": c.blockers,
                          "blocker_category": c.blocker_category, "submitted_at": iso(c.submitted_at)}
                         for c in await uow.session.scalars(select(Checkin).where(Checkin.person_id == person.id)
                                                            .order_by(Checkin.period))],
            "one_on_ones": await one_on_ones_json(uow, person.id, email_of),
            # That they were asked and whether they answered — never what: answers are not linked to anyone.
            "survey_invitations": [{"survey": key, "round": number, "answered": answered}
                                   for key, number, answered in await uow.session.execute(
                                       select(Survey.key, SurveyRound.number, SurveyParticipation.answered)
                                       .join(SurveyRound, SurveyRound.survey_id == Survey.id)
                                       .join(SurveyParticipation, SurveyParticipation.round_id == SurveyRound.id)
                                       .where(SurveyParticipation.person_id == person.id)
                                       .order_by(Survey.key, SurveyRound.number))],
            "messages_to_them": [{"id": d.id, "kind": d.kind, "status": d.status, "created_at": iso(d.created_at),
                                  "sent_at": iso(d.sent_at), "content": d.payload}
                                 for d in sorted(await uow.deliveries.for_person(person.id), key=lambda d: d.id)],
        }


async def one_on_ones_json(uow: UnitOfWork, person_id: int, email_of: EmailOf) -> list[Json]:
    pairs = (await uow.session.scalars(select(OneOnOne).where(
        or_(OneOnOne.manager_id == person_id, OneOnOne.report_id == person_id)).order_by(OneOnOne.id))).all()
    return [{"manager": email_of(p.manager_id), "report": email_of(p.report_id), "cadence_days": p.cadence_days,
             "last_held_on": iso(p.last_held_on),
             "entries": [{"kind": e.kind, "text": e.text, "by": email_of(e.author_id), "created_at": iso(e.created_at),
                          "held_on": iso(e.held_on), "done_at": iso(e.done_at), "category": e.category}
                         for e in await uow.session.scalars(select(OneOnOneEntry).where(OneOnOneEntry.pair_id == p.id)
                                                            .order_by(OneOnOneEntry.id))]}
            for p in pairs]


def kudos_json(kudos: Kudos, email_of: EmailOf) -> Json:
    # Kudos are public, so the other recipients of the same kudos are no one's private data.
    # A recognition is from feedbot, for an idea: its facts as stored (the sentence is worded when read).
    recognition = {"for_idea": kudos.idea_id, "effect": kudos.effect} if kudos.idea_id is not None else {}
    return {"id": kudos.id, "from": email_of(kudos.giver_id) if kudos.giver_id is not None else FEEDBOT,
            "to": sorted(email or "" for email in (email_of(r.person_id) for r in kudos.recipients)),
            "message": kudos.message, **recognition, "values": [v.value for v in kudos.values],
            "created_at": iso(kudos.created_at)}


async def ideas_json(uow: UnitOfWork, person_id: int, email_of: EmailOf) -> list[Json]:
    """Ideas they posted under their name. Anonymous ones have no author_id, and the check is kept explicit."""
    ideas = sorted((i for i in await uow.ideas.authored_by(person_id) if not i.anonymous), key=lambda i: i.id)
    return [{"id": i.id, "text": i.text, "status": i.status, "owner": email_of(i.owner_id),
             "created_at": iso(i.created_at), "updated_at": iso(i.updated_at),
             "votes": await uow.ideas.vote_count(i.id), "comments": len(await uow.ideas.comments(i.id)),
             "history": [{"from": c.from_status, "to": c.to_status, "note": c.note,
                          "changed_by": email_of(c.changed_by_id), "created_at": iso(c.created_at)}
                         for c in await uow.ideas.history(i.id)]}
            for i in ideas]


@dataclass
class ErasureReport:
    email: str
    counts: dict[str, int] = field(default_factory=dict)  # what was removed or unlinked, in order

    def summary(self) -> str:
        width = max(len(label) for label in self.counts)
        lines = [f"erased {self.email}:"]
        lines += [f"  {label.ljust(width)}  {n}" for label, n in self.counts.items()]
        lines.append("anonymous ideas were not touched: nobody can tell whose they are")
        return "\n".join(lines)


async def erase_person(deps: Deps, email: str) -> ErasureReport | None:
    """Remove a person and their personal data in one transaction; None if nobody has that email."""
    async with deps.uow() as uow:
        person = await uow.people.by_email(email)
        if person is None:
            return None
        pid, uid, email_of = person.id, person.uid, person.email
        report = ErasureReport(person.email)

        async def run(label: str | None, statement: Any) -> int:
            result = await uow.session.execute(statement, execution_options={"synchronize_session": False})
            if label is not None:
                report.counts[label] = report.counts.get(label, 0) + result.rowcount
            return result.rowcount

        await run("platform accounts", delete(Account).where(Account.person_id == pid))
        given = select(Kudos.id).where(Kudos.giver_id == pid).scalar_subquery()
        await run(None, delete(KudosValue).where(KudosValue.kudos_id.in_(given)))
        await run(None, delete(KudosRecipient).where(KudosRecipient.kudos_id.in_(given)))
        await run("kudos given", delete(Kudos).where(Kudos.giver_id == pid))
        received = list(await uow.session.scalars(select(KudosRecipient.kudos_id)
                                                  .where(KudosRecipient.person_id == pid)))
        await run("kudos received (their name removed)", delete(KudosRecipient).where(KudosRecipient.person_id == pid))
        # A kudos left with nobody to thank says nothing anymore: it goes too.
        empty = select(Kudos.id).where(Kudos.id.in_(received),
                                       ~exists().where(KudosRecipient.kudos_id == Kudos.id)).scalar_subquery()
        await run(None, delete(KudosValue).where(KudosValue.kudos_id.in_(empty)))
        await run("kudos left without recipients", delete(Kudos).where(Kudos.id.in_(received), ~exists().where(
            KudosRecipient.kudos_id == Kudos.id)))
        await run("idea votes", delete(IdeaVote).where(IdeaVote.person_id == pid))
        await run("idea comments", delete(IdeaComment).where(IdeaComment.author_id == pid))
        await run("feedback given", delete(Feedback).where(Feedback.giver_id == pid))
        await run("feedback received", delete(Feedback).where(Feedback.receiver_id == pid))
        made = select(FeedbackRequest.id).where(FeedbackRequest.requester_id == pid).scalar_subquery()
        await run(None, update(Feedback).where(Feedback.request_id.in_(made)).values(request_id=None))
        await run(None, delete(FeedbackRequestTarget).where(FeedbackRequestTarget.request_id.in_(made)))
        await run("feedback requests made", delete(FeedbackRequest).where(FeedbackRequest.requester_id == pid))
        await run("feedback requests to them", delete(FeedbackRequestTarget)
                  .where(FeedbackRequestTarget.person_id == pid))
        goals = select(Goal.id).where(Goal.person_id == pid).scalar_subquery()
        await run("goal updates", delete(GoalUpdate).where(GoalUpdate.goal_id.in_(goals)))
        krs = select(KeyResult.id).where(KeyResult.goal_id.in_(goals)).scalar_subquery()
        await run("key result updates", delete(KeyResultUpdate).where(KeyResultUpdate.key_result_id.in_(krs)))
        await run("key results", delete(KeyResult).where(KeyResult.goal_id.in_(goals)))
        await run(None, update(Goal).where(Goal.parent_id.in_(goals)).values(parent_id=None))  # others' stay
        plan = select(GrowthItem.id).where(GrowthItem.person_id == pid).scalar_subquery()
        await run("development plan notes", delete(GrowthNote).where(GrowthNote.item_id.in_(plan)))
        await run("development plan", delete(GrowthItem).where(GrowthItem.person_id == pid))
        await run(None, update(GrowthNote).where(GrowthNote.author_id == pid).values(author_id=None))
        await run("expectations of their own", delete(Expectation).where(Expectation.person_id == pid))
        await run(None, update(Expectation).where(Expectation.proposed_by_id == pid).values(proposed_by_id=None))
        await run("goals", delete(Goal).where(Goal.person_id == pid))
        await run("check-ins", delete(Checkin).where(Checkin.person_id == pid))
        pairs = select(OneOnOne.id).where(or_(OneOnOne.manager_id == pid, OneOnOne.report_id == pid)) \
            .scalar_subquery()
        await run("1:1 topics, notes and action items", delete(OneOnOneEntry).where(OneOnOneEntry.pair_id.in_(pairs)))
        await run("1:1 pairs", delete(OneOnOne).where(or_(OneOnOne.manager_id == pid, OneOnOne.report_id == pid)))
        # Their anonymous answers are not linked to them and stay; only the record that they were asked goes.
        await run("survey invitations", delete(SurveyParticipation).where(SurveyParticipation.person_id == pid))
        await run("messages to them", delete(Delivery).where(Delivery.recipient_id == pid))
        # Outbox rows for others that mention them (`<@uid|Name>`), e.g. the channel post of a kudos they gave.
        await run("messages mentioning them", delete(Delivery).where(cast(Delivery.payload, Text).contains(uid)))
        # Their named ideas belong to the organisation: kept, with the author erased (not made anonymous).
        await run("ideas kept, author removed", update(Idea).where(Idea.author_id == pid).values(author_id=None))
        await run("ideas kept, owner removed", update(Idea).where(Idea.owner_id == pid).values(owner_id=None))
        await run("idea status changes, mover removed", update(IdeaStatusChange)
                  .where(IdeaStatusChange.changed_by_id == pid).values(changed_by_id=None))
        await run("reports left without a manager", update(Person).where(Person.manager_id == pid)
                  .values(manager_id=None))
        # A refused import's report may name them in a bad row's reason: it goes (there is only the last one).
        await run(None, delete(OrgImport).where(cast(OrgImport.problems, Text).contains(email_of, autoescape=True)))
        await run(None, delete(Person).where(Person.id == pid))
    return report
