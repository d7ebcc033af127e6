"""Editing this week's check-in, and a manager's answers to it (a reply, a topic for the next 1:1)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.core import deliver, handle_interaction
from bot.kernel.messages import Interaction
from storage.models import Delivery, OneOnOneEntry
from tests.test_checkins import LEA, MAX, answer, checkins, org

BO = "bo@example.com"


async def test_checkin_edit_reopens_this_weeks_form_prefilled(deps, console, tmp_path):
    await org(deps, tmp_path)
    await answer(console, LEA, "Shipped", "Docs", "", "2")
    out = await console.type("/checkin edit", as_=LEA)
    assert "You already checked in this week; answering again replaces it." in out
    assert "? What went well this week? [Shipped]" in out


async def test_nothing_to_edit_and_a_past_week_are_refused_clearly(deps, console, tmp_path, clock):
    await org(deps, tmp_path)
    out = await console.type("/checkin edit", as_=LEA)
    assert "You have no check-in for this week to edit. Start one with /checkin." in out
    await answer(console, LEA, "Shipped", "Docs", "", "2")
    clock.set(datetime(2026, 12, 1, 9, tzinfo=UTC))  # the next week
    assert "You have no check-in for this week to edit." in await console.type("/checkin edit", as_=LEA)
    out = await console.type("/checkin submit 2026-W48", as_=LEA)
    assert "Week 48 is over, so its check-in stays as it was sent." in out
    assert (await checkins(deps))[0][2]["well"] == "Shipped"


async def test_an_edit_before_the_manager_was_sent_it_replaces_his_copy(deps, console, tmp_path, monkeypatch):
    await org(deps, tmp_path)
    monkeypatch.setattr("adapters.console.chat.deliver", _nothing)  # the outbox has not run yet
    await answer(console, LEA, "Shipped", "Docs", "", "2")
    await answer(console, LEA, "Shipped and reviewed", "Docs", "", "4")
    monkeypatch.undo()
    out = await console.type("/checkin", as_=MAX)
    assert out.count("→ max@example.com") == 1 and "Shipped and reviewed" in out and "edited" not in out
    async with deps.uow() as uow:
        assert [d.kind for d in await uow.session.scalars(select(Delivery))] == ["checkin.shared"]


async def test_a_manager_replies_and_adds_the_checkin_to_the_next_one_on_one(deps, console, tmp_path):
    await org(deps, tmp_path)
    await answer(console, LEA, "Shipped", "Docs", "Waiting for access", "waiting on others", "2")
    out = await console.type("/checkin reply 1 Thanks, I will chase the access", as_=MAX)
    assert "Reply sent to @Lea." in out
    assert "→ lea@example.com: @Max replied to your check-in for week 48\n  Thanks, I will chase the access" in out
    out = await console.type("/checkin discuss 1", as_=MAX)
    assert "Added to the agenda of your next 1:1 with @Lea: Check-in of week 48: Waiting for access" in out
    async with deps.uow() as uow:
        topics = [(e.kind, e.text) for e in await uow.session.scalars(select(OneOnOneEntry))]
    assert topics == [("topic", "Check-in of week 48: Waiting for access")]
    assert "Check-in of week 48" in await console.type("/1on1 agenda @lea", as_=MAX)


async def test_only_the_manager_reacts(deps, console, tmp_path):
    await org(deps, tmp_path)
    await answer(console, LEA, "Shipped", "Docs", "", "2")
    for line in ("/checkin reply 1 Nice", "/checkin discuss 1"):
        assert "There is no check-in #1 of someone who reports to you." in await console.type(line, as_=BO)
    assert "Which check-in?" in await console.type("/checkin reply", as_=MAX)


async def _nothing(*args, **kwargs) -> int:
    return 0


async def test_the_managers_copy_says_how_to_answer_as_commands_are_typed_where_it_came_from(deps, console, tmp_path):
    """Teams types commands without a slash: the reply hint under a check-in sent from there has none either,
    in the first copy and in the edited one."""
    await org(deps, tmp_path)
    await console.type("/checkin", as_=LEA)  # opens the form, so Lea exists as the console's actor
    values = {"well": "Shipped", "next": "Docs", "blockers": "", "mood": "3"}
    for answers in (values, {**values, "well": "Shipped and reviewed"}):
        await handle_interaction(deps, Interaction(actor=console.chat.actor, command="checkin submit 2026-W48",
                                                   values=answers, prefix=""))
        await deliver(deps)
    out = console.out.getvalue()
    assert out.count("Answer with checkin reply 1 and your reply.") == 2
    assert "/checkin reply" not in out


async def test_enter_keeps_each_prefilled_answer_in_the_console_and_a_dash_empties_one(deps, console, tmp_path):
    await org(deps, tmp_path)
    await answer(console, LEA, "Shipped", "Docs", "Waiting for access", "waiting on others", "2")
    out = await console.type("/checkin edit", as_=LEA)
    assert "Enter keeps an answer in [brackets], - empties it" in out
    for line in ("", "Docs and tests", "", "", ""):  # well, next, blockers, its kind, mood
        await console.type(line)
    [(_, _, answers, mood, blockers, _)] = await checkins(deps)
    assert answers["well"] == "Shipped" and answers["next"] == "Docs and tests" and mood == 2
    assert blockers == "Waiting for access"
    for line in ("/checkin edit", "", "", "-", ""):  # no blockers any more: their kind is not asked
        await console.type(line, as_=LEA)
    [(_, _, answers, mood, blockers, _)] = await checkins(deps)
    assert blockers is None and answers["well"] == "Shipped" and mood == 2
