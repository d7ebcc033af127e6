""""Add to Slack" in front of several organisations, on the wire: the real deployment server on loopback, the install
pages driven like a browser, the fake Slack Web API granting each workspace its token. Both workspaces have people
with the same emails, so anything that crossed organisations would show."""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from adapters.console.chat import ConsoleMessenger
from adapters.slack.directory import link_accounts
from bot.kernel.sealing import Sealer
from bot.orgdir import import_people
from bot.rhythm.record import run_due
from bot.rhythm.scheduler import tick
from feedbot.commands_organisations import chosen, run_due_all
from feedbot.organisations import Organisation, Organisations, installed_slug
from feedbot.serve_organisations import Deployment, start_deployment
from storage.db import Database, is_sqlite
from storage.models import AppInstall, Delivery, Kudos, Person
from storage.models import Organisation as Registered
from tests.fakes.slack_api import SIGNING_SECRET, FakeSlack
from tests.slack_install_pages import AUTHORIZE, callback, start_install
from tests.tenancy import SAME_PEOPLE, TwoWorkspaces, count, deployment_settings, dropped_schemas, unique_slugs

FRIDAY = datetime(2026, 11, 27, 15, 5, tzinfo=UTC)  # the default check-in slot, in UTC
PEOPLE = (("ANA", "ana@example.com", "Ana Andersson"), ("BO", "bo@example.com", "Bo Berg"),
          ("ADMIN", "admin@example.com", "Ada Admin"))


@dataclass
class Installing:
    fake: FakeSlack
    deployment: Deployment
    http: aiohttp.ClientSession
    teams: tuple[str, str]  # workspace 1 and 2; their people are U1ANA … and U2ANA …
    people: Path

    @property
    def url(self) -> str:
        assert self.deployment.server is not None
        return self.deployment.server.url

    async def install(self, n: int, token: str) -> tuple[int, str]:
        """Workspace `n`'s admin adds feedbot: the install page, Slack's grant, the callback."""
        code = f"code-{token}"
        self.fake.grant(code, self.teams[n - 1], f"Team {n}", token, installer=f"U{n}ADMIN")
        state = await start_install(self.http, self.url)
        status, page = await callback(self.http, self.url, state, code=code, state=state)
        await self.chat().idle()
        return status, page

    async def add_people(self) -> None:
        """The same directory in every organisation, each linked to its own workspace's accounts by email."""
        for org in self.deployment.organisations.all():
            await import_people(org.deps, self.people)
            await link_accounts(org.deps, org.platform("slack").client, org.slack_team)  # type: ignore[union-attr]

    def org(self, n: int) -> Organisation | None:
        return self.deployment.organisations.find("slack", self.teams[n - 1])

    def chat(self) -> TwoWorkspaces:
        """Slack's requests to both workspaces' organisations (tests/tenancy.py)."""
        one, two = self.org(1), self.org(2)
        return TwoWorkspaces(self.fake, self.deployment, one, two, self.http)  # type: ignore[arg-type]

    async def main(self, model: type) -> list[Any]:
        async with self.deployment.organisations.main.transaction() as session:
            return list(await session.scalars(select(model)))


@asynccontextmanager
async def add_to_slack(database: Database, clock: Any, catalogs: Any, tmp_path: Path,
                       **extra: Any) -> AsyncIterator[Installing]:
    tag = uuid.uuid4().hex[:8].upper()  # workspaces (so schemas) of this test's own on a shared PostgreSQL
    teams = (f"T{tag}1", f"T{tag}2")
    fake = await FakeSlack().start()
    for n, team in enumerate(teams, 1):
        for user, email, name in PEOPLE:
            fake.add_user(f"U{n}{user}", email, name, tz="UTC", team=team)
    extra = {"tenancy": {"auto_create": True}} | extra
    settings = deployment_settings(database, extra.pop("organisations", {}), **extra,
                                   slack={"signing_secret": SIGNING_SECRET, "api_url": fake.api_url,
                                          "client_id": "1.2", "client_secret": "client-secret",
                                          "authorize_url": AUTHORIZE, "messages_per_second": 1000,
                                          "messages_per_second_per_conversation": 1000})
    (tmp_path / "people.csv").write_text(SAME_PEOPLE, encoding="utf-8")
    async with dropped_schemas(database, (*settings.organisations, *(installed_slug("slack", t) for t in teams))):
        deployment = await start_deployment(settings, database, b"test-secret", host="127.0.0.1", port=0,
                                            schedule=False, clock=clock, catalogs=catalogs, migrate=True)
        try:
            async with aiohttp.ClientSession() as http:
                yield Installing(fake, deployment, http, teams, tmp_path / "people.csv")
        finally:
            await deployment.close()
            await fake.close()


