"""What an operator watches: GET /metrics (Prometheus text, optional bearer token), request counts and the outbox
backlog, and JSON log lines carrying a request id but never a secret or what someone typed."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlencode

import aiohttp
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from adapters.metrics import PrometheusMetrics
from adapters.server import start_server
from bot.kernel.outbox import enqueue
from bot.kernel.views import View
from bot.rhythm import scheduler
from bot.rhythm.dispatch import dispatch_pending
from bot.rhythm.scheduler import tick
from feedbot.logs import JsonFormatter
from tests.fakes.slack_api import SIGNING_SECRET, FakeSlack, signed_headers
from tests.fakes.slack_api import payload as slack_payload
from tests.fakes.teams_connector import payload
from tests.test_outbox import Refusing
from tests.test_serve_outages import serving


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, await response.text(), dict(response.headers)


async def test_metrics_count_requests_and_measure_the_outbox_backlog(deps, clock) -> None:
    async with deps.uow() as uow:
        enqueue(uow, clock.now(), View(title="waiting"), kind="test", channel="#general")
    clock.advance(timedelta(minutes=3))
    server = await start_server(deps)
    try:
        await get(f"{server.url}/healthz")
        status, text, headers = await get(f"{server.url}/metrics")
    finally:
        await server.close()
    assert status == 200 and headers["Content-Type"].startswith("text/plain; version=")
    found = samples(text)
    assert found[("feedbot_outbox_backlog", ())] == 1
    assert found[("feedbot_outbox_oldest_seconds", ())] == 180
    assert found[("feedbot_requests_total", (("platform", "other"), ("status", "200")))] >= 1
    assert ("feedbot_ack_seconds_count", (("platform", "other"),)) in found
    for name in ("feedbot_deliveries_total", "feedbot_tick_seconds", "feedbot_due_build_seconds",
                 "feedbot_rate_limited_total"):
        assert f"# TYPE {name.removesuffix('_total')}" in text, name



async def test_the_core_reports_sends_ticks_and_due_finding_to_the_metrics_feedbot_wires_in(deps, clock) -> None:
    """The core only calls `Deps.metrics`; feedbot's composition root passes Prometheus, so /metrics shows them."""
    def now(name: str, labels: dict[str, str] | None = None) -> float:
        return REGISTRY.get_sample_value(name, labels or {}) or 0.0

    digest_finder = {"finder": "bot.digest.weekly"}
    before = (now("feedbot_deliveries_total", {"result": "sent"}), now("feedbot_tick_seconds_count"),
              now("feedbot_due_build_seconds_count", digest_finder))
    assert isinstance(deps.metrics, PrometheusMetrics)
    async with deps.uow() as uow:
        enqueue(uow, clock.now(), View(title="waiting"), kind="test", channel="#general")
    await tick(deps)
    after = (now("feedbot_deliveries_total", {"result": "sent"}), now("feedbot_tick_seconds_count"),
             now("feedbot_due_build_seconds_count", digest_finder))
    assert [b - a for a, b in zip(before, after, strict=True)] == [1, 1, 1]

async def test_metrics_behind_a_bearer_token(deps_factory, settings) -> None:
    deps, _ = deps_factory(settings.model_copy(update={"metrics": settings.metrics.model_copy(
        update={"token": SecretStr("s3cret-scrape-token")})}))
    server = await start_server(deps)
    try:
        refused = await get(f"{server.url}/metrics")
        wrong = await get(f"{server.url}/metrics", {"Authorization": "Bearer nope"})
        allowed = await get(f"{server.url}/metrics", {"Authorization": "Bearer s3cret-scrape-token"})
    finally:
        await server.close()
    assert (refused[0], wrong[0], allowed[0]) == (401, 401, 200)
    assert refused[2]["WWW-Authenticate"] == "Bearer" and "feedbot_requests_total" in allowed[1]


async def test_json_logs_carry_the_request_id_and_neither_secrets_nor_what_was_typed(tmp_path) -> None:
    secret = "k" * 44  # the privacy key tests/test_serve_outages.py's servers run with
    words = "my very private answer text 7f3a"
    activity = payload("personal_message") | {"text": f"feedback {words}", "serviceUrl": "http://127.0.0.1:9/"}
    env = {"FEEDBOT_LOGGING__FORMAT": "json", "FEEDBOT_LOGGING__LEVEL": "DEBUG"}
    async with serving(tmp_path, env) as serve:
        async with aiohttp.ClientSession() as session, session.post(f"{serve.url}/api/messages", json=activity,
                                headers={"X-Request-Id": "req-42"}) as response:
            assert response.headers["X-Request-Id"] == "req-42"
        await serve.logged("req-42")
    lines = [json.loads(line) for line in serve.log]  # every line is one JSON object
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    assert any(line.get("request_id") == "req-42" for line in lines)
    failed = [line for line in lines if line["level"] == "ERROR"]  # its reply found no Bot Connector: 500
    assert failed and all(line.get("request_id") == "req-42" for line in failed)
    everything = "".join(serve.log)
    assert words not in everything and secret not in everything


