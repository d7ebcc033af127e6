"""People, their teams and their platform accounts."""

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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, UTCDateTime, new_uid


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
    # From the org directory: which `[[expectations.catalogue]]` of the settings are theirs.
    role: Mapped[str | None] = mapped_column(String(100))
    level: Mapped[str | None] = mapped_column(String(50))

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


class OrgImport(Base):
    """The report of the last org directory import (`feedbot org import`), for the admin page: counts and, for a
    refused file, its bad rows with their reasons. Only the last one is kept."""

    __tablename__ = "org_imports"
    id: Mapped[int] = mapped_column(primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    file_name: Mapped[str] = mapped_column(String(255))
    refused: Mapped[bool] = mapped_column(Boolean, default=False)  # a bad file: nothing was imported
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    deactivated: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)  # in the directory, not in the file, left active
    problems: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[row, reason], …], as the CLI printed them