async def test_two_workspaces_add_feedbot_and_become_two_organisations_that_share_nothing(
        database: Database, clock, catalogs, tmp_path: Path) -> None:
    async with add_to_slack(database, clock, catalogs, tmp_path) as env:
        assert (await env.install(1, "xoxb-one"))[0] == 200
        status, page = await env.install(2, "xoxb-two")
        assert status == 200 and "Team 2" in page
        one, two = env.org(1), env.org(2)
        assert one is not None and two is not None
        namespaces = {row.slack_team: row.namespace for row in await env.main(Registered)}
        assert len(set(namespaces.values())) == 2 and set(namespaces) == set(env.teams)
        # The installer (read with the new token) is each organisation's admin.
        assert one.deps.settings.org.admins == two.deps.settings.org.admins == ["admin@example.com"]
        assert {(c.args["user"], c.token) for c in env.fake.calls if c.method == "users.info"} >= {
            ("U1ADMIN", "xoxb-one"), ("U2ADMIN", "xoxb-two")}
        # The installs are the deployment's: in the main database, sealed with its key; none in an organisation's.
        installs = {row.team_id: row for row in await env.main(AppInstall)}
        assert set(installs) == set(env.teams) and all("xoxb" not in (r.bot_token or "") for r in installs.values())
        assert Sealer(b"test-secret").unseal_untimed(installs[env.teams[0]].bot_token or "") == b"xoxb-one"
        assert await count(one, AppInstall) == await count(two, AppInstall) == 0

        await env.add_people()
        chat = env.chat()
        env.fake.clear()
        assert await chat.command(env.teams[0], "U1ANA", "/kudos", "<@U1BO|bo> Thanks for the release #teamwork") == 200
        assert await count(one, Kudos) == 1 and await count(two, Kudos) == 0
        sent = [(c.token, c.args["channel"]) for c in env.fake.calls if c.method == "chat.postMessage"]
        assert ("xoxb-one", "D1BO") in sent and all(token == "xoxb-one" for token, _ in sent)
        assert await chat.command(env.teams[1], "U2BO", "/feedbot", "help") == 200  # Bo of workspace 2: served there
        assert "Thanks for the release" not in chat.replies(env.teams[1], "U2BO")
        assert await count(one, Person) == await count(two, Person) == 3 and await env.main(Person) == []


async def test_a_forged_or_replayed_state_gets_400_and_makes_no_organisation(database: Database, clock, catalogs,
                                                                               tmp_path: Path) -> None:
    async with add_to_slack(database, clock, catalogs, tmp_path) as env:
        env.fake.grant("code-1", env.teams[0], "Team 1", "xoxb-one", installer="U1ADMIN")
        forged = "x" * 43
        assert (await callback(env.http, env.url, forged, code="code-1", state=forged))[0] == 400
        state = await start_install(env.http, env.url)
        assert (await callback(env.http, env.url, code="code-1", state=state))[0] == 400  # another browser
        assert await env.main(AppInstall) == [] and await env.main(Registered) == []
        assert env.fake.called("oauth.v2.access") == [] and env.org(1) is None

        assert (await callback(env.http, env.url, state, code="code-1", state=state))[0] == 200
        assert (await callback(env.http, env.url, state, code="code-1", state=state))[0] == 400  # replayed
        assert len(await env.main(AppInstall)) == len(await env.main(Registered)) == 1
        assert len(env.fake.called("oauth.v2.access")) == 1


