"""Alembic environment: runs migrations over the async engine the app uses."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from storage.db import create_engine, is_sqlite
from storage.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or ""
connection_given: Connection | None = config.attributes.get("connection")


def run_on(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=is_sqlite(url), compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_async() -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_on)
            await connection.commit()
    finally:
        await engine.dispose()


if connection_given is not None:
    run_on(connection_given)
else:
    asyncio.run(run_async())
