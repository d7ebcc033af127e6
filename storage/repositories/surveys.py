"""Pulse surveys, rounds, participation and anonymous answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, String, delete, exists, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.digest_queries import core_rows
from storage.models import (
    Delivery,
    Person,
    Survey,
    SurveyAnswer,
    SurveyParticipation,
    SurveyRound,
    SurveySubmission,
    SurveyTally,
)
from storage.repositories.base import Repository, dialect_insert
from storage.tallies import answer_counts, tally_rows


class Surveys(Repository):
    """Pulse surveys, rounds and participation. Answers are only ever read back as counts or as bare comment texts,
    never per person: the answer rows carry no person, and nothing here joins them to participation."""

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._marked_answered = False  # this transaction marks someone as having answered: it never publishes
        self._published: set[int] = set()  # rounds this transaction published (it may still roll back)

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
        """Whether any round has answers, published or still sealed."""
        for table in (SurveyAnswer, SurveySubmission):
            answered = select(table.id).join(SurveyRound, table.round_id == SurveyRound.id).where(
                SurveyRound.survey_id == survey_id)
            if await self.session.scalar(select(answered.exists())):
                return True
        return False

    async def round(self, round_id: int) -> SurveyRound | None:
        return await self.session.get(SurveyRound, round_id)

    async def round_number(self, survey_id: int, number: int) -> SurveyRound | None:
        return await self.session.scalar(select(SurveyRound).where(SurveyRound.survey_id == survey_id,
                                                                   SurveyRound.number == number))

    async def rounds(self, survey_id: int) -> Sequence[SurveyRound]:
        return (await self.session.scalars(select(SurveyRound).where(SurveyRound.survey_id == survey_id)
                                           .order_by(SurveyRound.number))).all()

    async def rounds_of(self, survey_ids: Sequence[int]) -> dict[int, list[SurveyRound]]:
        """Each survey's rounds by number (`rounds`), for many surveys in one query."""
        result: dict[int, list[SurveyRound]] = {survey_id: [] for survey_id in survey_ids}
        if survey_ids:
            for rnd in await self.session.scalars(select(SurveyRound).where(SurveyRound.survey_id.in_(survey_ids))
                                                  .order_by(SurveyRound.survey_id, SurveyRound.number)):
                result[rnd.survey_id].append(rnd)
        return result

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
        self._marked_answered = True
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def seal_submission(self, round_id: int, sealed: str) -> None:
        """A person's answers, sealed, until the round closes: a random id, no person, no time."""
        self.session.add(SurveySubmission(round_id=round_id, sealed=sealed))

    async def round_locked(self, round_id: int, *, shared: bool = False) -> SurveyRound | None:
        """The round as committed now, locked until the commit (PostgreSQL; SQLite's writers queue anyway): shared by
        submissions, exclusive for publishing, so a submission is either published with its round or refused."""
        return await self.session.scalar(select(SurveyRound).where(SurveyRound.id == round_id)
                                         .with_for_update(read=shared).execution_options(populate_existing=True))

    async def rounds_to_publish(self, now: datetime) -> Sequence[int]:
        """Closed rounds not yet published."""
        return (await self.session.scalars(select(SurveyRound.id).where(
            SurveyRound.closes_at <= now, SurveyRound.published.is_(False)).order_by(SurveyRound.id))).all()

    async def submissions(self, round_id: int) -> Sequence[tuple[str, str]]:
        """(id, sealed token) of a round's sealed submissions."""
        rows = await self.session.execute(select(SurveySubmission.id, SurveySubmission.sealed).where(
            SurveySubmission.round_id == round_id))
        return [(row[0], row[1]) for row in rows]

    async def publish(self, rnd: SurveyRound, submission_ids: Sequence[str],
                      answers: Sequence[dict[str, object]]) -> None:
        """Replace sealed submissions by answer rows, inserted in exactly the order given (already shuffled), and their
        tallies (storage/tallies.py). Never in the transaction that marks someone as having answered: their flag and
        the answers would share its xmin."""
        if self._marked_answered:
            raise RuntimeError("answers are never published in a transaction that marks someone as having answered")
        rnd.published = True
        self._published.add(rnd.id)
        for start in range(0, len(submission_ids), 5000):
            await self.session.execute(delete(SurveySubmission).where(
                SurveySubmission.id.in_(submission_ids[start:start + 5000])))
        for start in range(0, len(answers), 5000):
            await self.session.execute(insert(SurveyAnswer), list(answers[start:start + 5000]))
        tallies = tally_rows(answer_counts(answers))
        for start in range(0, len(tallies), 5000):
            await self.session.execute(insert(SurveyTally), tallies[start:start + 5000])

    def published_here(self, round_id: int) -> bool:
        """Whether this transaction published the round (so it is not final until the commit)."""
        return round_id in self._published

    async def waiting_for(self, person_id: int, now: datetime) -> Sequence[tuple[SurveyRound, Survey]]:
        """Open rounds the person was asked in and has not answered, soonest closing first."""
        rows = await self.session.execute(
            select(SurveyRound, Survey).join(Survey, SurveyRound.survey_id == Survey.id)
            .join(SurveyParticipation, SurveyParticipation.round_id == SurveyRound.id)
            .where(SurveyParticipation.person_id == person_id, SurveyParticipation.answered.is_(False),
                   SurveyRound.opens_at <= now, SurveyRound.closes_at > now)
            .order_by(SurveyRound.closes_at, SurveyRound.id))
        return [(row[0], row[1]) for row in rows]

    async def tallies(self, round_ids: Sequence[int]) -> Sequence[tuple[int, int, str | None, int | None,
                                                                        str | None, int]]:
        """(round, question, group, score, choice, count) — how often each answer was given, never by whom: as
        counted when the round was published (`publish`)."""
        if not round_ids:
            return []
        query = select(SurveyTally.round_id, SurveyTally.question_id, SurveyTally.group_name, SurveyTally.counts).where(
            SurveyTally.round_id.in_(round_ids))
        return [(round_id, question_id, group, score, choice, n)
                for round_id, question_id, group, counts in await core_rows(self.session, query)
                for score, choice, n in counts]

    async def scores(self, round_ids: Sequence[int], first: int | None = None) -> Sequence[
            tuple[int, int, str | None, int, int, int, int, int]]:
        """(round, question, group, answers, scored answers, their sum, scores of 9–10, scores of 0–6) — sums,
        never by whom: as counted when the round was published (`publish`). With `first` (the question whose rows
        count the respondents), other questions' rows without a score are left out: they sum to nothing (a comment
        has no score), and a quarter of a year's rows are comments'."""
        if not round_ids:
            return []
        query = select(SurveyTally.round_id, SurveyTally.question_id, SurveyTally.group_name, SurveyTally.answered,
                       SurveyTally.scored, SurveyTally.total, SurveyTally.promoters, SurveyTally.detractors).where(
            SurveyTally.round_id.in_(round_ids))
        if first is not None:
            query = query.where(or_(SurveyTally.scored > 0, SurveyTally.question_id == first))
        # As Core: a digest batch reads a year of tallies; ORM bookkeeping per row would double it.
        return await core_rows(self.session, query)  # type: ignore[return-value]

    async def comments(self, round_id: int, question_id: int) -> list[str]:
        """The free-text answers to one question, sorted by text so their order tells nothing."""
        return sorted((await self.session.scalars(select(SurveyAnswer.text).where(
            SurveyAnswer.round_id == round_id, SurveyAnswer.question_id == question_id,
            SurveyAnswer.text.is_not(None)))).all())
