"""The Redis the tests use (FEEDBOT_TEST_REDIS_URL, default the local one): tests that need it skip with one line
when it does not answer, and fail instead under FEEDBOT_REQUIRE_REDIS=1 (CI)."""

from __future__ import annotations

import os
import socket
import uuid
from urllib.parse import urlsplit

import pytest

REDIS_URL = os.environ.get("FEEDBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_answers(url: str = REDIS_URL) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=0.5) as link:
            link.sendall(b"PING\r\n")
            return link.recv(16).startswith(b"+PONG")
    except OSError:
        return False


NO_REDIS = f"no Redis answers at {REDIS_URL} (set FEEDBOT_TEST_REDIS_URL, or start redis-server)"
HAS_REDIS = redis_answers()
if os.environ.get("FEEDBOT_REQUIRE_REDIS") and not HAS_REDIS:
    raise RuntimeError(f"FEEDBOT_REQUIRE_REDIS is set but {NO_REDIS}")
needs_redis = pytest.mark.skipif(not HAS_REDIS, reason=NO_REDIS)


def key_prefix() -> str:
    """Keys of one test alone (the server is shared with other tests and developers)."""
    return "feedbot-test-" + uuid.uuid4().hex[:12]
