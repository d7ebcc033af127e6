"""The Slack installation store and OAuth state store on feedbot's database (SQLite and PostgreSQL), as slack_sdk
and bolt call them; and each workspace's own pacing budget."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk.oauth.installation_store import Installation

from adapters.pacing import Pacer, Slots
from adapters.slack.installs import States, Workspaces
from adapters.slack.messenger import SlackMessenger
from bot.kernel.outbox import DeliveryError
from feedbot.app import build_deps


def installation(team: str, token: str, installer: str = "U1") -> Installation:
    return Installation(app_id="A1", team_id=team, team_name=f"Team {team}", bot_token=token, bot_id="B1",
                        bot_user_id="UBOT", bot_scopes=["chat:write", "commands"], user_id=installer,
                        installed_at=0.0)


async def test_an_install_is_saved_sealed_found_revoked_and_saved_again(database, settings, clock,
                                                                       catalogs) -> None:
    deps = build_deps(settings, database, None, clock=clock, catalogs=catalogs)  # type: ignore[arg-type]
    store = Workspaces(ttl_seconds=0)  # no cache: every question reads the database
    store.bind(deps)
    await store.async_save(installation("T1", "xoxb-1"))
    found = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None and found.bot_token == "xoxb-1" and found.bot_scopes == ["chat:write", "commands"]
    assert (await store.async_find_bot(enterprise_id=None, team_id="T1")).bot_user_id == "UBOT"
    assert await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U2") is None
    assert await store.async_find_installation(enterprise_id=None, team_id="T9") is None
    result = await store.authorize(None, "T1")
    assert result is not None and result.bot_token == "xoxb-1" and result.bot_user_id == "UBOT"

    assert await store.revoke("T1", "app_uninstalled")
    assert not await store.revoke("T1", "app_uninstalled")  # once
    assert await store.authorize(None, "T1") is None
    async with deps.uow() as uow:
        row = await uow.installs.find("slack", "T1")
    assert row is not None and row.revoked_at == clock.now() and row.bot_token is None  # kept, without a token

    await store.async_save(installation("T1", "xoxb-1b"))  # installed again: the same row, usable again
    assert (await store.credentials("T1")).token == "xoxb-1b"
    async with deps.uow() as uow:
        assert [r.team_id for r in await uow.installs.active("slack")] == ["T1"]
    await store.async_delete_installation(enterprise_id=None, team_id="T1")
    assert await store.authorize(None, "T1") is None


async def test_a_state_is_good_once_and_only_until_it_expires(database, settings, clock, catalogs) -> None:
    deps = build_deps(settings, database, None, clock=clock, catalogs=catalogs)  # type: ignore[arg-type]
    workspaces = Workspaces()
    workspaces.bind(deps)
    states = States(workspaces, minutes=10)
    first, second = await states.async_issue(), await states.async_issue()
    assert first != second and len(first) >= 40
    assert await states.async_consume(first)
    assert not await states.async_consume(first)  # replayed
    assert not await states.async_consume("forged") and not await states.async_consume("")
    replica = Workspaces()  # another replica, with the same privacy key, takes a state this one signed
    replica.bind(deps)
    assert await States(replica, minutes=10).async_consume(await states.async_issue())
    clock.advance(timedelta(minutes=10))
    assert not await states.async_consume(second)  # expired


class Budgets:
    """A shared limiter that only records which budgets each send was paced in."""

    def __init__(self) -> None:
        self.seen: list[list[str]] = []

    async def reserve(self, slots: Slots) -> float:
        self.seen.append([key for key, _ in slots])
        return 0.0

    async def aclose(self) -> None:
        return None


async def test_each_workspace_is_paced_in_a_budget_of_its_own() -> None:
    oauth = SlackMessenger(None, Pacer(1, 10), Workspaces())  # type: ignore[arg-type]
    one_token = SlackMessenger(None, Pacer(1, 10))  # type: ignore[arg-type]
    budgets = Budgets()
    for messenger in (oauth, one_token):
        messenger.share_pacing(budgets)
        await messenger.paced("T1").wait("D1")
        await messenger.paced("T2").wait("D2")
    assert budgets.seen == [["slack:T1", "slack:T1:D1"], ["slack:T2", "slack:T2:D2"],  # OAuth installs
                            ["slack", "slack:D1"], ["slack", "slack:D2"]]  # one bot token: as before


async def test_a_workspace_without_an_install_is_a_permanent_delivery_error(database, settings, clock,
                                                                            catalogs) -> None:
    deps = build_deps(settings, database, None, clock=clock, catalogs=catalogs)  # type: ignore[arg-type]
    workspaces = Workspaces()
    workspaces.bind(deps)
    messenger = SlackMessenger(None, Pacer(1, 10), workspaces)  # type: ignore[arg-type]
    with pytest.raises(DeliveryError, match="not installed in Slack workspace T404") as refused:
        await messenger.auth("T404")
    assert refused.value.permanent  # given up, never retried
