"""Objectives, key results and their updates, development plans, and expectations of a person's own."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime


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
    due_date: Mapped[date | None] = mapped_column(Date)  # optional; a quarter typed is kept as its last day


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
    # The expectation it serves, if any. No foreign key: SQLite adds none to an existing table without rebuilding it.
    expectation_id: Mapped[int | None] = mapped_column(Integer)


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


class Expectation(Base):
    """An expectation of a person's own, beside their role's (which live in the settings): proposed by the person or
    their manager, part of the person's expectations once the other side agrees."""

    __tablename__ = "expectations"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10))  # result | action | behaviour
    text: Mapped[str] = mapped_column(Text)
    value: Mapped[str | None] = mapped_column(String(50))  # a behaviour's company value (a kudos tag)
    status: Mapped[str] = mapped_column(String(10), default="proposed")  # proposed | agreed | declined
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
