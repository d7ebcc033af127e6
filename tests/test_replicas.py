"""Three real `feedbot serve` replicas on one PostgreSQL database share a 2,000-message fan-out to a fake Slack Web
API: one is killed with SIGKILL midway and restarted; nothing is lost, nothing is sent twice, and the fake never sees
more than the workspace's allowance in any second — the replicas pace through one budget (PostgreSQL, or Redis)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from storage.db import Database
from tests.conftest import NO_POSTGRES, PG_URL
from tests.fakes.slack_api import FakeSlack
from tests.redis_server import REDIS_URL, key_prefix, needs_redis
from tests.replicas import Fleet, busiest_second, duplicates, posted, seed_fan_out, unsent, wait_until
from tests.test_serve_outages import feedbot, fresh_postgresql_database

MESSAGES = 2000
RATE = 150  # messages a second for the workspace: the fan-out takes about 13 s


@pytest.mark.skipif(not PG_URL, reason=NO_POSTGRES)
@pytest.mark.parametrize("pacing", ["postgresql", pytest.param("redis", marks=needs_redis)])
async def test_three_replicas_share_a_fan_out_and_a_killed_one_loses_and_doubles_nothing(tmp_path, pacing) -> None:
    async with fresh_postgresql_database() as name:
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        await feedbot(tmp_path, "db", "upgrade", env={"FEEDBOT_DATABASE__URL": url})
        db = Database(url)
        fake = await FakeSlack().start()
        extra = {"FEEDBOT_PACING__REDIS_URL": REDIS_URL, "FEEDBOT_PACING__KEY_PREFIX": key_prefix()} \
            if pacing == "redis" else {}
        fleet = Fleet(tmp_path, url, fake, RATE, extra)
        try:
            await seed_fan_out(db, MESSAGES)
            for number in range(3):
                await fleet.start(number)

            async def some_out() -> bool:
                return len(posted(fake)) >= MESSAGES // 3

            await wait_until(some_out, 30)
            await fleet.kill(0)
            killed_at = len(posted(fake))
            await fleet.start(0)

            async def all_sent() -> bool:
                return await unsent(db) == 0

            await wait_until(all_sent, 75, step=0.5)
            assert await fleet.stop() == [0, 0, 0]
        finally:
            await fleet.stop()
            await fake.close()
            await db.dispose()
    sent = posted(fake)
    channels = [channel for _, channel, _ in sent]
    assert set(channels) == {f"D{n}" for n in range(MESSAGES)}  # nothing lost
    # Exactly once, the message in flight when the replica was killed too: whoever took its claim over looked for
    # it in the DM (its mark is in the message's metadata) before sending — once per dead claim, not per row.
    assert duplicates(channels) == 0
    assert len(fake.called("conversations.history")) <= 2
    busiest = busiest_second(sorted(at for at, _, _ in sent))
    assert busiest <= RATE + 2, busiest  # the allowance, plus a slot's edge and loopback jitter
    by_replica = {token for _, _, token in sent[:killed_at]}
    assert by_replica == {"xoxb-replica-0", "xoxb-replica-1", "xoxb-replica-2"}  # all three were sending
    assert not [c for c in fake.calls if c.refused]
