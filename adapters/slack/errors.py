"""Slack's refusals, read safely (a proxy or an outage can answer with a non-JSON body)."""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError

UNREACHABLE = (TimeoutError, aiohttp.ClientError)  # no answer from Slack at all (after the client's retries)
CALL_FAILED = (SlackApiError, *UNREACHABLE)  # Slack said no, or could not be asked


def api_error(exc: Exception) -> str:
    """The `error` code of an ok:false answer (`user_not_found`), else the HTTP status, else what went wrong
    on the way (`ClientConnectorError`)."""
    if not isinstance(exc, SlackApiError):
        return type(exc).__name__
    data = exc.response.data
    error = data.get("error") if isinstance(data, dict) else None
    return str(error or f"HTTP {exc.response.status_code}")
