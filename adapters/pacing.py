"""Pacing proactive fan-out under a platform's rate limits: a per-conversation interval and an overall
budget, so a 10,000-person prompt run arrives without a storm of 429s.

Each `wait` reserves the next free slot for its conversation and for the whole budget (a Slack workspace, a
Teams tenant), then sleeps until then; slots are handed out in call order, so concurrent senders share the
budget fairly. With one process the slots are kept here; several replicas share them through a `Limiter`
(Redis or PostgreSQL, `adapters.limiters`), so the budget holds for the whole deployment.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

Slots = Sequence[tuple[str, float]]  # (budget key, seconds between two sends in it)
LATE_SECONDS = 0.02


class Limiter(Protocol):
    async def reserve(self, slots: Slots) -> float:
        """Take the first instant free in every budget of `slots`; how many seconds from now it is."""
        ...

    async def aclose(self) -> None: ...


@runtime_checkable
class Paced(Protocol):
    """A messenger whose sends are paced: it can share its budgets with the other replicas."""

    def share_pacing(self, shared: Limiter | None) -> None: ...


class LocalSlots:
    """Next free instant of each budget, in this process (on `clock`)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._next: dict[str, float] = {}

    def take(self, slots: Slots) -> float:
        now = self._clock()
        slot = max([now, *(self._next.get(key, 0.0) for key, _ in slots)])
        for key, gap in slots:
            self._next[key] = slot + gap
        if len(self._next) > 10_000:  # forget budgets whose slots are long past
            self._next = {k: v for k, v in self._next.items() if v > now}
        return slot - now

    async def reserve(self, slots: Slots) -> float:
        return self.take(slots)

    async def aclose(self) -> None:
        return None


class Pacer:
    """One budget (`budget`, e.g. "slack" or "teams:<tenant>") and its conversations."""

    def __init__(self, per_conversation: float, overall: float, clock: Callable[[], float] = time.monotonic,
                 *, budget: str = "", shared: Limiter | None = None) -> None:
        if per_conversation <= 0 or overall <= 0:
            raise ValueError("rates must be positive (messages per second)")
        self._rates = (per_conversation, overall, clock)
        self._conversation_gap = 1 / per_conversation
        self._overall_gap = 1 / overall
        # How late a wake-up may be and its slot still be used: a gap, but no less than a busy machine's usual jitter.
        self._late = max(self._overall_gap, LATE_SECONDS)
        self._budget = budget
        self._local = LocalSlots(clock)
        self._shared = shared
        self._turn = asyncio.Lock()  # the sends of this process reserve slots of this budget in turn (`wait`)

    def sibling(self, budget: str) -> Pacer:
        """The same rates under a budget of its own (another Slack workspace), shared like this one."""
        return Pacer(*self._rates, budget=budget, shared=self._shared)

    def share(self, shared: Limiter | None, budget: str) -> None:
        """Take slots from `shared` (None: this process), under the budget key `budget`."""
        self._shared, self._budget = shared, budget

    def _slots(self, conversation: str) -> Slots:
        return [(self._budget, self._overall_gap), (f"{self._budget}:{conversation}", self._conversation_gap)]

    def reserve(self, conversation: str) -> float:
        """Claim the next slot for `conversation` in this process; returns how many seconds to wait for it."""
        return self._local.take(self._slots(conversation))

    async def wait(self, conversation: str) -> None:
        """Until this send's slot. The sends a process has in flight queue here, so that it holds at most two slots
        of a budget ahead: the next is reserved one gap before the current one comes, so its reservation is in
        before it is due. Slots reserved ahead by many sends would all come due together after the process was held
        up, and arrive in a burst above the budget. For the same reason a slot the process wakes up for late (held
        up past it by more than `late`) is left unused and a new one taken — once: a process held up all the time
        still sends.
        """
        slots = self._slots(conversation)
        loop = asyncio.get_running_loop()
        for _ in range(2):
            due = await self._reserve_ahead(slots, loop)
            if due > loop.time():
                await asyncio.sleep(due - loop.time())
            if loop.time() - due <= self._late:
                return

    async def _reserve_ahead(self, slots: Slots, loop: asyncio.AbstractEventLoop) -> float:
        """A slot at most one gap beyond the one this process is about to use; when it is due, on `loop`'s clock."""
        async with self._turn:
            for _ in range(2):
                delay = await self._shared.reserve(slots) if self._shared is not None else self._local.take(slots)
                due = loop.time() + delay
                if delay <= self._overall_gap:
                    break
                await asyncio.sleep(delay - self._overall_gap)
                if loop.time() - (due - self._overall_gap) <= self._late:
                    break  # on time
        return due
