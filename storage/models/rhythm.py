"""The rhythm's records: check-ins, one-on-ones, pulse surveys (answers kept apart from participation)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, UTCDateTime, new_uid


class Checkin(Base):
    """One person's answers for one week (`period` is the ISO week of their local prompt date)."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("person_id", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10), index=True)  # "2026-W48"
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    mood: Mapped[int | None] = mapped_column(SmallInteger)
    blockers: Mapped[str | None] = mapped_column(Text)
    blocker_category: Mapped[str | None] = mapped_column(String(40))  # a key of checkin.blocker_categories
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Survey(Base):
    __tablename__ = "surveys"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(220), default="everyone")  # everyone | team:X | customers:X
    every_weeks: Mapped[int] = mapped_column(SmallInteger, default=2)
    weekday: Mapped[int] = mapped_column(SmallInteger, default=0)
    hour: Mapped[int] = mapped_column(SmallInteger, default=10)
    open_days: Mapped[int] = mapped_column(SmallInteger, default=5)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    from_config: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The zone its weekday and hour are in: the creating admin's (None: the organisation's).
    timezone: Mapped[str | None] = mapped_column(String(64))

    questions: Mapped[list[SurveyQuestion]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                           order_by="SurveyQuestion.position")


class SurveyQuestion(Base):
    __tablename__ = "survey_questions"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(10))  # scale | enps | choice | text
    text: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The question in other languages, locale → text (None: `text` for everyone).
    texts: Mapped[dict[str, str] | None] = mapped_column(JSON)


class SurveyRound(Base):
    __tablename__ = "survey_rounds"
    __table_args__ = (UniqueConstraint("survey_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    invited: Mapped[int] = mapped_column(Integer, default=0)  # audience size when it opened: the response rate
    # The anonymity threshold in force when the round opened, the one its invitation promised (None: opened before
    # it was kept; the configuration's applies). Results of the round never use a lower one.
    anonymity_threshold: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Its sealed submissions became answer rows (once closed): a submission racing the close is refused after this.
    published: Mapped[bool] = mapped_column(Boolean, default=False)


class SurveyParticipation(Base):
    """Who was asked and who answered — used only against double answers and for reminders."""

    __tablename__ = "survey_participation"
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    answered: Mapped[bool] = mapped_column(Boolean, default=False)


class SurveySubmission(Base):
    """One person's answers to a round, sealed while the round is open: a random id, the round, and a token of
    fixed length with no time in it. Written with the participation flag; opened and deleted only when the round
    closes, when every submission of the round becomes answer rows in one shuffled batch (bot/pulse/ballots.py)."""

    __tablename__ = "survey_submissions"
    __table_args__ = ({"sqlite_with_rowid": False},)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_uid)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"), index=True)
    sealed: Mapped[str] = mapped_column(Text)


class SurveyAnswer(Base):
    """An anonymous answer: no person, no time, a random id, and written only when its round closes, with every
    other answer of the round in one transaction, rows shuffled (so neither xmin nor row order follows anyone).

    `group_name` is the respondent's team when that team is large enough to be shown at all.
    """

    __tablename__ = "survey_answers"
    # SQLite keeps such a table in primary-key order, i.e. in the random ids' order, not in insertion order.
    __table_args__ = ({"sqlite_with_rowid": False},)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_uid)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True)
    group_name: Mapped[str | None] = mapped_column(String(200))
    score: Mapped[int | None] = mapped_column(SmallInteger)
    choice: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)


class SurveyTally(Base):
    """A published round's answers to one question counted in one group (`group_name` as on its answer rows):
    written once, in the transaction that publishes the round, so results never count the answers again. Sums and
    how often each answer was given, nothing else: no person, no time, nothing per respondent, and no group that
    the answer rows do not already have (storage/tallies.py)."""

    __tablename__ = "survey_tallies"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_rounds.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True)
    group_name: Mapped[str | None] = mapped_column(String(200))
    answered: Mapped[int] = mapped_column(Integer)  # answer rows, a skipped comment included: the respondents
    scored: Mapped[int] = mapped_column(Integer)  # of those, answers with a score
    total: Mapped[int] = mapped_column(Integer)  # the sum of those scores
    promoters: Mapped[int] = mapped_column(Integer)  # scores of 9–10
    detractors: Mapped[int] = mapped_column(Integer)  # scores of 0–6
    counts: Mapped[list[Any]] = mapped_column(JSON)  # [[score, choice or null, how often], ...]


class OneOnOne(Base):
    """A manager–report pair and its cadence."""

    __tablename__ = "one_on_ones"
    __table_args__ = (UniqueConstraint("manager_id", "report_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    cadence_days: Mapped[int] = mapped_column(SmallInteger, default=14)
    last_held_on: Mapped[date | None] = mapped_column(Date)
    held_count: Mapped[int | None] = mapped_column(Integer)  # meetings recorded with /1on1 done (None: none yet)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OneOnOneEntry(Base):
    """A topic for the next meeting, a note from a meeting, or an action item (open until done)."""

    __tablename__ = "one_on_one_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("one_on_ones.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # topic | note | action | why | cause (5 Whys)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    held_on: Mapped[date | None] = mapped_column(Date)  # the meeting it was discussed in
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    category: Mapped[str | None] = mapped_column(String(40))  # a why's or a cause's blocker category
