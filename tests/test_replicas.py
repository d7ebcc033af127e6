"""Three real `feedbot serve` replicas on one PostgreSQL database share a 2,000-message fan-out to a fake Slack Web
API and a fake Bot Connector: one is killed with SIGKILL midway and restarted; nothing is lost, nothing is sent twice
on Slack (at most the one message in flight on Teams), and neither fake sees more than its allowance in any second —
the replicas pace through one budget per workspace and per tenant (PostgreSQL, or Redis)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from bot.kernel.settings.service import LimitSettings
from storage.db import Database
from tests.conftest import NO_POSTGRES, PG_URL
from tests.fakes.openid import FakeOpenId
from tests.fakes.slack_api import FakeSlack
from tests.fakes.teams_connector import FakeConnector
from tests.redis_server import REDIS_URL, key_prefix, needs_redis
from tests.replicas import (
    Fleet,
    busiest_chat,
    busiest_second,
    duplicates,
    on_teams,
    posted,
    seed_fan_out,
    teams_env,
    teams_posted,
    unsent,
    wait_until,
)
from tests.test_serve_outages import feedbot, fresh_postgresql_database

MESSAGES = 2000
RATE = 150  # messages a second for the Slack workspace
TEAMS_RATE = 25  # a second for the Teams tenant (Teams allows about 50): fewer than three replicas can send
PER_CONVERSATION = 7  # a second in one Teams chat, as Teams allows
TEAMS_RUN, CHATTY, REPEAT = 50, 3, 10  # 50 people in 200 on Teams; the first 3 get 10 messages in a row


@pytest.mark.skipif(not PG_URL, reason=NO_POSTGRES)
@pytest.mark.parametrize("pacing", ["postgresql", pytest.param("redis", marks=needs_redis)])
async def test_three_replicas_share_a_fan_out_and_a_killed_one_loses_and_doubles_nothing(tmp_path, pacing) -> None:
    async with fresh_postgresql_database() as name:
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        await feedbot(tmp_path, "db", "upgrade", env={"FEEDBOT_DATABASE__URL": url})
        db = Database(url)
        fake, connector, identity = await FakeSlack().start(), await FakeConnector().start(), await FakeOpenId().start()
        extra = {"FEEDBOT_PACING__REDIS_URL": REDIS_URL, "FEEDBOT_PACING__KEY_PREFIX": key_prefix()} \
            if pacing == "redis" else {}
        fleet = Fleet(tmp_path, url, fake, RATE, extra | teams_env(identity, TEAMS_RATE, PER_CONVERSATION))
        try:
            order = await seed_fan_out(db, MESSAGES, connector, teams_run=TEAMS_RUN, chatty=CHATTY,
                                       repeat=REPEAT)
            for number in range(3):
                await fleet.start(number)

            async def some_out() -> bool:
                return len(posted(fake)) + len(teams_posted(connector)) >= MESSAGES // 3

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
            for service in (fake, connector, identity):
                await service.close()
            await db.dispose()
    sent, to_teams = posted(fake), teams_posted(connector)
    channels = [channel for _, channel, _ in sent]
    assert set(channels) == {f"D{n}" for n in order if not on_teams(n, TEAMS_RUN)}  # nothing lost on Slack
    # Exactly once, the messages in flight when the replica was killed too: whoever took its claim over looked for
    # them in their DMs (each mark is in its message's metadata) before sending — at most one lookup per message
    # that may have been in flight (limits.send_concurrency of them a dead claim), not one per row.
    assert duplicates(channels) == 0
    lookups = len(fake.called("conversations.history"))
    print(f"\n{pacing}: Slack lookups after the kill {lookups}", end=" ")
    assert lookups <= 2 * LimitSettings().send_concurrency
    busiest = busiest_second(sorted(at for at, _, _ in sent))
    assert busiest <= RATE + 2, busiest  # the allowance, plus a slot's edge and loopback jitter
    by_replica = {token for _, _, token in sent[:killed_at]}
    assert by_replica == {"xoxb-replica-0", "xoxb-replica-1", "xoxb-replica-2"}  # all three were sending
    assert not [c for c in fake.calls if c.refused]

    numbers = [number for _, _, number in to_teams]
    assert set(numbers) == {m for m, n in enumerate(order) if on_teams(n, TEAMS_RUN)}  # nothing lost on Teams
    # The Bot Connector takes no idempotency key and cannot be read back: the one message the killed replica may
    # have had in flight can go out twice, never more (docs/deploying.md).
    teams_twice, teams_busiest = duplicates(numbers), busiest_second(sorted(at for at, _, _ in to_teams))
    assert teams_twice <= 1
    # A slot's edge, and jitter of up to about a slot on each side (40 ms at this rate: two cores, 3 replicas, the
    # database and the fakes); without the shared budget the tenant saw 41 in a second.
    assert teams_busiest <= TEAMS_RATE + 3, teams_busiest
    chattiest = busiest_chat(to_teams)
    print(f"\n{pacing}: busiest second Slack {busiest}, Teams {teams_busiest}, one chat {chattiest}; "
          f"Teams duplicates {teams_twice}", end=" ")  # the figures docs/deploying.md quotes (pytest -s)
    assert chattiest <= PER_CONVERSATION + 2, chattiest  # the 10 in a row, unpaced, come within half a second
