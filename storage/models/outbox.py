"""The outbox, inbound events already handled, and shared pacing slots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime

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


class InboundEvent(Base):
    """An inbound platform event already handled: platforms retry, so each id is processed once."""

    __tablename__ = "inbound_events"
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class PacingSlot(Base):
    """The next free send slot of one pacing budget (a workspace, a tenant, a conversation), shared by every replica
    when there is no Redis: seconds since the epoch on the database's clock."""

    __tablename__ = "pacing_slots"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)
