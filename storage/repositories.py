"""Queries the core needs, grouped by aggregate. Every method runs inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, delete, exists, func, literal, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from storage.digest_queries import among, core_rows
from storage.models import (
    UNSENT,
    Account,
    Checkin,
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
    InboundEvent,
    Kudos,
    KudosRecipient,
    OneOnOne,
    OneOnOneEntry,
    Person,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyRound,
    Team,
)


def dialect_insert(session: AsyncSession):  # noqa: ANN201 — the dialect's INSERT … ON CONFLICT construct
    return pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert


class Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, *rows: object) -> None:
        self.session.add_all(rows)

    async def flush(self) -> None:
        await self.session.flush()


class People(Repository):
    async def get(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    async def by_ids(self, ids: Sequence[int]) -> dict[int, Person]:
        if not ids:
            return {}
        return {p.id: p for p in await self.session.scalars(select(Person).where(Person.id.in_(set(ids))))}

    async def by_uids(self, uids: Sequence[str]) -> Sequence[Person]:
        if not uids:
            return []
        return (await self.session.scalars(select(Person).where(Person.uid.in_(set(uids))))).all()

    async def accounts_of_many(self, person_ids: Sequence[int]) -> dict[int, list[Account]]:
        found: dict[int, list[Account]] = {}
        if person_ids:
            for account in await self.session.scalars(select(Account).where(Account.person_id.in_(person_ids))
                                                      .order_by(Account.id)):
                found.setdefault(account.person_id, []).append(account)
        return found

    async def by_email(self, email: str) -> Person | None:
        return await self.session.scalar(select(Person).where(Person.email == email.strip().lower()))

    async def by_uid(self, uid: str) -> Person | None:
        return await self.session.scalar(select(Person).where(Person.uid == uid))

    async def by_account(self, platform: str, workspace: str, user_id: str) -> Person | None:
        return await self.session.scalar(
            select(Person).join(Account).where(
                Account.platform == platform, Account.workspace == workspace, Account.user_id == user_id))

    async def account(self, platform: str, workspace: str, user_id: str) -> Account | None:
        return await self.session.scalar(select(Account).where(
            Account.platform == platform, Account.workspace == workspace, Account.user_id == user_id))

    async def add_unless_twin(self, row: Person | Account) -> bool:
        """Insert a new person or account, unless a concurrent transaction has just inserted its twin (the same
        email, the same platform account): two first contacts of one person at one moment, on PostgreSQL.
        False when the twin won; the savepoint keeps the rest of the transaction intact."""
        try:
            async with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            return False
        return True

    async def set_address(self, platform: str, workspace: str, user_id: str, address: dict[str, Any],
                          now: datetime) -> None:
        """Where proactive messages reach this account (a Slack DM channel, a Teams conversation reference);
        storing it also means the account is reachable again."""
        await self._update_account(platform, workspace, user_id, address=address, unreachable_at=None,
                                   refreshed_at=now)

    async def mark_unreachable(self, platform: str, workspace: str, user_id: str, now: datetime) -> None:
        await self._update_account(platform, workspace, user_id, unreachable_at=now)

    async def _update_account(self, platform: str, workspace: str, user_id: str, **values: object) -> None:
        await self.session.execute(update(Account).where(
            Account.platform == platform, Account.workspace == workspace, Account.user_id == user_id).values(**values))

    async def accounts_of(self, person_id: int) -> Sequence[Account]:
        return (await self.session.scalars(
            select(Account).where(Account.person_id == person_id).order_by(Account.id))).all()

    async def matching_handle(self, handle: str) -> Sequence[Person]:
        """People whose email starts with `handle@`, or whose name or first name is `handle`."""
        handle = handle.lower()
        first_name = func.lower(func.substr(Person.name, 1, len(handle) + 1))
        return (await self.session.scalars(select(Person).where(or_(
            func.lower(Person.email).like(_escape_like(handle) + "@%", escape="\\"),
            func.lower(Person.name) == handle,
            first_name == handle + " ",
        )).order_by(Person.id))).all()

    async def all(self) -> Sequence[Person]:
        return (await self.session.scalars(select(Person).order_by(Person.name))).all()

    async def count(self) -> int:
        return await self.session.scalar(select(func.count(Person.id))) or 0

    async def manager_ids(self) -> Sequence[int]:
        return (await self.session.scalars(select(Person.manager_id).where(Person.manager_id.is_not(None))
                                           .distinct())).all()

    async def reports_by_manager(self, manager_ids: Sequence[int]) -> dict[int, list[Person]]:
        result: dict[int, list[Person]] = {manager_id: [] for manager_id in manager_ids}
        for start in range(0, len(manager_ids), 5000):
            for person in await self.session.scalars(select(Person).where(
                    Person.manager_id.in_(manager_ids[start:start + 5000])).order_by(Person.name)):
                result[person.manager_id].append(person)  # type: ignore[index]
        return result

    async def reports_of(self, manager_id: int) -> Sequence[Person]:
        return (await self.session.scalars(
            select(Person).where(Person.manager_id == manager_id).order_by(Person.name))).all()

    async def with_team_names(self) -> Sequence[tuple[Person, str | None]]:
        rows = await self.session.execute(select(Person, Team.name).outerjoin(Team, Person.team_id == Team.id)
                                          .order_by(Person.id))
        return [(row[0], row[1]) for row in rows]

    async def team_name(self, person: Person) -> str | None:
        if person.team_id is None:
            return None
        return await self.session.scalar(select(Team.name).where(Team.id == person.team_id))

    async def teams(self) -> Sequence[Team]:
        return (await self.session.scalars(select(Team).order_by(Team.name))).all()

    async def delete(self, person: Person) -> None:
        await self.session.delete(person)


class KudosRepo(Repository):
    async def recent_for(self, person_id: int, limit: int) -> Sequence[Kudos]:
        received = select(KudosRecipient.kudos_id).where(KudosRecipient.person_id == person_id)
        return (await self.session.scalars(
            select(Kudos).where(or_(Kudos.giver_id == person_id, Kudos.id.in_(received)))
            .order_by(Kudos.created_at.desc(), Kudos.id.desc()).limit(limit))).all()

    async def given_by(self, person_id: int) -> Sequence[Kudos]:
        return (await self.session.scalars(select(Kudos).where(Kudos.giver_id == person_id))).all()

    async def received_by(self, person_id: int) -> Sequence[Kudos]:
        received = select(KudosRecipient.kudos_id).where(KudosRecipient.person_id == person_id)
        return (await self.session.scalars(select(Kudos).where(Kudos.id.in_(received)))).all()


class Ideas(Repository):
    async def get(self, idea_id: int) -> Idea | None:
        return await self.session.get(Idea, idea_id)

    async def listing(self, *, statuses: Sequence[str] | None = None, author_id: int | None = None,
                      ids: Sequence[int] | None = None, by_votes: bool = False,
                      limit: int = 20) -> Sequence[tuple[Idea, int]]:
        """Ideas with their vote counts, newest first or most voted first."""
        votes = func.count(IdeaVote.person_id).label("votes")
        query = select(Idea, votes).outerjoin(IdeaVote).group_by(Idea.id)
        if statuses is not None:
            query = query.where(Idea.status.in_(statuses))
        if author_id is not None or ids is not None:
            query = query.where(or_(Idea.author_id == author_id, Idea.id.in_(ids or [])))
        order = [votes.desc(), Idea.id.desc()] if by_votes else [Idea.id.desc()]
        return [(row[0], row[1]) for row in (await self.session.execute(query.order_by(*order).limit(limit)))]

    async def sealed(self) -> Sequence[tuple[int, str]]:
        return [(row[0], row[1]) for row in await self.session.execute(
            select(Idea.id, Idea.author_seal).where(Idea.author_seal.is_not(None)))]

    async def authored_by(self, person_id: int) -> Sequence[Idea]:
        return (await self.session.scalars(select(Idea).where(Idea.author_id == person_id))).all()

    async def vote_count(self, idea_id: int) -> int:
        return await self.session.scalar(select(func.count()).where(IdeaVote.idea_id == idea_id)) or 0

    async def vote(self, idea_id: int, person_id: int) -> IdeaVote | None:
        return await self.session.get(IdeaVote, (idea_id, person_id))

    async def voter_ids(self, idea_id: int) -> list[int]:
        return list((await self.session.scalars(
            select(IdeaVote.person_id).where(IdeaVote.idea_id == idea_id).order_by(IdeaVote.created_at))).all())

    async def comments(self, idea_id: int) -> Sequence[tuple[IdeaComment, Person]]:
        rows = await self.session.execute(select(IdeaComment, Person).join(Person, IdeaComment.author_id == Person.id)
                                          .where(IdeaComment.idea_id == idea_id).order_by(IdeaComment.id))
        return [(row[0], row[1]) for row in rows]

    async def history(self, idea_id: int) -> Sequence[IdeaStatusChange]:
        return (await self.session.scalars(select(IdeaStatusChange).where(IdeaStatusChange.idea_id == idea_id)
                                           .order_by(IdeaStatusChange.id))).all()

    async def votes_by(self, person_id: int) -> Sequence[IdeaVote]:
        return (await self.session.scalars(select(IdeaVote).where(IdeaVote.person_id == person_id))).all()

    async def comments_by(self, person_id: int) -> Sequence[IdeaComment]:
        return (await self.session.scalars(select(IdeaComment).where(IdeaComment.author_id == person_id))).all()


class FeedbackRepo(Repository):
    async def received_by(self, person_id: int, limit: int | None = None) -> Sequence[Feedback]:
        query = select(Feedback).where(Feedback.receiver_id == person_id).order_by(Feedback.id.desc())
        return (await self.session.scalars(query.limit(limit) if limit else query)).all()

    async def given_by(self, person_id: int) -> Sequence[Feedback]:
        return (await self.session.scalars(
            select(Feedback).where(Feedback.giver_id == person_id).order_by(Feedback.id))).all()

    async def open_request_from(self, requester_id: int, target_id: int) -> FeedbackRequestTarget | None:
        """The oldest unanswered request `requester` sent to `target`, if any."""
        return await self.session.scalar(
            select(FeedbackRequestTarget).join(FeedbackRequest)
            .where(FeedbackRequest.requester_id == requester_id, FeedbackRequestTarget.person_id == target_id,
                   FeedbackRequestTarget.answered_at.is_(None))
            .order_by(FeedbackRequest.id).limit(1))

    async def open_requests_to(self, person_id: int) -> Sequence[FeedbackRequest]:
        return (await self.session.scalars(
            select(FeedbackRequest).join(FeedbackRequestTarget)
            .where(FeedbackRequestTarget.person_id == person_id, FeedbackRequestTarget.answered_at.is_(None))
            .order_by(FeedbackRequest.id))).all()

    async def requests_by(self, person_id: int) -> Sequence[FeedbackRequest]:
        return (await self.session.scalars(select(FeedbackRequest).where(FeedbackRequest.requester_id == person_id)
                                           .options(selectinload(FeedbackRequest.targets))
                                           .order_by(FeedbackRequest.id))).all()

    async def get_request(self, request_id: int) -> FeedbackRequest | None:
        return await self.session.get(FeedbackRequest, request_id)


class Goals(Repository):
    async def get(self, goal_id: int) -> Goal | None:
        return await self.session.get(Goal, goal_id)

    async def of(self, person_id: int, *, include_done: bool = True) -> Sequence[Goal]:
        query = select(Goal).where(Goal.person_id == person_id)
        if not include_done:
            query = query.where(Goal.status == "open")
        return (await self.session.scalars(query.order_by(Goal.status.desc(), Goal.id))).all()

    async def updates(self, goal_id: int) -> Sequence[GoalUpdate]:
        return (await self.session.scalars(
            select(GoalUpdate).where(GoalUpdate.goal_id == goal_id).order_by(GoalUpdate.id))).all()


class Deliveries(Repository):
    async def claim_batch(self, limit: int, now: datetime, stale_before: datetime) -> Sequence[Delivery]:
        """Take up to `limit` rows for sending: pending ones whose retry time has come, and claims older than
        `stale_before` (their worker died). Rows another worker holds are skipped (PostgreSQL: FOR UPDATE
        SKIP LOCKED; SQLite: writers are serialised by BEGIN IMMEDIATE)."""
        ready = and_(text(UNSENT),  # spelled as the partial index is, so both databases use it
                     or_(and_(Delivery.status == "pending",
                              or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now)),
                         and_(Delivery.status == "sending", Delivery.claimed_at < stale_before)))
        # A materialised CTE runs the LIMIT once: as a plain subquery PostgreSQL may re-run it per row and
        # claim the whole backlog at once.
        batch = (select(Delivery.id).where(ready).order_by(Delivery.id).limit(limit)
                 .with_for_update(skip_locked=True).cte("batch").prefix_with("MATERIALIZED", dialect="postgresql"))
        # The batch's rows are ours alone (locked; SQLite: one writer), so they need no second look — and a
        # second `ready` here lets a stale row estimate turn the update into a 10,000 × 200 nested loop.
        claimed = (await self.session.scalars(
            update(Delivery).where(Delivery.id.in_(select(batch.c.id)))
            .values(status="sending", claimed_at=now, attempts=Delivery.attempts + 1).returning(Delivery.id))).all()
        if not claimed:
            return []
        return (await self.session.scalars(select(Delivery).where(Delivery.id.in_(claimed))
                                           .order_by(Delivery.id))).all()

    async def mark_sent(self, ids: Sequence[int], sent_at: datetime) -> None:
        if ids:
            await self.session.execute(update(Delivery).where(Delivery.id.in_(ids))
                                       .values(status="sent", sent_at=sent_at, recipient_seal=None))

    async def mark_failed(self, delivery_id: int, error: str) -> None:
        await self.session.execute(update(Delivery).where(Delivery.id == delivery_id)
                                   .values(status="failed", last_error=error[:500]))

    async def retry_later(self, delivery_id: int, error: str, at: datetime) -> None:
        await self.session.execute(update(Delivery).where(Delivery.id == delivery_id)
                                   .values(status="pending", next_attempt_at=at, last_error=error[:500]))

    async def add_keyed(self, rows: Sequence[dict[str, Any]]) -> list[str]:
        """Insert outbox rows that carry a key; a key another process recorded first is skipped (not sent
        twice). One statement executed for many rows: compiled once. Returns the kinds of the rows added."""
        if not rows:
            return []
        statement = (dialect_insert(self.session)(Delivery).on_conflict_do_nothing(index_elements=["key"])
                     .returning(Delivery.kind))
        return list((await self.session.scalars(statement, rows)).all())

    async def existing_keys(self, keys: Sequence[str]) -> set[str]:
        """Which of these keys are recorded (asked 5,000 at a time: bound parameters are limited)."""
        found: set[str] = set()
        for start in range(0, len(keys), 5000):
            found.update((await self.session.scalars(
                select(Delivery.key).where(Delivery.key.in_(keys[start:start + 5000])))).all())
        return found

    async def for_person(self, person_id: int) -> Sequence[Delivery]:
        return (await self.session.scalars(select(Delivery).where(Delivery.recipient_id == person_id))).all()


class InboundEvents(Repository):
    """Platforms retry what they think was lost; each event id is handled once, across restarts and processes."""

    async def first_time(self, platform: str, event_id: str, now: datetime) -> bool:
        """Record the event; False when it was recorded before (a retry)."""
        insert = dialect_insert(self.session)
        recorded = await self.session.scalar(
            insert(InboundEvent).values(platform=platform, event_id=event_id[:200], received_at=now)
            .on_conflict_do_nothing(index_elements=["platform", "event_id"]).returning(InboundEvent.event_id))
        return recorded is not None

    async def forget(self, platform: str, event_id: str) -> None:
        """The event was not handled after all (its transaction failed): a redelivery may run it."""
        await self.session.execute(delete(InboundEvent).where(InboundEvent.platform == platform,
                                                              InboundEvent.event_id == event_id[:200]))

    async def forget_before(self, before: datetime) -> None:
        """Platforms stop retrying within hours; older ids need not be kept."""
        await self.session.execute(delete(InboundEvent).where(InboundEvent.received_at < before))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Checkins(Repository):
    async def of(self, person_id: int, period: str) -> Checkin | None:
        return await self.session.scalar(select(Checkin).where(Checkin.person_id == person_id,
                                                               Checkin.period == period))

    async def recent(self, person_id: int, limit: int) -> Sequence[Checkin]:
        return (await self.session.scalars(select(Checkin).where(Checkin.person_id == person_id)
                                           .order_by(Checkin.period.desc()).limit(limit))).all()

    async def answered(self, periods: Sequence[str]) -> set[tuple[int, str]]:
        """(person id, period) of every check-in in these periods."""
        if not periods:
            return set()
        rows = await self.session.execute(select(Checkin.person_id, Checkin.period)
                                          .where(Checkin.period.in_(set(periods))))
        return {(row[0], row[1]) for row in rows}


class OneOnOnes(Repository):
    """Manager–report pairs and their entries. A pair is current while the report's manager is its manager."""

    async def create_missing(self, cadence_days: int, now: datetime, *, involving: int | None = None,
                             report_ids: Sequence[int] | None = None) -> None:
        """Create the pairs of current reporting lines that have none yet (idempotent under concurrency)."""
        paired = select(OneOnOne.id).where(OneOnOne.manager_id == Person.manager_id, OneOnOne.report_id == Person.id)
        query = select(Person.manager_id, Person.id).where(Person.manager_id.is_not(None),
                                                           Person.manager_id != Person.id, ~paired.exists())
        if involving is not None:
            query = query.where(or_(Person.id == involving, Person.manager_id == involving))
        if report_ids is not None:
            query = query.where(among(self.session, Person.id, report_ids))
        rows = [{"manager_id": row[0], "report_id": row[1], "cadence_days": cadence_days, "created_at": now}
                for row in await self.session.execute(query)]
        if rows:  # executemany: no limit on bound parameters however many pairs are new (a first tick)
            await self.session.execute(dialect_insert(self.session)(OneOnOne)
                                       .on_conflict_do_nothing(index_elements=["manager_id", "report_id"]), rows)

    async def current(self, *, involving: int | None = None,
                      report_ids: Sequence[int] | None = None) -> Sequence[tuple[OneOnOne, Person, Person]]:
        """(pair, manager, report) for current reporting lines, by report name."""
        manager, report = aliased(Person), aliased(Person)
        query = (select(OneOnOne, manager, report).join(manager, OneOnOne.manager_id == manager.id)
                 .join(report, and_(OneOnOne.report_id == report.id, report.manager_id == OneOnOne.manager_id)))
        if involving is not None:
            query = query.where(or_(OneOnOne.manager_id == involving, OneOnOne.report_id == involving))
        if report_ids is not None:
            query = query.where(among(self.session, OneOnOne.report_id, report_ids))
        rows = await self.session.execute(query.order_by(report.name, OneOnOne.id))
        return [(row[0], row[1], row[2]) for row in rows]

    async def get(self, pair_id: int) -> OneOnOne | None:
        return await self.session.get(OneOnOne, pair_id)

    async def entry(self, entry_id: int) -> OneOnOneEntry | None:
        return await self.session.get(OneOnOneEntry, entry_id)

    async def agenda_entries(self, pair_id: int, last_held_on: date | None) -> Sequence[OneOnOneEntry]:
        """Open topics, open action items, and notes not yet tied to a meeting or from the last one."""
        notes = OneOnOneEntry.held_on.is_(None) if last_held_on is None else or_(
            OneOnOneEntry.held_on.is_(None), OneOnOneEntry.held_on == last_held_on)
        return (await self.session.scalars(select(OneOnOneEntry).where(OneOnOneEntry.pair_id == pair_id, or_(
            and_(OneOnOneEntry.kind == "topic", OneOnOneEntry.held_on.is_(None)),
            and_(OneOnOneEntry.kind == "action", OneOnOneEntry.done_at.is_(None)),
            and_(OneOnOneEntry.kind == "note", notes))).order_by(OneOnOneEntry.id))).all()

    async def mark_held(self, pair_id: int, day: date) -> int:
        """Tie what is not yet tied to a meeting to the one held on `day`; returns how many topics were open."""
        topics = await self.session.scalar(select(func.count()).where(
            OneOnOneEntry.pair_id == pair_id, OneOnOneEntry.kind == "topic", OneOnOneEntry.held_on.is_(None))) or 0
        await self.session.execute(update(OneOnOneEntry).where(OneOnOneEntry.pair_id == pair_id,
                                                               OneOnOneEntry.held_on.is_(None)).values(held_on=day))
        return topics

    async def checkins_since(self, person_id: int, since: datetime) -> Sequence[Checkin]:
        return (await self.session.scalars(select(Checkin).where(Checkin.person_id == person_id,
                                                                 Checkin.submitted_at >= since)
                                           .order_by(Checkin.period))).all()

    async def kudos_received_since(self, person_id: int, since: datetime) -> Sequence[Kudos]:
        received = select(KudosRecipient.kudos_id).where(KudosRecipient.person_id == person_id)
        return (await self.session.scalars(select(Kudos).where(Kudos.id.in_(received), Kudos.created_at >= since)
                                           .order_by(Kudos.created_at, Kudos.id))).all()


