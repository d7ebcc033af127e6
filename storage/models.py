"""SQLAlchemy 2 models for the whole product so far. Times are stored in UTC."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out — also on SQLite, which keeps no offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def new_uid() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    # A random stable id: shown in mentions and sealed for anonymous authors (ids can be reused).
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=new_uid)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    timezone: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The rhythm: no prompts while away; personal check-in and digest slots override team/org defaults.
    away_until: Mapped[date | None] = mapped_column(Date)
    checkin_weekday: Mapped[int | None] = mapped_column(SmallInteger)
    checkin_hour: Mapped[int | None] = mapped_column(SmallInteger)
    digest_weekday: Mapped[int | None] = mapped_column(SmallInteger)
    digest_hour: Mapped[int | None] = mapped_column(SmallInteger)
    # Left the org (`feedbot org import --deactivate-missing`): kept for their history, never prompted.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the person chose their language with /language: an org import no longer changes it.
    locale_chosen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    manager: Mapped[Person | None] = relationship(remote_side=[id], lazy="raise")
    team: Mapped[Team | None] = relationship(lazy="raise")

    @property
    def handle(self) -> str:
        return self.email.split("@", 1)[0]


class Account(Base):
    """A platform account linked to a person; `address` is what proactive sends need."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("platform", "workspace", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(100), default="")
    user_id: Mapped[str] = mapped_column(String(320))
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # profile (email, zone, locale) last read
    unreachable_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # blocked or removed the bot


class Kudos(Base):
    __tablename__ = "kudos"
    id: Mapped[int] = mapped_column(primary_key=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    recipients: Mapped[list[KudosRecipient]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    values: Mapped[list[KudosValue]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class KudosRecipient(Base):
    __tablename__ = "kudos_recipients"
    kudos_id: Mapped[int] = mapped_column(ForeignKey("kudos.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)


class KudosValue(Base):
    __tablename__ = "kudos_values"
    kudos_id: Mapped[int] = mapped_column(ForeignKey("kudos.id", ondelete="CASCADE"), primary_key=True)
    value: Mapped[str] = mapped_column(String(50), primary_key=True)


class Idea(Base):
    __tablename__ = "ideas"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Anonymous ideas keep author_id NULL; author_seal is the author's uid encrypted with the bot's
    # secret key, so only the running bot can notify them — a database dump cannot tell who it was.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    author_seal: Mapped[str | None] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdeaVote(Base):
    __tablename__ = "idea_votes"
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdeaComment(Base):
    __tablename__ = "idea_comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdeaStatusChange(Base):
    __tablename__ = "idea_status_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class IdeaMeasure(Base):
    """What an idea should change, set in Plan: the baseline, the target and their unit. No one is recorded as
    having set it (an anonymous author may, through the seal)."""

    __tablename__ = "idea_measures"
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True)
    baseline: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdeaResult(Base):
    """A re-measurement of an idea's measure; the latest counts. Like the measure, it names nobody."""

    __tablename__ = "idea_results"
    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdeaRecognition(Base):
    """An adopted idea's contributors were thanked: one row per idea, ever (its key), so adopting it again is
    silent. `kudos_id` is the thank-you as kudos (None when nobody could be named, or once it is erased)."""

    __tablename__ = "idea_recognitions"
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True)
    kudos_id: Mapped[int | None] = mapped_column(ForeignKey("kudos.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeedbackRequest(Base):
    __tablename__ = "feedback_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    targets: Mapped[list[FeedbackRequestTarget]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class FeedbackRequestTarget(Base):
    __tablename__ = "feedback_request_targets"
    request_id: Mapped[int] = mapped_column(ForeignKey("feedback_requests.id", ondelete="CASCADE"),
                                            primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Feedback(Base):
    """Private feedback from one person to another; only those two ever see it."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_requests.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Goal(Base):
    """An objective: personal (the owner's), a team's (owned by its manager) or the company's (owned by an admin).

    `progress` (0–100) is kept rolled up from its key results, so lists and digests read one column."""

    __tablename__ = "goals"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | done | dropped (archived, kept)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    level: Mapped[str] = mapped_column(String(10), default="personal", server_default="personal")  # | team | company
    # A team objective's team, and the objective this one serves. No foreign keys: SQLite adds none to an existing
    # table without rebuilding it; erasing a parent's owner unaligns its children (bot/datarights.py).
    team_id: Mapped[int | None] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(Integer, index=True)
    quarter: Mapped[str | None] = mapped_column(String(7))  # "2027-Q1"


class KeyResult(Base):
    """A measurable result of an objective, numbered within it (12.1, 12.2): from `start` to `target` in `unit`."""

    __tablename__ = "key_results"
    __table_args__ = (UniqueConstraint("goal_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[str] = mapped_column(Text)
    start: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    current: Mapped[float] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    confidence: Mapped[str | None] = mapped_column(String(10))  # on-track | at-risk | off-track, from the last update
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | dropped
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)  # of the last update: three weeks without one is stale


class KeyResultUpdate(Base):
    __tablename__ = "key_result_updates"
    id: Mapped[int] = mapped_column(primary_key=True)
    key_result_id: Mapped[int] = mapped_column(ForeignKey("key_results.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)
    confidence: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GrowthItem(Base):
    """One item of a person's development plan: what to learn, why, how, by when; agreed with their manager."""

    __tablename__ = "growth_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(Text)
    how: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | done | dropped
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class GrowthNote(Base):
    """A progress note by the person or a comment by their manager."""

    __tablename__ = "growth_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("growth_items.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GoalUpdate(Base):
    __tablename__ = "goal_updates"
    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    progress: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


UNSENT = "status IN ('pending', 'sending')"


class Delivery(Base):
    """Outbox: a message for someone other than the sender, written in the same transaction as its cause.

    `key` makes a delivery idempotent (person, kind, period); the dispatcher sends pending rows after
    the commit. A delivery to an anonymous author names them only through `recipient_seal`.

    `subject` names what a message is about ("kudos:12", "checkin:40"), so an edit or an undo finds what was
    sent of it; `receipt` is what the platform said when it was sent (a Slack ts, a Teams activity id), so the
    message can be updated or deleted in place. An amendment (`amends_id`) replaces or withdraws an earlier
    delivery (bot/kernel/amend.py); a delivery withdrawn before it was sent is `withdrawn` and never sent.
    """

    __tablename__ = "deliveries"
    # Only rows still to send, in claim order: the table keeps every sent message, and a claim must not wade
    # through them (a year of history made each claim a 300 ms scan).
    __table_args__ = (Index("ix_deliveries_unsent", "id", postgresql_where=text(UNSENT), sqlite_where=text(UNSENT)),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    recipient_seal: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # pending | sending | sent | failed | withdrawn
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a retry waits until then
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a claim older than the timeout is stale
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    subject: Mapped[str | None] = mapped_column(String(60), index=True)
    receipt: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    amends_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: erasing the original leaves it moot


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


class InboundEvent(Base):
    """An inbound platform event already handled: platforms retry, so each id is processed once."""

    __tablename__ = "inbound_events"
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
