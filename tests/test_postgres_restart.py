"""PostgreSQL restarted under load: `feedbot serve` (a real process, Slack against the fake Web API) gets a stream
of signed DM commands while its own throwaway PostgreSQL cluster is stopped (`pg_ctl stop -m fast`) and started
again. While it is down, events are answered 503 (Teams' activities too) and /readyz says unavailable; Slack sends
them again; once it is back every command is answered exactly once and every message it left for others arrives
exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections import Counter
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from storage.db import Database
from storage.models import Delivery, Kudos
from tests.fakes.slack_api import SIGNING_SECRET, FakeSlack, payload, signed_headers
from tests.fakes.teams_connector import FakeConnector, shaped, user
from tests.private_postgres import Cluster, missing, private_postgresql
from tests.replicas import duplicates, wait_until
from tests.test_serve_outages import feedbot, serving

MISSING = missing()
if MISSING and os.environ.get("FEEDBOT_REQUIRE_POSTGRES"):
    raise RuntimeError(f"FEEDBOT_REQUIRE_POSTGRES is set but no private PostgreSQL cluster can run: {MISSING}")

COMMANDS = 40
EVERY = 0.15  # seconds between two commands
DOWN_AFTER = 12  # commands sent before PostgreSQL is stopped
DOWN_FOR = 3.0  # seconds
THANKS = re.compile(r"thanks \d+")
SLACK_RETRIES = [1.0, 4.0, 10.0]  # Slack's three retries (immediately, ~1 min, ~5 min), sped up


class Slack:
    """Slack's side: a signed message.im event per command, sent again after a non-2xx answer, as Slack does."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session, self.url = session, url
        self.answers: dict[int, list[int]] = {}  # command number → the HTTP statuses it got

    async def command(self, number: int) -> None:
        event = payload("message_im") | {"text": f"kudos <@U0BO> thanks {number}", "ts": f"1700000000.{number:06d}",
                                         "client_msg_id": f"cmd-{number}"}
        body = json.dumps(payload("event_callback") | {"event": event, "event_id": f"Ev{number:010d}"})
        statuses = self.answers.setdefault(number, [])
        for attempt, pause in enumerate([0.0, *SLACK_RETRIES]):
            await asyncio.sleep(pause)
            retry = {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_error"} if attempt else {}
            try:
                async with self.session.post(f"{self.url}/slack/events", data=body.encode(), headers={
                        **signed_headers(body, "application/json"), **retry},
                        timeout=aiohttp.ClientTimeout(total=3)) as response:
                    statuses.append(response.status)
            except (aiohttp.ClientError, TimeoutError):
                statuses.append(0)
            if 200 <= statuses[-1] < 300:
                return


@pytest.mark.skipif(bool(MISSING), reason=MISSING or "-")
async def test_postgresql_restarted_under_load_loses_and_doubles_nothing(tmp_path) -> None:
    fake = await FakeSlack().start()
    fake.add_user("U0ANA", "ana@example.com", "Ana Andersson")
    fake.add_user("U0BO", "bo@example.com", "Bo Berg")
    connector = await FakeConnector().start()  # Teams runs too (TICK: unauthenticated, for loopback tests)
    hello = shaped("personal_message", user("Cy Lund", "cy@example.com", 3), connector, "1763888400001", text="help")
    try:
        async with private_postgresql() as cluster:
            env = {"FEEDBOT_DATABASE__URL": cluster.url, "FEEDBOT_SLACK__BOT_TOKEN": "xoxb-test",
                   "FEEDBOT_SLACK__SIGNING_SECRET": SIGNING_SECRET, "FEEDBOT_SLACK__API_URL": fake.api_url,
                   "FEEDBOT_SLACK__MESSAGES_PER_SECOND": "1000",
                   "FEEDBOT_SLACK__MESSAGES_PER_SECOND_PER_CONVERSATION": "1000",
                   "FEEDBOT_SCHEDULE__TICK_SECONDS": "5", "FEEDBOT_LIMITS__CLAIM_TIMEOUT_SECONDS": "30",
                   "FEEDBOT_DASHBOARD__ENABLED": "false"}
            await feedbot(tmp_path, "db", "upgrade", env=env)
            async with serving(tmp_path, env) as serve, aiohttp.ClientSession() as session:
                slack = Slack(session, serve.url)
                sending: list[asyncio.Task[None]] = []
                for number in range(COMMANDS):
                    if number == DOWN_AFTER:
                        await cluster.stop("fast")
                        status, body = await serve.ready()
                        assert (status, body["status"]) == (503, "unavailable"), body
                        teams_down = await teams_say(session, serve.url, hello)
                        restarted = asyncio.create_task(start_later(cluster, DOWN_FOR))
                    sending.append(asyncio.create_task(slack.command(number)))
                    await asyncio.sleep(EVERY)
                await restarted
                await asyncio.gather(*sending)
                db = Database(cluster.url)
                try:
                    async def all_out() -> bool:
                        async with db.engine.connect() as connection:
                            unsent = await connection.scalar(
                                select(func.count()).select_from(Delivery).where(Delivery.status != "sent"))
                            kudos = await connection.scalar(select(func.count()).select_from(Kudos))
                        return unsent == 0 and kudos == COMMANDS and len(to_bo(fake)) >= COMMANDS

                    await wait_until(all_out, 60, step=0.5)
                finally:
                    await db.dispose()
                assert await serve.ready() == (200, {"status": "ready"})
                teams_back = await teams_say(session, serve.url, hello)  # the Bot Connector delivers it again
    finally:
        await fake.close()
        await connector.close()
    assert (teams_down, teams_back) == (503, 201)
    assert len(connector.sent(hello["conversation"]["id"])) == 1  # answered once, after the outage
    statuses = slack.answers
    assert all(s[-1] == 200 for s in statuses.values()), statuses  # every command was taken in the end
    assert any(503 in s for s in statuses.values()), statuses  # and some were refused while PostgreSQL was down
    replies = [p["text"] for p in fake.called("chat.postMessage") if p["channel"] == "D0ANA"]
    assert replies == ["Kudos sent to @Bo Berg and posted in #kudos."] * COMMANDS  # each once, none "went wrong"
    assert Counter(to_bo(fake)) == Counter(f"thanks {n}" for n in range(COMMANDS))  # the outbox: each DM once
    posts = said(fake, "#kudos")
    assert set(posts) == {f"thanks {n}" for n in range(COMMANDS)}
    # A channel post cut off between its send and its record is not looked for (docs/deploying.md): one at most per
    # sending loop cut off (the requests' and the tick's).
    assert duplicates(posts) <= 2
    log = "".join(serve.log)
    assert "Traceback" not in log, log
    assert "answered 503, Slack will send it again" in log


async def start_later(cluster: Cluster, seconds: float) -> None:
    await asyncio.sleep(seconds)
    await cluster.start()


async def teams_say(session: aiohttp.ClientSession, url: str, activity: dict[str, Any]) -> int:
    async with session.post(f"{url}/api/messages", json=activity) as response:
        return response.status


def said(fake: FakeSlack, channel: str) -> list[str]:
    """The kudos posted in `channel`, by what they said ("thanks 12")."""
    return [found.group(0) for p in fake.called("chat.postMessage") if p["channel"] == channel
            for found in [THANKS.search(json.dumps(p.get("blocks")))] if found]


def to_bo(fake: FakeSlack) -> list[str]:
    return said(fake, "D0BO")
