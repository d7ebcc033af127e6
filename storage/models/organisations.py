"""The registry of organisations a deployment serves, kept in the main database only: each organisation's own data
lives in a database namespace of its own (a PostgreSQL schema, an SQLite file), never in these rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime

ACTIVE = "active"
SUSPENDED = "suspended"  # uninstalled: nothing is sent, the data stays until an admin erases it


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    slack_team: Mapped[str | None] = mapped_column(String(64), unique=True)
    teams_tenant: Mapped[str | None] = mapped_column(String(64), unique=True)
    namespace: Mapped[str] = mapped_column(String(300))  # the PostgreSQL schema, or the SQLite file
    installer_email: Mapped[str | None] = mapped_column(String(320))  # an OAuth install's admin
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE)
