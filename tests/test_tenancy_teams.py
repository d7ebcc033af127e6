"""Teams as a multi-tenant app in front of two organisations: each tenant's people and conversations kept apart, and
a tenant no organisation serves refused with 403 before anything is stored or sent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from feedbot.organisations import installed_slug
from feedbot.serve_organisations import Deployment, start_deployment
from storage.db import Database
from storage.models import InboundEvent, Kudos, Organisation, Person
from tests.fakes.openid import FakeOpenId
from tests.fakes.teams_connector import APP_ID, APP_PASSWORD, FakeConnector, TeamsHarness, user
from tests.tenancy import count, deployment_settings, dropped_schemas, unique_slugs

TENANT_A = "aaaaaaaa-0000-0000-0000-00000000000a"
TENANT_B = "bbbbbbbb-0000-0000-0000-00000000000b"
STRANGER = "cccccccc-0000-0000-0000-00000000000c"
BO = user("Bo Ek", "bo@example.com", 1)
ANA = user("Ana Berg", "ana@example.com", 2)


class Tenants(TeamsHarness):
    """The Teams harness's activities, from the tenant given; sent to the deployment's one /api/messages."""

    deployment: Deployment

    def from_tenant(self, tenant: str, activity: dict[str, Any]) -> dict[str, Any]:
        activity["channelData"]["tenant"]["id"] = activity["conversation"]["tenantId"] = tenant
        return activity

    async def say_in(self, tenant: str, sender: Any, text: str, **kwargs: Any) -> int:
        response = await self.post(self.from_tenant(tenant, self.message(sender, text, **kwargs)))
        for org in self.deployment.organisations.all():
            for platform in org.platforms:
                await platform.idle()  # type: ignore[attr-defined]
        return response.status


@asynccontextmanager
async def two_tenants(database: Database, clock: Any, catalogs: Any, tenancy: dict[str, Any] | None = None,
                      **teams: Any) -> AsyncIterator[Tenants]:
    identity, connector = await FakeOpenId().start(), await FakeConnector().start()
    a, b = unique_slugs()
    settings = deployment_settings(database, {
        a: {"teams_tenant": TENANT_A, "org": {"admins": ["admin@example.com"]}},
        b: {"teams_tenant": TENANT_B, "org": {"admins": ["admin@example.com"]}},
    }, teams={"app_id": APP_ID, "app_password": APP_PASSWORD, "app_type": "MultiTenant",
              "openid_metadata_url": identity.metadata_url, "token_url": identity.token_url,
              "sends_per_second_per_conversation": 7.0, "sends_per_second": 50.0} | teams,
        tenancy=tenancy or {})
    async with dropped_schemas(database, (a, b, installed_slug("teams", STRANGER))):
        deployment = await start_deployment(settings, database, b"test-secret", host="127.0.0.1", port=0,
                                            schedule=False, clock=clock, catalogs=catalogs, migrate=True)
        first = deployment.organisations.opened[a]
        assert deployment.server is not None
        env = Tenants(first.deps, first.platform("teams"), deployment.server, connector, identity,  # type: ignore[arg-type]
                      aiohttp.ClientSession())
        env.deployment = deployment
        try:
            yield env
        finally:
            await env.http.close()
            await deployment.close()
            await connector.close()
            await identity.close()


async def test_a_tenant_no_organisation_serves_gets_403_and_nothing_is_stored(database: Database, clock,
                                                                               catalogs) -> None:
    async with two_tenants(database, clock, catalogs) as env:
        assert await env.say_in(STRANGER, BO, "kudos @Ana Berg thanks #teamwork", mention=[ANA]) == 403
        assert env.connector.calls == []  # no reply, no send
        for org in env.deployment.organisations.all():
            assert (await count(org, Person), await count(org, InboundEvent), await count(org, Kudos)) == (0, 0, 0)
        async with database.transaction() as session:  # and no organisation made up for it
            assert await session.scalar(select(func.count()).select_from(Organisation)) == 2


async def test_two_allowed_tenants_are_two_organisations_kept_apart(database: Database, clock, catalogs) -> None:
    async with two_tenants(database, clock, catalogs) as env:
        assert await env.say_in(TENANT_A, BO, "kudos @Ana Berg great demo #teamwork", mention=[ANA]) in (200, 201)
        a, b = env.deployment.organisations.all()
        assert (await count(a, Kudos), await count(b, Kudos)) == (1, 0)
        assert await count(b, Person) == 0  # Bo and Ana exist in tenant A's organisation only
        assert await env.say_in(TENANT_B, BO, "kudos", mention=[]) in (200, 201)
        shown = env.connector.calls[-1].body
        assert "great demo" not in str(shown)  # tenant B's Bo has given no kudos
        assert (await count(a, Person), await count(b, Person)) == (2, 1)


async def test_an_allowed_tenant_gets_an_organisation_of_its_own_on_its_first_message(database: Database, clock,
                                                                                      catalogs) -> None:
    async with two_tenants(database, clock, catalogs, tenancy={"auto_create": True},
                           allowed_tenants=[STRANGER]) as env:
        assert await env.say_in(STRANGER, BO, "help") in (200, 201)
        created = env.deployment.organisations.find("teams", STRANGER)
        assert created is not None and created.slug == installed_slug("teams", STRANGER)
        assert await count(created, Person) == 1
        for org in env.deployment.organisations.all():
            if org is not created:
                assert await count(org, Person) == 0


@pytest.mark.parametrize("allowed", [[TENANT_A], []])
async def test_allowed_tenants_without_organisations(database: Database, clock, catalogs, allowed) -> None:
    """One organisation (no [organisations]): teams.allowed_tenants, when set, is the list of tenants answered."""
    harness = await TeamsHarness.start(database, clock, catalogs, app_type="MultiTenant", tenant_id="",
                                  allowed_tenants=allowed)
    try:
        activity = harness.message(BO, "help")
        activity["channelData"]["tenant"]["id"] = activity["conversation"]["tenantId"] = STRANGER
        response = await harness.post(activity)
        assert response.status == (403 if allowed else 201)
    finally:
        await harness.close()
