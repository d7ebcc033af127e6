"""Proactive messages: scheduler prompts by DM, a 429 storm (nothing lost, nothing twice), people Slack
no longer reaches, and views far beyond Block Kit's limits split into messages Slack accepts."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.core import deliver
from bot.kernel.outbox import Address, Recipient
from bot.kernel.views import Button, Buttons, Chart, Fields, Text, View
from bot.orgdir import import_people
from bot.rhythm.scheduler import tick
from storage.models import Delivery
from tests.fakes.slack_api import FakeSlack, SlackEnv, running_slack

FRIDAY = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # check-in prompts, default Friday 15:00 local (UTC here)
PEOPLE = 12


def org(size: int) -> str:
    rows = ["email,name,manager_email,team,timezone,locale", "boss@example.com,The Boss,,Apps,UTC,en"]
    rows += [f"p{n}@example.com,Person {n},boss@example.com,Apps,UTC,en" for n in range(size)]
    return "\n".join(rows) + "\n"


async def everyone_says_hello(env: SlackEnv, tmp_path, size: int = PEOPLE) -> None:
    (tmp_path / "org.csv").write_text(org(size), encoding="utf-8")
    await import_people(env.deps, tmp_path / "org.csv")
    for n in range(size):
        env.fake.add_user(f"U{n:04d}", f"p{n}@example.com", f"Person {n}", tz="UTC")
        await env.command("/feedbot", "help", user=f"U{n:04d}")
    env.fake.clear()


async def statuses(env: SlackEnv) -> Counter[str]:
    async with env.deps.uow() as uow:
        return Counter((await uow.session.scalars(select(Delivery.status))).all())


async def test_a_scheduler_tick_prompts_everyone_by_dm_once(database, clock, catalogs, tmp_path) -> None:
    async with running_slack(database, clock, catalogs) as env:
        await everyone_says_hello(env, tmp_path)
        await tick(env.deps, FRIDAY)
        await tick(env.deps, FRIDAY + timedelta(minutes=1))  # a second tick sends nothing again
        posts = env.fake.called("chat.postMessage")
        assert sorted(p["channel"] for p in posts) == sorted(f"D{n:04d}" for n in range(PEOPLE))
        button = next(e for b in posts[0]["blocks"] if b["type"] == "actions" for e in b["elements"])
        assert button["value"].startswith("checkin ")
        await env.press(button["value"], user="U" + posts[0]["channel"][1:])
        assert env.fake.called("views.open"), "the prompt's button opens the check-in modal"


async def test_people_in_the_org_file_are_linked_at_start_and_prompted_before_they_say_hello(
        database, clock, catalogs, tmp_path) -> None:
    async with running_slack(database, clock, catalogs) as env:
        (tmp_path / "org.csv").write_text(org(3), encoding="utf-8")
        await import_people(env.deps, tmp_path / "org.csv")

    def workspace(fake: FakeSlack) -> None:
        for n in range(3):
            fake.add_user(f"U{n:04d}", f"P{n}@Example.com", f"Person {n}", tz="UTC")
        fake.add_user("U0STRANGER", "stranger@example.com", "Not In The Org File")

    async with running_slack(database, clock, catalogs, setup=workspace) as env:  # a restart links them
        await env.platform.idle()
        await tick(env.deps, FRIDAY)
        assert sorted(p["channel"] for p in env.fake.called("chat.postMessage")) == ["D0000", "D0001", "D0002"]
        async with env.deps.uow() as uow:
            assert await uow.people.by_email("stranger@example.com") is None  # only known people are linked


async def test_a_429_storm_loses_nothing_and_sends_nothing_twice(database, clock, catalogs, tmp_path) -> None:
    async with running_slack(database, clock, catalogs, rate_limit_retries=1) as env:
        await everyone_says_hello(env, tmp_path)
        # Two refusals a send: each is refused, retried in place, refused again (in whatever order the sends in
        # flight take them).
        env.fake.rate_limit("chat.postMessage", times=2 * PEOPLE, retry_after=0)
        await tick(env.deps, FRIDAY)
        assert (await statuses(env))["pending"] == PEOPLE  # back in the outbox, with a time to try again
        clock.set(FRIDAY + timedelta(hours=2))
        await deliver(env.deps)
        delivered = Counter(p["channel"] for p in env.fake.called("chat.postMessage"))
        assert delivered == Counter({f"D{n:04d}": 1 for n in range(PEOPLE)})  # each exactly once
        assert len(env.fake.called("chat.postMessage", refused=True)) == 2 * PEOPLE
        assert (await statuses(env))["sent"] == PEOPLE


async def test_someone_who_left_is_marked_unreachable_and_not_retried(database, clock, catalogs,
                                                                      tmp_path) -> None:
    async with running_slack(database, clock, catalogs) as env:
        await everyone_says_hello(env, tmp_path, size=2)
        env.fake.fail("chat.postMessage", "account_inactive")
        await tick(env.deps, FRIDAY)
        # Failed at once, not retried: the one who left, and the boss, who never used Slack.
        assert (await statuses(env)) == Counter({"failed": 2, "sent": 1})
        async with env.deps.uow() as uow:
            gone = [(await uow.people.account("slack", "T0FEED", f"U{n:04d}")).unreachable_at for n in range(2)]
        assert gone.count(None) == 1
        env.fake.clear()
        await tick(env.deps, FRIDAY + timedelta(days=7))  # next week only the one still here is asked
        assert len(env.fake.called("chat.postMessage")) == 1 and env.fake.called("chat.postMessage", refused=True) == []


async def test_a_huge_view_is_split_into_messages_within_block_kit_limits(database, clock, catalogs) -> None:
    huge = View(title="Weekly digest " + "x" * 200, blocks=[
        Text(text="Long blockers\n" + "\n".join(f"Person {n}: blocked by a very long story " * 3 for n in range(200))),
        Fields(fields=[(f"Goal {n}", f"{n}%") for n in range(45)]),
        Buttons(buttons=[Button(label=f"Idea {n} " + "y" * 80, command=f"idea show {n}") for n in range(60)]),
        *[Text(text=f"Section {n}") for n in range(150)],
        Chart(title="Mood", labels=["W1", "W2"], series=[("mood", [3.0, 4.0])], low=1, high=5)])
    async with running_slack(database, clock, catalogs) as env:
        recipient = Recipient(email="a@example.com", accounts=[Address("slack", "T0FEED", "U0A", {"channel": "D0A"})])
        await env.platform.messenger.send(recipient, huge)
        posts = env.fake.called("chat.postMessage")
        assert 2 <= len(posts) <= 4
        for post in posts:
            blocks = post["blocks"]
            assert len(blocks) <= 50 and 0 < len(post["text"]) <= 3000
            assert sum(len(b.get("text", {}).get("text", "")) for b in blocks) <= 12_000
            for block in blocks:
                if block["type"] == "section":
                    assert len(block.get("text", {}).get("text", "")) <= 3000 and len(block.get("fields", [])) <= 10
                if block["type"] == "actions":
                    assert len(block["elements"]) <= 25
                    assert all(len(e["text"]["text"]) <= 75 for e in block["elements"])
                if block["type"] == "header":
                    assert len(block["text"]["text"]) <= 150
        assert "does not fit" in json.dumps(posts[-1]["blocks"])  # what is cut is said, not dropped silently
        assert len(env.fake.called("files.completeUploadExternal")) == 1  # the chart still comes, as an image