async def test_json_logs_of_slack_work_after_the_ack_and_of_every_request_carry_its_id(tmp_path) -> None:
    """Slack's work runs after its ack, on a worker: its lines carry the id of the request it came in. The access
    log carries the id too, and never a path's secret (a sign-in link's token) nor a query (an OAuth code)."""
    words = "another private answer 9c1e"
    fake = await FakeSlack().start()
    fake.workspace("xoxb-json-logs-token", "T0JSON")
    fake.add_user("U0ANA", "ana@example.com", "Ana Andersson", tz="UTC", team="T0JSON")
    env = {"FEEDBOT_LOGGING__FORMAT": "json", "FEEDBOT_LOGGING__LEVEL": "DEBUG",
           "FEEDBOT_SLACK__BOT_TOKEN": "xoxb-json-logs-token", "FEEDBOT_SLACK__SIGNING_SECRET": SIGNING_SECRET,
           "FEEDBOT_SLACK__API_URL": fake.api_url}
    form = urlencode(slack_payload("slash_command") | {
        "team_id": "T0JSON", "user_id": "U0ANA", "command": "/feedback", "text": f"@nobody {words}",
        "response_url": fake.response_url("json")})
    fake.fail("response", "no_such_thread", status=404)  # so the work after the ack logs a line
    link_token = "ana-uid.1900000000.nonce-5ecret.signature"
    try:
        async with serving(tmp_path, env) as serve, aiohttp.ClientSession() as session:
            headers = signed_headers(form, "application/x-www-form-urlencoded") | {"X-Request-Id": "req-slack-7"}
            async with session.post(f"{serve.url}/slack/events", data=form.encode(), headers=headers) as response:
                assert response.status == 200
            await serve.logged("response_url answered 404")  # the reply, after the ack
            for path in (f"/dashboard/signin/{link_token}", "/slack/oauth_redirect?code=c0de-5ecret&state=s"):
                async with session.get(serve.url + path, headers={"X-Request-Id": "req-get"}) as response:
                    await response.read()
            await serve.logged("(no route)")
    finally:
        await fake.close()
    lines = [json.loads(line) for line in serve.log]
    work = [line for line in lines if line["message"] == "response_url answered 404"]
    assert [line.get("request_id") for line in work] == ["req-slack-7"]  # logged after the ack, on a worker
    access = [line for line in lines if line["logger"] == "aiohttp.access"]
    assert access and all(line.get("request_id") for line in access)
    assert any("POST /slack/events 200" in line["message"] and line["request_id"] == "req-slack-7"
               for line in access)
    assert any("GET /dashboard/signin/{token} 200" in line["message"] for line in access)
    everything = "".join(serve.log)
    for secret in ("nonce-5ecret", "c0de-5ecret", "xoxb-json-logs-token", words):
        assert secret not in everything, secret


async def test_each_scheduler_tick_logs_with_an_id_of_its_own(deps, monkeypatch) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("bot.rhythm.scheduler")
    logger.addHandler(handler)

    async def failing(_deps: object) -> None:
        raise RuntimeError("a bug in a due finder")

    monkeypatch.setattr(scheduler, "tick", failing)  # so each tick logs a line (its traceback)
    try:
        await scheduler._tick_safely(deps)
        await scheduler._tick_safely(deps)
        logger.error("not in a tick")
    finally:
        logger.removeHandler(handler)
    ids = [json.loads(line).get("request_id") for line in stream.getvalue().splitlines()]
    assert len(ids) == 3 and ids[0] != ids[1] and ids[2] is None
    assert all(str(found).startswith("tick-") for found in ids[:2])


async def test_deliveries_are_counted_by_result_sent_retried_and_given_up(deps, clock) -> None:
    def counted() -> dict[str, float]:
        return {result: REGISTRY.get_sample_value("feedbot_deliveries_total", {"result": result}) or 0.0
                for result in ("sent", "retried", "given_up")}

    two_tries = deps.settings.model_copy(update={"limits": deps.settings.limits.model_copy(
        update={"delivery_attempts": 2})})
    worker = replace(deps, settings=two_tries, messenger=Refusing(refusals=2))
    before = counted()
    async with deps.uow() as uow:
        enqueue(uow, clock.now(), View(title="refused twice"), kind="test", channel="#general")
    await dispatch_pending(worker)  # refused: tried again later
    clock.advance(timedelta(hours=7))
    await dispatch_pending(worker)  # refused again, and that was its last try
    async with deps.uow() as uow:
        enqueue(uow, clock.now(), View(title="taken"), kind="test", channel="#general")
    await dispatch_pending(worker)
    after = counted()
    assert {result: after[result] - before[result] for result in after} == {"sent": 1, "retried": 1, "given_up": 1}
