"""Socket Mode: no public URL, no /slack/events route; the same commands arrive over the WebSocket that
apps.connections.open hands out, and are acknowledged on it."""

from __future__ import annotations

from storage.models import Goal
from tests.fakes.slack_api import add_people, payload, running_slack


async def test_commands_and_events_over_socket_mode(database, clock, catalogs) -> None:
    async with running_slack(database, clock, catalogs, socket_mode=True, app_token="xapp-test",
                             signing_secret=None) as env:
        add_people(env.fake)
        assert env.fake.called("apps.connections.open")
        command = payload("slash_command") | {"command": "/goal", "text": "add Learn Rust",
                                               "response_url": env.fake.response_url("socket")}
        ack = await env.fake.push({"envelope_id": "env-1", "type": "slash_commands", "payload": command,
                                   "accepts_response_payload": True})
        assert ack["envelope_id"] == "env-1"
        await env.platform.idle()
        assert await env.count(Goal) == 1
        assert "Learn Rust" in env.fake.called("response")[-1]["text"]

        event = payload("event_callback") | {"event_id": "Ev0SOCKET", "event": payload("app_home_opened")}
        for attempt in (0, 1):  # Slack redelivers; retry_attempt arrives as X-Slack-Retry-Num
            await env.fake.push({"envelope_id": f"env-home-{attempt}", "type": "events_api", "payload": event,
                                 "retry_attempt": attempt, "retry_reason": "timeout" if attempt else "",
                                 "accepts_response_payload": False})
            await env.platform.idle()
        assert len(env.fake.called("views.publish")) == 1

        async with env.session.post(env.events_url, data=b"{}") as response:
            assert response.status in (404, 405)  # nothing listens over HTTP in Socket Mode
