"""What the rhythm counts for GET /metrics (Prometheus, `adapters.metrics`): deliveries by result, tick and due
finding time. Counts and durations only — never who, never what."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

DELIVERIES = Counter("feedbot_deliveries", "Outbox sends by result: sent, retried (tried again later), given_up",
                     ["result"])
TICK_SECONDS = Histogram("feedbot_tick_seconds", "One scheduler tick: record what is due, send the outbox",
                         buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300))
DUE_SECONDS = Histogram("feedbot_due_build_seconds", "Finding and building what one feature owes now (the "
                        "weekly digest: finder bot.digest.weekly)", ["finder"],
                        buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
