"""Slack's refusals, read safely (a proxy or an outage can answer with a non-JSON body)."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError


def api_error(exc: SlackApiError) -> str:
    """The `error` code of an ok:false answer (`user_not_found`), else the HTTP status."""
    data = exc.response.data
    error = data.get("error") if isinstance(data, dict) else None
    return str(error or f"HTTP {exc.response.status_code}")
