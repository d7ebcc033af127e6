"""Kudos, private feedback and feedback requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, UTCDateTime


class Kudos(Base):
    """Thanks in public. A recognition (an adopted idea's thank-you) has no giver — feedbot gives it — and keeps its
    facts, not its sentence, so each reader reads it in their own language: `idea_id`, `effect` (baseline, target,
    unit, result) and, in `message`, the idea's gist with the value tag."""

    __tablename__ = "kudos"
    id: Mapped[int] = mapped_column(primary_key=True)
    giver_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))
    effect: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))  # no measure: SQL NULL
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
