"""The pacer hands out send slots under a per-conversation and an overall rate."""

from __future__ import annotations

import asyncio
import time

import pytest

from adapters.pacing import LocalSlots, Pacer, Slots


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_one_conversation_gets_one_message_per_interval():
    time = FakeTime()
    pacer = Pacer(per_conversation=1, overall=100, clock=time)
    assert [pacer.reserve("D1") for _ in range(3)] == [0, 1, 2]


def test_the_overall_budget_spaces_different_conversations():
    time = FakeTime()
    pacer = Pacer(per_conversation=1, overall=4, clock=time)
    assert [pacer.reserve(f"D{n}") for n in range(5)] == [0, 0.25, 0.5, 0.75, 1.0]


def test_slots_free_up_as_time_passes():
    time = FakeTime()
    pacer = Pacer(per_conversation=1, overall=10, clock=time)
    pacer.reserve("D1")
    time.now += 5
    assert pacer.reserve("D1") == 0


def test_a_fan_out_of_many_people_takes_the_overall_budget_not_more():
    time = FakeTime()
    pacer = Pacer(per_conversation=1, overall=50, clock=time)
    waits = [pacer.reserve(f"D{n}") for n in range(10_000)]
    assert waits[-1] == pytest.approx(9_999 / 50)
    assert waits == sorted(waits)


def test_rates_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        Pacer(per_conversation=0, overall=1)


class Counted:
    """A shared budget (slots on the event loop's clock, first one `busy_for` ahead) that counts how many sends of
    this process held an unfinished slot each time one more was reserved."""

    def __init__(self, busy_for: float) -> None:
        self.slots = LocalSlots(asyncio.get_running_loop().time)
        self.slots.take([("slack", busy_for)])
        self.holding = 0
        self.held_at_reserve: list[int] = []

    async def reserve(self, slots: Slots) -> float:
        self.held_at_reserve.append(self.holding)
        self.holding += 1
        return self.slots.take(slots)

    async def aclose(self) -> None:
        return None


async def test_sends_in_flight_hold_at_most_two_slots_ahead() -> None:
    """Many sends waiting at once (the outbox's sends in flight) do not all reserve slots ahead: after the process
    was held up, those would all come due together and reach the platform in a burst above its budget."""
    budget = Counted(busy_for=0.1)
    pacer = Pacer(per_conversation=20, overall=20, budget="slack", shared=budget)  # a gap of 50 ms

    async def send(conversation: str) -> None:
        await pacer.wait(conversation)
        budget.holding -= 1

    await asyncio.gather(*(send(f"D{n}") for n in range(6)))
    assert len(budget.held_at_reserve) == 6
    assert max(budget.held_at_reserve) == 1  # the one coming due, and this one


class Recorded:
    """This process's slots (on the loop's clock), each reservation's instant kept."""

    def __init__(self) -> None:
        self.clock = asyncio.get_running_loop().time
        self.slots = LocalSlots(self.clock)
        self.instants: list[float] = []

    async def reserve(self, slots: Slots) -> float:
        delay = self.slots.take(slots)
        self.instants.append(self.clock() + delay)
        return delay

    async def aclose(self) -> None:
        return None


async def test_a_slot_woken_up_for_late_is_left_unused_and_a_new_one_taken() -> None:
    """A process held up past its slot (a busy machine, a long collection) does not send late, among the slots other
    replicas took after its own: a few such sends together were a burst above the budget. It takes a new slot."""
    budget = Recorded()
    budget.slots.take([("teams:t", 0.1)])  # the next 100 ms are other replicas'
    pacer = Pacer(per_conversation=20, overall=20, budget="teams:t", shared=budget)  # a gap of 50 ms

    async def held_up() -> None:
        await asyncio.sleep(0.07)  # after the slot was reserved, before it comes
        time.sleep(0.25)  # the process held up, on purpose

    holder = asyncio.create_task(held_up())
    await pacer.wait("a")
    sent = budget.clock()
    await holder
    first, *later = budget.instants
    assert sent - first > 0.1  # woken up well past its first slot…
    assert later and later[-1] <= sent + 0.001  # …it sent in a slot taken afterwards
