"""Send slots shared by every replica through PostgreSQL: one short transaction per reservation, the budget rows
locked in key order (so two replicas never deadlock), the time taken from the database's clock (so replicas'
clocks need not agree)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY, FLOAT, VARCHAR
from sqlalchemy.ext.asyncio import AsyncConnection

CREATE = text("INSERT INTO pacing_slots (key, next_at) SELECT unnest(CAST(:keys AS varchar[])), 0 "
              "ORDER BY 1 ON CONFLICT (key) DO NOTHING")
LOCK = text("SELECT max(next_at), extract(epoch FROM clock_timestamp())::float8 FROM "
            "(SELECT next_at FROM pacing_slots WHERE key = ANY(:keys) ORDER BY key FOR UPDATE) AS locked")
TAKE = text("UPDATE pacing_slots AS p SET next_at = :slot + g.gap FROM unnest(:keys, :gaps) AS g(key, gap) "
            "WHERE p.key = g.key").bindparams(bindparam("keys", type_=ARRAY(VARCHAR)),
                                               bindparam("gaps", type_=ARRAY(FLOAT)))


async def reserve_slot(connection: AsyncConnection, slots: Sequence[tuple[str, float]]) -> float:
    """Take the first instant free in every budget of `slots` (key, seconds between two sends), move each budget
    on by its gap, and return how many seconds from now that instant is. Call it inside a transaction."""
    keys = sorted({key for key, _ in slots})
    gaps = dict(slots)
    await connection.execute(CREATE.bindparams(bindparam("keys", type_=ARRAY(VARCHAR))), {"keys": keys})
    latest, now = (await connection.execute(LOCK.bindparams(bindparam("keys", type_=ARRAY(VARCHAR))),
                                            {"keys": keys})).one()
    slot = max(now, latest or 0.0)
    await connection.execute(TAKE, {"slot": slot, "keys": keys, "gaps": [gaps[key] for key in keys]})
    return slot - now
