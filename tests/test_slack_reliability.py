"""The work after the ack: one person's requests in the order they were sent, replies never stuck behind a
long outbox fan-out, acknowledged work finished on shutdown (and nothing taken on after it), long messages
never partly repeated, Slack's hiccups on users.info not remembered, no payloads in debug logs."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

from bot.kernel.outbox import Address, Recipient, enqueue
from bot.kernel.views import Text, View, text_view
from storage.models import Goal, InboundEvent, Kudos, Person
from tests.fakes.slack_api import (
    SIGNING_SECRET,
    FakeSlack,
    SlackEnv,
    add_people,
    payload,
    running_slack,
    signed_headers,
)
from tests.fakes.slack_api import slack as slack  # the fixture

ROOT = Path(__file__).resolve().parent.parent


async def ack_only(env: SlackEnv, command: str, text: str, user: str = "U0ANA") -> int:
    """Send a slash command and return once it is acknowledged, without waiting for the work after the ack."""
    form = payload("slash_command") | {"command": command, "text": text, "user_id": user,
                                        "response_url": env.fake.response_url(f"{user}-{command[1:]}")}
    body = urlencode(form)
    async with env.session.post(env.events_url, data=body.encode(),
                                headers=signed_headers(body, "application/x-www-form-urlencoded")) as response:
        return response.status


async def replies(env: SlackEnv, n: int, timeout: float = 5) -> list[str]:
    """The texts of the first `n` response_url answers, once there are that many."""
    for _ in range(int(timeout / 0.01)):
        if len(env.fake.called("response")) >= n:
            break
        await asyncio.sleep(0.01)
    return [call["text"] for call in env.fake.called("response")]


async def test_one_persons_requests_are_handled_in_the_order_they_were_sent(slack: SlackEnv) -> None:
    slack.fake.slow("users.info", 0.5)  # the first request is held up; the second must wait for it, not pass it
    assert await ack_only(slack, "/goal", "add Learn Rust") == 200
    assert await ack_only(slack, "/goal", "list") == 200
    await slack.platform.idle()
    first, second = await replies(slack, 2)
    assert "Learn Rust" in first and "Learn Rust" in second, (first, second)


async def test_a_long_outbox_fan_out_does_not_hold_up_the_next_reply(database, clock, catalogs) -> None:
    async with running_slack(database, clock, catalogs, workers=1, messages_per_second=4) as env:
        add_people(env.fake)
        await env.command("/feedbot", "help", user="U0BO")
        async with env.deps.uow() as uow:
            bo = await uow.people.by_email("bo@example.com")
            for n in range(8):  # two seconds of paced sends
                enqueue(uow, clock.now(), text_view(f"note {n}"), kind="test", recipient_id=bo.id)
        assert await ack_only(env, "/goal", "add Learn Rust") == 200  # its worker then starts the outbox
        await replies(env, 2)
        assert await ack_only(env, "/goal", "list") == 200
        assert "Learn Rust" in (await replies(env, 3))[-1]
        assert len(env.fake.called("chat.postMessage")) < 8  # answered while the fan-out was still going
        await env.platform.idle()
        notes = Counter(p["text"] for p in env.fake.called("chat.postMessage") if p["text"].startswith("note"))
        assert notes == Counter({f"note {n}": 1 for n in range(8)})


async def test_stopping_finishes_acknowledged_work_and_takes_on_nothing_new(slack: SlackEnv) -> None:
    slack.fake.slow("users.info", 0.3)
    assert await ack_only(slack, "/goal", "add Learn Rust") == 200
    await slack.platform.stop()
    assert await slack.count(Goal) == 1 and "Learn Rust" in (await replies(slack, 1))[0]
    event = payload("event_callback") | {"event_id": "Ev0LATE", "event": payload("message_im") | {"text": "goal list"}}
    status, _ = await slack.post(json.dumps(event), "application/json")
    assert status == 503  # Slack sends it again, to a process that is running
    assert await slack.count(InboundEvent) == 0  # not recorded, so that retry is handled


async def test_a_long_message_refused_halfway_is_finished_without_repeating_its_first_part(
        database, clock, catalogs) -> None:
    long = View(blocks=[Text(text=f"row {n}") for n in range(120)])  # three messages of at most 50 blocks
    async with running_slack(database, clock, catalogs, rate_limit_retries=0) as env:
        env.fake.rate_limit("chat.postMessage", times=2, retry_after=0, after=1)  # the second part: twice 429
        bo = Recipient(email="bo@example.com", accounts=[Address("slack", "T0FEED", "U0BO", {"channel": "D0BO"})])
        await env.platform.messenger.send(bo, long)  # not raised: the outbox would send part one again
        firsts = [p["blocks"][0]["text"]["text"] for p in env.fake.called("chat.postMessage")]
        assert firsts == ["row 0", "row 50", "row 100"]
        assert len(env.fake.called("chat.postMessage", refused=True)) == 2


async def test_a_users_info_hiccup_is_not_remembered(slack: SlackEnv) -> None:
    await slack.command("/goal", "add Learn Rust")
    slack.platform.profiles._cache.clear()  # the cached profile expired
    slack.fake.fail("users.info", "internal_error")
    await slack.command("/goal", "list")  # Slack would not say who she is, but her account is linked
    assert "Learn Rust" in slack.fake.called("response")[-1]["text"]
    calls = len(slack.fake.called("users.info"))
    await slack.command("/goal", "list")
    assert len(slack.fake.called("users.info")) == calls + 1  # asked again, not "nobody" for an hour


async def test_debug_logging_never_shows_what_people_answered(database, clock, catalogs, caplog) -> None:
    caplog.set_level(logging.DEBUG)  # an operator chasing a problem with logging.level = "DEBUG"
    async with running_slack(database, clock, catalogs) as env:
        add_people(env.fake)
        await env.command("/goal", "add A secret ambition")
        await env.event(payload("message_im") | {"text": "feedback <@U0BO|bo> Private words for Bo"})
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("aiosqlite"))  # see app.py
    assert "A secret ambition" not in logged and "Private words" not in logged
    assert "xoxb-test-token" not in logged and "test-signing-secret" not in logged


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_feedbot_serve_stopped_by_sigterm_first_finishes_what_it_acknowledged(tmp_path) -> None:
    """The real command in a process of its own, stopped the way systemd and Docker stop it."""
    fake = await FakeSlack().start()
    add_people(fake)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FEEDBOT_")} | {
        "FEEDBOT_DATABASE__URL": f"sqlite:///{tmp_path / 'feedbot.db'}", "FEEDBOT_SERVER__PORT": str(free_port()),
        "FEEDBOT_SLACK__BOT_TOKEN": "xoxb-test-token", "FEEDBOT_SLACK__SIGNING_SECRET": SIGNING_SECRET,
        "FEEDBOT_SLACK__API_URL": fake.api_url, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    feedbot = [sys.executable, "-m", "feedbot.cli"]
    upgrade = await asyncio.create_subprocess_exec(*feedbot, "db", "upgrade", env=environ, cwd=tmp_path)
    assert await upgrade.wait() == 0
    server = await asyncio.create_subprocess_exec(*feedbot, "serve", env=environ, cwd=tmp_path,
                                                  stdout=asyncio.subprocess.PIPE)
    try:
        url = (await asyncio.wait_for(server.stdout.readline(), 60)).decode().split()[-1]  # feedbot listening on …
        fake.slow("users.info", 1)  # the work after the ack is still going when the signal comes
        body = urlencode(payload("slash_command") | {"command": "/goal", "text": "add Learn Rust",
                                                      "response_url": fake.response_url("sigterm")})
        async with aiohttp.ClientSession() as session, session.post(
                f"{url}/slack/events", data=body.encode(),
                headers=signed_headers(body, "application/x-www-form-urlencoded")) as response:
            assert response.status == 200
        server.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(server.wait(), 60) == 0
        assert "Learn Rust" in fake.called("response")[-1]["text"]
    finally:
        if server.returncode is None:
            server.kill()
        await fake.close()


async def test_newcomers_thanking_each_other_all_at_once_are_each_created_once(database, clock, catalogs) -> None:
    """First contacts and mentions of the same new people at the same moment: on PostgreSQL two of them may
    both try to create one person; the loser finds the winner's row (a savepoint in the core), and nobody is told
    something went wrong."""
    people = 16
    async with running_slack(database, clock, catalogs, workers=8) as env:
        for n in range(people):
            env.fake.add_user(f"U{n:04d}", f"p{n}@example.com", f"Person {n}")
        acks = await asyncio.gather(*(ack_only(env, "/kudos", f"<@U{(n + 1) % people:04d}|p> Thanks", user=f"U{n:04d}")
                                      for n in range(people)))
        await env.platform.idle()
        assert acks == [200] * people
        assert all(text.startswith("Kudos sent") for text in await replies(env, people))
        assert await env.count(Person) == people and await env.count(Kudos) == people
