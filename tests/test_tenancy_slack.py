"""Two Slack workspaces, two organisations, the same emails in both directories: nothing crosses."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from adapters.slack.shapes import workspace_of
from bot.rhythm.record import run_due
from bot.rhythm.scheduler import tick
from feedbot.organisations import installed_slug
from storage.db import Database
from storage.migrate import downgrade
from storage.models import Delivery, Idea, Kudos, Organisation, Person
from tests.fakes.slack_api import payload
from tests.tenancy import TwoWorkspaces, count, dropped_schemas, two_workspaces


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


async def test_an_install_creates_an_organisation_with_the_installer_as_admin(database: Database, clock, catalogs,
                                                                              tmp_path: Path) -> None:
    async def installed_tokens(team: str) -> str | None:  # what the OAuth install store would answer
        return {"T3": "xoxb-t3"}.get(team)

    async with dropped_schemas(database, (installed_slug("slack", "T3"),)), \
            two_workspaces(database, clock, catalogs, tmp_path, tenancy={"auto_create": True},
                           slack_tokens=installed_tokens) as env:
        env.fake.workspace("xoxb-t3", "T3", "Cobalt")
        env.fake.add_user("U3BOSS", "boss@cobalt.example", "Boss", team="T3")
        organisations = env.deployment.organisations
        cobalt = await organisations.install("slack", "T3", "Cobalt", " Boss@Cobalt.example ")
        assert cobalt.deps.settings.org.admins == ["boss@cobalt.example"]
        assert await env.command("T3", "U3BOSS", "/feedbot", "help") == 200  # served through its own token
        assert any(c.token == "xoxb-t3" for c in env.fake.calls if c.method == "users.info")
        assert await organisations.resolve("slack", "T3") is cobalt and await count(cobalt, Person) == 1
        async with database.transaction() as session:
            row = await session.scalar(select(Organisation).where(Organisation.slack_team == "T3"))
        assert row is not None and (row.name, row.installer_email, row.status) == (
            "Cobalt", "boss@cobalt.example", "active")
        await organisations.suspend("slack", "T3")  # uninstalled: not served, data kept
        assert await organisations.resolve("slack", "T3") is None
        again = await organisations.install("slack", "T3", "Cobalt", None)
        assert again.slug == cobalt.slug and again.deps.settings.org.admins == ["boss@cobalt.example"]


async def test_without_auto_create_an_install_is_refused(database: Database, clock, catalogs, tmp_path: Path) -> None:
    async with two_workspaces(database, clock, catalogs, tmp_path) as env:
        with pytest.raises(PermissionError, match="auto_create is off"):
            await env.deployment.organisations.install("slack", "T3", "Cobalt", "boss@cobalt.example")
        async with database.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(Organisation)) == 2


async def test_each_organisation_ticks_on_its_own_until_it_is_suspended(database: Database, clock, catalogs,
                                                                         tmp_path: Path) -> None:
    async with two_workspaces(database, clock, catalogs, tmp_path, schedule=True) as env:
        schedulers = env.deployment.schedulers
        assert sorted(schedulers) == sorted([env.a.slug, env.b.slug])
        ticking = schedulers[env.a.slug]
        await env.deployment.organisations.suspend("slack", "T1")
        assert sorted(schedulers) == [env.b.slug] and not ticking.running
        assert await env.command("T1", "U1ANA", "/feedbot", "help") == 403  # suspended: not served


async def test_readyz_and_metrics_look_at_every_organisation(database: Database, clock, catalogs,
                                                              tmp_path: Path) -> None:
    async with two_workspaces(database, clock, catalogs, tmp_path) as env:
        await run_due(env.b.deps, datetime(2026, 11, 27, 15, 5, tzinfo=UTC))  # recorded, not sent yet
        async with env.http.get(f"{env.url}/metrics") as response:
            assert "feedbot_outbox_backlog 3.0" in await response.text()
        async with env.http.get(f"{env.url}/readyz") as response:
            assert response.status == 200
        await downgrade(env.b.db.engine, "0012")  # one organisation's namespace left behind by an upgrade
        async with env.http.get(f"{env.url}/readyz") as response:
            assert response.status == 503
            assert (await response.json())["reason"].startswith(f"organisation {env.b.slug}: ")


def test_the_workspace_of_each_kind_of_slack_request() -> None:
    form = "application/x-www-form-urlencoded"
    assert workspace_of(urlencode(payload("slash_command") | {"team_id": "T1"}).encode(), form) == "T1"
    for name in ("block_actions", "view_submission"):
        body = payload(name)
        body["team"] = {"id": "T2", "domain": "bolt"}
        assert workspace_of(urlencode({"payload": json.dumps(body)}).encode(), form) == "T2"
    event = payload("event_callback") | {"team_id": "T3"}
    assert workspace_of(json.dumps(event).encode(), "application/json") == "T3"
    assert workspace_of(json.dumps(payload("url_verification")).encode(), "application/json") == ""
    assert workspace_of(b"\xff not utf-8", form) == ""
