"""slack_sdk's own 429 retries, counted: the client retries a refused call in place before the messenger sees it,
so without this only the 429s left after those retries reached `feedbot_rate_limited_total`."""

from __future__ import annotations

from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from adapters.metrics import RATE_LIMITED
from adapters.slack.people import PLATFORM


class CountedRateLimitRetries(AsyncRateLimitErrorRetryHandler):
    """Counts each 429 the client retries (called only when it does); the last one, not retried, is counted by
    the messenger when it turns it into a DeliveryError."""

    async def prepare_for_next_attempt_async(self, *, state: RetryState, request: HttpRequest,
                                             response: HttpResponse | None = None,
                                             error: Exception | None = None) -> None:
        RATE_LIMITED.labels(PLATFORM).inc()
        await super().prepare_for_next_attempt_async(state=state, request=request, response=response, error=error)
