"""Reading and writing the organisations registry (main database only)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from storage.db import Database
from storage.models.organisations import ACTIVE, Organisation


async def registered(db: Database) -> Sequence[Organisation]:
    async with db.transaction() as session:
        return (await session.scalars(select(Organisation).order_by(Organisation.slug))).all()


async def record(db: Database, *, slug: str, name: str, namespace: str, now: datetime, slack_team: str | None = None,
                 teams_tenant: str | None = None, installer_email: str | None = None) -> Organisation:
    """Create or update the row of `slug` (active again if it was suspended)."""
    async with db.transaction() as session:
        row = await session.scalar(select(Organisation).where(Organisation.slug == slug))
        if row is None:
            row = Organisation(slug=slug, created_at=now)
            session.add(row)
        row.name, row.namespace, row.status = name, namespace, ACTIVE
        row.slack_team, row.teams_tenant = slack_team or None, teams_tenant or None
        row.installer_email = installer_email or row.installer_email
        return row


async def set_status(db: Database, slug: str, status: str) -> None:
    async with db.transaction() as session:
        row = await session.scalar(select(Organisation).where(Organisation.slug == slug))
        if row is not None:
            row.status = status
