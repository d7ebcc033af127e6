"""Two Slack workspaces, two organisations, the same emails in both directories: nothing crosses."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bot.rhythm.scheduler import tick
from storage.db import Database
from storage.models import Delivery, Idea, Kudos, Organisation, Person
from tests.tenancy import TwoWorkspaces, count, two_workspaces


def tokens(env: TwoWorkspaces, method: str = "chat.postMessage") -> list[tuple[str, str]]:
    """(token, channel) of each call of `method`: which workspace's bot sent to whom."""
    return [(c.token, str(c.args.get("channel", c.args.get("users", "")))) for c in env.fake.calls
            if c.method == method]


async def test_kudos_and_ideas_stay_in_their_workspace(database: Database, clock, catalogs, tmp_path: Path) -> None:
    async with two_workspaces(database, clock, catalogs, tmp_path) as env:
        assert await env.command("T1", "U1ANA", "/kudos", "<@U1BO|bo> Thanks for the release #teamwork") == 200
        assert await count(env.a, Kudos) == 1 and await count(env.b, Kudos) == 0
        # Bo of T1 heard of it through T1's bot, never T2's, though T2 has a Bo with the same email.
        assert ("xoxb-t1", "D1BO") in tokens(env) and all(token == "xoxb-t1" for token, _ in tokens(env))

        await env.command("T2", "U2ANA", "/kudos", "<@U2BO|bo> Brave call #courage")
        assert await count(env.a, Kudos) == 1 and await count(env.b, Kudos) == 1
        await env.command("T1", "U1ANA", "/kudos", "<@U1BO|bo> Again #courage")  # T2's value, not T1's
        assert "#courage is not one of our values" in env.replies("T1", "U1ANA")  # each its own settings
        assert await count(env.a, Kudos) == 1

        await env.command("T2", "U2BO", "/idea", "Cache wheels in CI")
        await env.command("T1", "U1ANA", "/idea", "list")
        assert "Cache wheels" not in env.replies("T1", "U1ANA")
        assert await count(env.a, Idea) == 0 and await count(env.b, Idea) == 1
        # Each database has its own directory: three people each, the same emails, nobody shared.
        assert await count(env.a, Person) == await count(env.b, Person) == 3


async def test_unknown_workspace_gets_403_and_nothing_is_stored(database: Database, clock, catalogs,
                                                                tmp_path: Path) -> None:
    async with two_workspaces(database, clock, catalogs, tmp_path) as env:
        before = len(env.fake.calls)
        assert await env.command("T9", "U9ANA", "/kudos", "<@U1BO|bo> Hello") == 403
        assert len(env.fake.calls) == before
        assert await count(env.a, Kudos) == await count(env.b, Kudos) == 0


async def test_the_scheduler_prompts_both_each_through_its_own_workspace(database: Database, clock, catalogs,
                                                                         tmp_path: Path) -> None:
    async with two_workspaces(database, clock, catalogs, tmp_path) as env:
        friday = datetime(2026, 11, 27, 15, 5, tzinfo=UTC)  # the default check-in slot, in UTC
        for org in env.deployment.organisations.all():
            recorded = await tick(org.deps, friday)
            assert recorded["checkin.prompt"] == 3
        sent = tokens(env)
        assert sorted(channel for token, channel in sent if token == "xoxb-t1") == ["D1ADMIN", "D1ANA", "D1BO"]
        assert sorted(channel for token, channel in sent if token == "xoxb-t2") == ["D2ADMIN", "D2ANA", "D2BO"]
        assert await count(env.a, Delivery) == await count(env.b, Delivery) == 3
        for org in env.deployment.organisations.all():  # exactly once, per organisation
            assert not await tick(org.deps, friday)
        # The main database holds the registry only.
        async with database.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(Organisation)) == 2
            assert await session.scalar(select(func.count()).select_from(Person)) == 0
