"""Two organisations on one deployment, on the wire: the fake Slack Web API with two workspaces (T1, T2), each
organisation with its own bot token, and the real server routing by workspace. Both directories hold the same
emails, so anything that crossed organisations would show."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from sqlalchemy import func, select, text

from adapters.slack.directory import link_accounts
from bot.kernel.clock import FixedClock
from bot.kernel.i18n import Catalogs
from bot.orgdir import import_people
from feedbot.organisation_settings import DeploymentSettings
from feedbot.organisations import Organisation, SlackTokens
from feedbot.serve_organisations import Deployment, start_deployment
from storage.db import Database, create_engine, is_sqlite
from tests.fakes.slack_api import ACK_DEADLINE, SIGNING_SECRET, FakeSlack, payload, signed_headers

TEAMS = {"T1": "xoxb-t1", "T2": "xoxb-t2"}
SAME_PEOPLE = """email,name,manager_email,team,timezone,locale
ana@example.com,Ana Andersson,,Apps,UTC,en
bo@example.com,Bo Berg,ana@example.com,Apps,UTC,en
admin@example.com,Ada Admin,,People,UTC,en
"""


def unique_slugs() -> tuple[str, str]:
    """Slugs of this test's own (PostgreSQL schemas are shared by every test run on the server)."""
    tag = uuid.uuid4().hex[:8]
    return f"acme_{tag}", f"bolt_{tag}"


def deployment_settings(database: Database, organisations: dict[str, Any], **extra: Any) -> DeploymentSettings:
    return DeploymentSettings.model_validate({
        "database": {"url": database.url}, "privacy": {"secret_key": "test-secret"}, "kudos": {"channel": "#kudos"},
        "organisations": organisations} | extra)


@asynccontextmanager
async def dropped_schemas(database: Database, slugs: tuple[str, ...]) -> AsyncIterator[None]:
    """PostgreSQL: drop the organisations' schemas afterwards (SQLite's files go with tmp_path)."""
    try:
        yield
    finally:
        if not is_sqlite(database.url):
            engine = create_engine(database.url)
            async with engine.begin() as connection:
                for slug in slugs:
                    await connection.execute(text(f'DROP SCHEMA IF EXISTS "org_{slug}" CASCADE'))
            await engine.dispose()


@dataclass
class TwoWorkspaces:
    fake: FakeSlack
    deployment: Deployment
    a: Organisation  # Slack workspace T1
    b: Organisation  # Slack workspace T2
    http: aiohttp.ClientSession

    @property
    def url(self) -> str:
        assert self.deployment.server is not None
        return self.deployment.server.url

    async def post(self, body: str, content_type: str) -> int:
        async with self.http.post(f"{self.url}/slack/events", data=body.encode(),
                                  headers=signed_headers(body, content_type), timeout=ACK_DEADLINE) as response:
            await response.read()
        await self.idle()
        return response.status

    async def command(self, team: str, user: str, command: str, text: str = "") -> int:
        form = payload("slash_command") | {"team_id": team, "user_id": user, "command": command, "text": text,
                                            "response_url": self.fake.response_url(f"{team}-{user}")}
        return await self.post(urlencode(form), "application/x-www-form-urlencoded")

    async def event(self, team: str, event: dict[str, Any], event_id: str) -> int:
        envelope = payload("event_callback") | {"team_id": team, "event": event, "event_id": event_id}
        return await self.post(json.dumps(envelope), "application/json")

    async def idle(self) -> None:
        for org in self.deployment.organisations.all():
            for platform in org.platforms:
                await platform.idle()  # type: ignore[attr-defined]

    def replies(self, team: str, user: str) -> str:
        return json.dumps([c.args for c in self.fake.calls if c.method == "response"
                           and c.args["url"].endswith(f"/{team}-{user}")], ensure_ascii=False)


async def count(org: Organisation, model: type) -> int:
    async with org.deps.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


@asynccontextmanager
async def two_workspaces(database: Database, clock: FixedClock, catalogs: Catalogs, directory: Path, *,
                         overlay_a: dict[str, Any] | None = None, slack_tokens: SlackTokens | None = None,
                         schedule: bool = False, **extra: Any) -> AsyncIterator[TwoWorkspaces]:
    fake = await FakeSlack().start()
    for team, token in TEAMS.items():
        fake.workspace(token, team)
    for team in TEAMS:
        for user, email, name in (("ANA", "ana@example.com", "Ana Andersson"), ("BO", "bo@example.com", "Bo Berg"),
                                  ("ADMIN", "admin@example.com", "Ada Admin")):
            fake.add_user(f"U{team[1]}{user}", email, name, team=team)
    a, b = unique_slugs()
    settings = deployment_settings(database, {
        a: {"name": "Acme", "slack_team": "T1", "slack": {"bot_token": TEAMS["T1"]},
            "org": {"admins": ["admin@example.com"]}} | (overlay_a or {}),
        b: {"name": "Bolt", "slack_team": "T2", "slack": {"bot_token": TEAMS["T2"]},
            "org": {"admins": ["admin@example.com"]}, "kudos": {"values": ["courage", "care"]}},
    }, slack={"signing_secret": SIGNING_SECRET, "api_url": fake.api_url, "messages_per_second": 1000,
              "messages_per_second_per_conversation": 1000}, **extra)
    (directory / "people.csv").write_text(SAME_PEOPLE, encoding="utf-8")
    async with dropped_schemas(database, (a, b)):
        deployment = await start_deployment(settings, database, b"test-secret", host="127.0.0.1", port=0,
                                            schedule=schedule, clock=clock, catalogs=catalogs, migrate=True,
                                            slack_tokens=slack_tokens)
        try:
            orgs = deployment.organisations
            env = TwoWorkspaces(fake, deployment, orgs.opened[a], orgs.opened[b], aiohttp.ClientSession())
            await env.idle()  # the accounts linked on start
            for org in (env.a, env.b):
                await import_people(org.deps, directory / "people.csv")
                slack = org.platform("slack")
                await link_accounts(org.deps, slack.client, org.slack_team)  # type: ignore[union-attr]
            try:
                yield env
            finally:
                await env.http.close()
        finally:
            await deployment.close()
            await fake.close()
