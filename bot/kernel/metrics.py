"""What the core reports for an operator's metrics (GET /metrics): outbox sends by result, tick and due finding
time. Counts and durations only — never who, never what. The core knows no metrics library: `Deps.metrics` is
whatever the composition root passes in (Prometheus, adapters/metrics.py), and nothing by default."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal, Protocol

SendResult = Literal["sent", "retried", "given_up"]  # retried: tried again later


class Metrics(Protocol):
    def delivery(self, result: SendResult) -> None:
        """One outbox send attempt ended this way."""

    def tick(self, seconds: float) -> None:
        """One scheduler tick (record what is due, send the outbox) took this long."""

    def due(self, finder: str, seconds: float) -> None:
        """Finding and building what one feature owes now (`finder`: its module) took this long."""


class NoMetrics:
    """Counts nothing: the core without an operator watching (tools, tests that do not look)."""

    def delivery(self, result: SendResult) -> None:
        pass

    def tick(self, seconds: float) -> None:
        pass

    def due(self, finder: str, seconds: float) -> None:
        pass


@contextmanager
def timed(observe: Callable[[float], None]) -> Iterator[None]:
    """Observe how long the block took, in seconds, even when it raises (as a Prometheus timer does)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        observe(time.perf_counter() - started)