class Surveys(Repository):
    """Pulse surveys, rounds and participation. Answers are only ever read back as counts or as bare comment texts,
    never per person: the answer rows carry no person, and nothing here joins them to participation."""

    async def get(self, survey_id: int) -> Survey | None:
        return await self.session.get(Survey, survey_id)

    async def by_key(self, key: str) -> Survey | None:
        return await self.session.scalar(select(Survey).where(Survey.key == key))

    async def listing(self, *, active_only: bool = False) -> Sequence[Survey]:
        query = select(Survey).order_by(Survey.key)
        return (await self.session.scalars(query.where(Survey.active.is_(True)) if active_only else query)).all()

    async def add_from_config(self, key: str, title: str, now: datetime) -> None:
        """Create the row of a configured survey unless it exists (idempotent under concurrency)."""
        await self.session.execute(dialect_insert(self.session)(Survey).values(
            key=key, title=title, audience="everyone", every_weeks=2, weekday=0, hour=10, open_days=5, active=True,
            from_config=True, created_at=now).on_conflict_do_nothing(index_elements=["key"]))

    async def locked(self, key: str) -> Survey | None:
        """The survey and its questions as committed now, locked for update (PostgreSQL) until the commit."""
        return await self.session.scalar(select(Survey).where(Survey.key == key).with_for_update()
                                         .execution_options(populate_existing=True))

    async def has_answers(self, survey_id: int) -> bool:
        answered = select(SurveyAnswer.id).join(SurveyRound, SurveyAnswer.round_id == SurveyRound.id).where(
            SurveyRound.survey_id == survey_id)
        return bool(await self.session.scalar(select(answered.exists())))

    async def round(self, round_id: int) -> SurveyRound | None:
        return await self.session.get(SurveyRound, round_id)

    async def round_number(self, survey_id: int, number: int) -> SurveyRound | None:
        return await self.session.scalar(select(SurveyRound).where(SurveyRound.survey_id == survey_id,
                                                                   SurveyRound.number == number))

    async def rounds(self, survey_id: int) -> Sequence[SurveyRound]:
        return (await self.session.scalars(select(SurveyRound).where(SurveyRound.survey_id == survey_id)
                                           .order_by(SurveyRound.number))).all()

    async def open_round(self, survey_id: int, number: int, opens_at: datetime,
                         closes_at: datetime) -> SurveyRound | None:
        """Insert round `number`; None when it already existed (another process opened it first)."""
        new_id = await self.session.scalar(dialect_insert(self.session)(SurveyRound).values(
            survey_id=survey_id, number=number, opens_at=opens_at, closes_at=closes_at, invited=0)
            .on_conflict_do_nothing(index_elements=["survey_id", "number"]).returning(SurveyRound.id))
        return None if new_id is None else await self.session.get(SurveyRound, new_id)

    async def add_participants(self, round_id: int, person_ids: Sequence[int]) -> None:
        rows = [{"round_id": round_id, "person_id": person_id, "answered": False} for person_id in person_ids]
        insert = dialect_insert(self.session)
        for start in range(0, len(rows), 5000):
            await self.session.execute(insert(SurveyParticipation).values(rows[start:start + 5000])
                                       .on_conflict_do_nothing(index_elements=["round_id", "person_id"]))

    async def participation(self, round_id: int, person_id: int) -> SurveyParticipation | None:
        return await self.session.get(SurveyParticipation, (round_id, person_id))

    async def waiting(self, round_id: int, *, unsent: str,
                      sent_before: tuple[str, datetime] | None = None) -> Sequence[Person]:
        """People asked in the round who have not answered and have no outbox message `{unsent}:{round}:{uid}` yet;
        with `sent_before=(prefix, instant)`, only those whose `{prefix}:{round}:{uid}` was recorded before it."""
        def sent(prefix: str) -> ColumnElement[bool]:
            return exists().where(Delivery.key == literal(f"{prefix}:{round_id}:", String) + Person.uid)

        query = (select(Person).join(SurveyParticipation, SurveyParticipation.person_id == Person.id)
                 .where(SurveyParticipation.round_id == round_id, SurveyParticipation.answered.is_(False),
                        ~sent(unsent)))
        if sent_before is not None:
            query = query.where(sent(sent_before[0]).where(Delivery.created_at < sent_before[1]))
        return (await self.session.scalars(query.order_by(Person.id))).all()

    async def mark_answered(self, round_id: int, person_id: int) -> bool:
        """Record that the person answered; False when they already had (also from a concurrent submit)."""
        result = await self.session.execute(
            update(SurveyParticipation).where(SurveyParticipation.round_id == round_id,
                                              SurveyParticipation.person_id == person_id,
                                              SurveyParticipation.answered.is_(False)).values(answered=True))
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def waiting_for(self, person_id: int, now: datetime) -> Sequence[tuple[SurveyRound, Survey]]:
        """Open rounds the person was asked in and has not answered, soonest closing first."""
        rows = await self.session.execute(
            select(SurveyRound, Survey).join(Survey, SurveyRound.survey_id == Survey.id)
            .join(SurveyParticipation, SurveyParticipation.round_id == SurveyRound.id)
            .where(SurveyParticipation.person_id == person_id, SurveyParticipation.answered.is_(False),
                   SurveyRound.opens_at <= now, SurveyRound.closes_at > now)
            .order_by(SurveyRound.closes_at, SurveyRound.id))
        return [(row[0], row[1]) for row in rows]

    async def asked_in_team(self, round_id: int, team_id: int) -> int:
        """How many people of a team were asked in a round (whether they answered is not looked at)."""
        return await self.session.scalar(
            select(func.count()).select_from(SurveyParticipation)
            .join(Person, SurveyParticipation.person_id == Person.id)
            .where(SurveyParticipation.round_id == round_id, Person.team_id == team_id)) or 0

    async def tallies(self, round_ids: Sequence[int]) -> Sequence[tuple[int, int, str | None, int | None,
                                                                        str | None, int]]:
        """(round, question, group, score, choice, count) — how often each answer was given, never by whom."""
        if not round_ids:
            return []
        columns = (SurveyAnswer.round_id, SurveyAnswer.question_id, SurveyAnswer.group_name, SurveyAnswer.score,
                   SurveyAnswer.choice)
        query = select(*columns, func.count()).where(SurveyAnswer.round_id.in_(round_ids)).group_by(*columns)
        return await core_rows(self.session, query)  # type: ignore[return-value]

    async def scores(self, round_ids: Sequence[int]) -> Sequence[tuple[int, int, str | None, int, int, int, int,
                                                                     int]]:
        """(round, question, group, answers, scored answers, their sum, scores of 9–10, scores of 0–6) — sums,
        never by whom."""
        if not round_ids:
            return []
        columns = (SurveyAnswer.round_id, SurveyAnswer.question_id, SurveyAnswer.group_name)
        score = SurveyAnswer.score
        query = select(*columns, func.count(), func.count(score), func.coalesce(func.sum(score), 0),
                       func.count(case((score >= 9, 1))), func.count(case((score <= 6, 1)))).where(
            SurveyAnswer.round_id.in_(round_ids)).group_by(*columns)
        # As Core: a digest batch sums a year of answers into ~20,000 rows; ORM bookkeeping per row would double it.
        return await core_rows(self.session, query)  # type: ignore[return-value]

    async def comments(self, round_id: int, question_id: int) -> list[str]:
        """The free-text answers to one question, sorted by text so their order tells nothing."""
        return sorted((await self.session.scalars(select(SurveyAnswer.text).where(
            SurveyAnswer.round_id == round_id, SurveyAnswer.question_id == question_id,
            SurveyAnswer.text.is_not(None)))).all())