async def test_a_workspace_no_organisation_is_for_is_refused_without_auto_create(database: Database, clock, catalogs,
                                                                                 tmp_path: Path) -> None:
    slug, _ = unique_slugs()
    async with add_to_slack(database, clock, catalogs, tmp_path, tenancy={"auto_create": False},
                            organisations={slug: {"name": "Acme"}}) as env:
        status, page = await env.install(2, "xoxb-two")
        assert status == 403 and "may not install feedbot" in page
        assert await env.main(AppInstall) == [] and env.org(2) is None
        assert env.fake.tokens("auth.revoke") == ["xoxb-two"]  # the token it was just given, given back
        assert [row.slug for row in await env.main(Registered)] == [slug]


async def test_a_configured_organisation_gets_its_token_from_the_install(database: Database, clock, catalogs,
                                                                         tmp_path: Path) -> None:
    slug, _ = unique_slugs()
    async with add_to_slack(database, clock, catalogs, tmp_path, tenancy={"auto_create": False},
                            organisations={slug: {"name": "Acme", "slack_team": "T0PENDING"}}) as env:
        env.teams = ("T0PENDING", env.teams[1])
        env.fake.add_user("U1ANA", "ana@example.com", "Ana Andersson", tz="UTC", team="T0PENDING")
        env.fake.add_user("U1ADMIN", "admin@example.com", "Ada Admin", tz="UTC", team="T0PENDING")
        waiting = env.org(1)
        assert waiting is not None and waiting.platform("slack") is None  # no token yet: no Slack, no OAuth of its own
        assert (await env.install(1, "xoxb-acme"))[0] == 200
        acme = env.org(1)
        assert acme is not None and acme.slug == slug and acme.platform("slack") is not None
        assert await env.chat().command("T0PENDING", "U1ANA", "/feedbot", "help") == 200
        assert "xoxb-acme" in env.fake.tokens("users.info")


async def test_an_uninstalled_workspace_is_suspended_with_its_data_and_resumes_when_installed_again(
        database: Database, clock, catalogs, tmp_path: Path) -> None:
    async with add_to_slack(database, clock, catalogs, tmp_path) as env:
        await env.install(1, "xoxb-one")
        await env.install(2, "xoxb-two")
        one = env.org(1)
        assert one is not None
        await env.add_people()
        chat = env.chat()
        await chat.command(env.teams[0], "U1ANA", "/kudos", "<@U1BO|bo> Thanks for the release #teamwork")
        assert sum((await run_due(one.deps, FRIDAY)).values()) == 3  # check-in prompts, waiting in the outbox
        users_only = {"type": "tokens_revoked", "tokens": {"oauth": ["U1ANA"]}}
        assert await chat.event(env.teams[0], users_only, "EvUSERS") == 200
        assert env.org(1) is one  # the bot's token still works

        env.fake.clear()
        assert await chat.event(env.teams[0], {"type": "app_uninstalled"}, "EvGONE") == 200
        assert env.deployment.installs is not None
        await env.deployment.installs.idle()
        assert env.org(1) is None
        registered = {row.slack_team: row.status for row in await env.main(Registered)}
        assert registered == {env.teams[0]: "suspended", env.teams[1]: "active"}
        install = next(row for row in await env.main(AppInstall) if row.team_id == env.teams[0])
        assert install.revoked_at is not None and install.bot_token is None
        assert await chat.command(env.teams[0], "U1ANA", "/feedbot", "help") == 403  # nothing received
        assert await chat.command(env.teams[1], "U2ANA", "/feedbot", "help") == 200  # the other carries on
        # Nothing sent to the uninstalled workspace: no prompt, no reply.
        assert {c.token for c in env.fake.calls if c.method != "response"} == {"xoxb-two"}
        assert chat.replies(env.teams[0], "U1ANA") == "[]" and chat.replies(env.teams[1], "U2ANA") != "[]"
        assert await kudos_an_admin_can_still_reach(env, one.slug) == 1


        assert (await env.install(1, "xoxb-one-again"))[0] == 200
        again = env.org(1)
        assert again is not None and again.slug == one.slug
        assert await count(again, Kudos) == 1 and await count(again, Person) == 3  # the same namespace, intact
        async with again.deps.uow() as uow:
            waiting = list(await uow.session.scalars(select(Delivery.status).where(Delivery.kind == "checkin.prompt")))
        assert waiting == ["pending"] * 3
        env.fake.clear()
        await tick(again.deps, FRIDAY)  # what waited goes out now, with the new token
        sent = sorted((c.token, c.args["channel"]) for c in env.fake.calls if c.method == "chat.postMessage")
        assert sent == [("xoxb-one-again", "D1ADMIN"), ("xoxb-one-again", "D1ANA"), ("xoxb-one-again", "D1BO")]


