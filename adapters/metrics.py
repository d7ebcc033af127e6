"""GET /metrics in Prometheus' text format (prometheus-client), optionally behind a bearer token; the request
counts and ack latencies every route reports, and what the core reports through `Deps.metrics` (PrometheusMetrics).
Counts and durations only: never who, never what."""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

from bot.kernel.context import Deps
from bot.kernel.metrics import SendResult
from storage.outbox_stats import outbox_backlog

log = logging.getLogger(__name__)

REQUESTS = Counter("feedbot_requests", "HTTP requests by platform and status", ["platform", "status"])
ACK_SECONDS = Histogram("feedbot_ack_seconds", "Time to answer a request (a platform's ack)", ["platform"],
                        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3, 5, 10))
RATE_LIMITED = Counter("feedbot_rate_limited", "429 answers received from a platform's API", ["platform"])
BACKLOG = Gauge("feedbot_outbox_backlog", "Outbox messages not sent yet (pending or being sent)")
OLDEST = Gauge("feedbot_outbox_oldest_seconds", "Age of the oldest message not sent yet (0: none)")
DELIVERIES = Counter("feedbot_deliveries", "Outbox sends by result: sent, retried (tried again later), given_up",
                     ["result"])
TICK_SECONDS = Histogram("feedbot_tick_seconds", "One scheduler tick: record what is due, send the outbox",
                         buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300))
DUE_SECONDS = Histogram("feedbot_due_build_seconds", "Finding and building what one feature owes now (the "
                        "weekly digest: finder bot.digest.weekly)", ["finder"],
                        buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
PLATFORMS = (("/slack/", "slack"), ("/api/messages", "teams"), ("/dashboard", "web"))

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class PrometheusMetrics:
    """The core's `Metrics` (bot/kernel/metrics.py) as Prometheus counters and histograms."""

    def delivery(self, result: SendResult) -> None:
        DELIVERIES.labels(result).inc()

    def tick(self, seconds: float) -> None:
        TICK_SECONDS.observe(seconds)

    def due(self, finder: str, seconds: float) -> None:
        DUE_SECONDS.labels(finder).observe(seconds)


def platform_of(path: str) -> str:
    return next((name for prefix, name in PLATFORMS if path.startswith(prefix)), "other")


@web.middleware
async def count_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    started, status = time.perf_counter(), 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        platform = platform_of(request.path)
        REQUESTS.labels(platform, str(status)).inc()
        ACK_SECONDS.labels(platform).observe(time.perf_counter() - started)


def mount_metrics(app: web.Application, databases: Callable[[], Sequence[Deps]]) -> None:
    """`databases`: the Deps of every database whose outbox counts (one, or every organisation's too)."""
    settings = databases()[0].settings.metrics
    token = settings.token.get_secret_value() if settings.token else None

    async def metrics(request: web.Request) -> web.Response:
        if token is not None:
            given = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if not hmac.compare_digest(given.encode(), token.encode()):
                return web.Response(status=401, text="a bearer token is needed (metrics.token)\n",
                                    headers={"WWW-Authenticate": "Bearer"})
        await measure_outbox(databases())
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get("/metrics", metrics)


async def measure_outbox(databases: Sequence[Deps]) -> None:
    """The backlog now, over every database; one out of reach leaves the last values (its outage shows on /readyz)."""
    waiting: list[tuple[int, datetime | None]] = []
    try:
        for deps in databases:
            async with deps.uow() as uow:
                waiting.append(await outbox_backlog(uow.session))
    except Exception as exc:
        log.debug("outbox backlog not measured: %s", type(exc).__name__)
        return
    BACKLOG.set(sum(count for count, _ in waiting))
    oldest = min((since for _, since in waiting if since is not None), default=None)
    OLDEST.set(0 if oldest is None else max((databases[0].clock.now() - oldest).total_seconds(), 0.0))
