"""Pacing proactive fan-out under a platform's rate limits: a per-conversation interval and an overall
budget, so a 10,000-person prompt run arrives without a storm of 429s.

Each `wait` reserves the next free slot for its conversation and for the whole bot, then sleeps until
then; slots are handed out in call order, so concurrent senders share the budget fairly.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class Pacer:
    def __init__(self, per_conversation: float, overall: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if per_conversation <= 0 or overall <= 0:
            raise ValueError("rates must be positive (messages per second)")
        self._conversation_gap = 1 / per_conversation
        self._overall_gap = 1 / overall
        self._clock = clock
        self._next_overall = 0.0
        self._next_by_conversation: dict[str, float] = {}

    def reserve(self, conversation: str) -> float:
        """Claim the next slot for `conversation`; returns how many seconds to wait for it."""
        now = self._clock()
        slot = max(now, self._next_overall, self._next_by_conversation.get(conversation, 0.0))
        self._next_overall = slot + self._overall_gap
        self._next_by_conversation[conversation] = slot + self._conversation_gap
        if len(self._next_by_conversation) > 10_000:  # forget conversations whose slots are long past
            self._next_by_conversation = {k: v for k, v in self._next_by_conversation.items() if v > now}
        return slot - now

    async def wait(self, conversation: str) -> None:
        delay = self.reserve(conversation)
        if delay > 0:
            await asyncio.sleep(delay)