async def kudos_an_admin_can_still_reach(env: Installing, slug: str) -> int:
    """What `feedbot export/erase --org` opens: a suspended organisation too, when named (never in the tick)."""
    organisations = Organisations(env.deployment.organisations.settings, env.deployment.organisations.main,
                                  b"test-secret", messenger=ConsoleMessenger(sys.stderr))
    assert slug not in await organisations.slugs() and await chosen(organisations, slug, suspended=True) == slug
    try:
        await organisations.open(only=slug)
        assert organisations.all() == []
        await organisations.open(only=slug, suspended=True)
        return await count(organisations.all()[0], Kudos)
    finally:
        await organisations.close()


async def test_run_due_sends_with_each_installed_workspaces_token(database: Database, clock, catalogs, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    async with add_to_slack(database, clock, catalogs, tmp_path) as env:
        await env.install(1, "xoxb-one")
        await env.install(2, "xoxb-two")
        await env.add_people()
        env.fake.clear()
        args = argparse.Namespace(at=FRIDAY.isoformat(), org=None)
        # SQLite: opened from database.url, as `feedbot run-due` does; PostgreSQL: the fixture's schema, given.
        main = None if is_sqlite(database.url) else database
        assert await run_due_all(env.deployment.organisations.settings, args, None, main=main) == 0
        assert capsys.readouterr().out.count("3 checkin.prompt") == 2
        sent = sorted((c.token, c.args["channel"]) for c in env.fake.calls if c.method == "chat.postMessage")
        assert sent == [(token, f"D{n}{who}") for n, token in ((1, "xoxb-one"), (2, "xoxb-two"))
                        for who in ("ADMIN", "ANA", "BO")]


async def test_a_token_slack_refuses_suspends_its_organisation_like_an_uninstall(database: Database, clock, catalogs,
                                                                                tmp_path: Path) -> None:
    """The app_uninstalled event went to another replica (or nowhere): the first refused send says the same."""
    async with add_to_slack(database, clock, catalogs, tmp_path) as env:
        await env.install(1, "xoxb-one")
        one = env.org(1)
        assert one is not None
        await env.add_people()
        env.fake.dead.add("xoxb-one")
        await tick(one.deps, FRIDAY)
        assert env.deployment.installs is not None
        await env.deployment.installs.idle()
        assert env.org(1) is None and [row.status for row in await env.main(Registered)] == ["suspended"]
        assert [row.revoked_at is not None for row in await env.main(AppInstall)] == [True]
        async with one.deps.uow() as uow:  # refused: given up, not retried with a dead token; the rest wait
            statuses = set(await uow.session.scalars(select(Delivery.status)))
        assert "failed" in statuses and statuses <= {"failed", "pending"}


async def test_another_replica_serves_a_workspace_installed_after_it_started(database: Database, clock, catalogs,
                                                                            tmp_path: Path) -> None:
    """Replicas read the registry at start; a workspace installed through another replica is found in the registry
    on its first request, not refused until a restart. A workspace no organisation serves stays refused."""
    async with add_to_slack(database, clock, catalogs, tmp_path) as env:
        main = env.deployment.organisations
        replica = Organisations(main.settings, main.main, b"test-secret", clock=clock, catalogs=catalogs,
                                messenger=ConsoleMessenger(sys.stderr))
        await replica.open()  # before the install: it serves nobody yet
        try:
            assert replica.all() == [] and await replica.resolve("slack", env.teams[0]) is None
            status, _ = await env.install(1, "xoxb-one")
            assert status == 200
            # The miss just now is remembered for a while (strangers do not each read the registry) …
            assert await replica.resolve("slack", env.teams[0]) is None
            replica._misses.clear()  # … and then the registry is read again
            found = await replica.resolve("slack", env.teams[0])
            assert found is not None and found.slug == env.org(1).slug  # type: ignore[union-attr]
            assert await replica.resolve("slack", env.teams[0]) is found  # opened once
            assert await replica.resolve("slack", "T0STRANGER") is None
        finally:
            await replica.close()
