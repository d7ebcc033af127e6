"""The id on the log lines of one piece of work (the JSON log's `request_id`): a request's, set by the server
(adapters/request_id.py), or a scheduler tick's, set by the tick itself. Ids only: never who, never what."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

REQUEST_ID: ContextVar[str | None] = ContextVar("feedbot_request_id", default=None)


@contextmanager
def logged_as(work_id: str | None) -> Iterator[None]:
    """Log lines written inside carry `work_id`."""
    token = REQUEST_ID.set(work_id)
    try:
        yield
    finally:
        REQUEST_ID.reset(token)


def new_id(prefix: str = "") -> str:
    return prefix + uuid.uuid4().hex[:16]
