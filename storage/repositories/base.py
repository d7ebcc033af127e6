"""The base of every repository, and the dialect's INSERT … ON CONFLICT."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_insert(session: AsyncSession):  # noqa: ANN201 — the dialect's INSERT … ON CONFLICT construct
    return pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert


class Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, *rows: object) -> None:
        self.session.add_all(rows)

    async def flush(self) -> None:
        await self.session.flush()
