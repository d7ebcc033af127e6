"""Slack installed through OAuth in several workspaces, on the wire: the real server on loopback, the install
pages driven like a browser, the fake Slack Web API answering oauth.v2.access and recording each call's token."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from adapters.slack.installs import Installed, Workspaces
from adapters.slack.installs import States as SlackStates
from bot.kernel.sealing import Sealer
from bot.kernel.settings import Settings
from bot.orgdir import import_people
from bot.rhythm.scheduler import tick
from storage.models import Account, AppInstall, Delivery, OAuthState, Person
from storage.repositories.installs import Installs
from tests.fakes.slack_api import SlackEnv, payload, running_slack
from tests.slack_install_pages import AUTHORIZE, callback, start_install

FRIDAY = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # check-in prompts go out (people in UTC)
ONE, TWO = "T0ONE", "T0TWO"
ORG = """email,name,manager_email,team,timezone,locale
ana@example.com,Ana Andersson,,Apps,UTC,en
bo@example.com,Bo Berg,,Apps,UTC,en
"""


@asynccontextmanager
async def oauth_slack(database: Any, clock: Any, catalogs: Any, tmp_path: Any, installs: list[Installed] | None = None,
                      **slack: Any) -> AsyncIterator[SlackEnv]:
    """Slack in OAuth mode (no bot token); Ana works in workspace ONE, Bo in TWO, both in the org file."""
    async def on_installed(install: Installed) -> None:
        if installs is not None:
            installs.append(install)

    async with running_slack(database, clock, catalogs, hooks={"on_installed": on_installed}, bot_token=None,
                             client_id="1.2", client_secret="client-secret", authorize_url=AUTHORIZE,
                             workspaces=[ONE, TWO], **slack) as env:
        env.fake.add_user("U0ANA", "ana@example.com", "Ana Andersson", tz="UTC", team=ONE)
        env.fake.add_user("U0BO", "bo@example.com", "Bo Berg", tz="UTC", team=TWO)
        (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
        await import_people(env.deps, tmp_path / "org.csv")
        yield env


async def install(env: SlackEnv, team: str, token: str, code: str | None = None) -> tuple[int, str]:
    code = code or f"code-{team}-{len(env.fake.grants)}"
    env.fake.grant(code, team, f"Team {team}", token, installer="U0ANA" if team == ONE else "U0BO")
    state = await start_install(*env.browser)
    status, page = await callback(*env.browser, state, code=code, state=state)
    await env.platform.idle()  # linking the org directory there
    return status, page


async def event(env: SlackEnv, team: str, body: dict[str, Any], event_id: str) -> int:
    envelope = payload("event_callback") | {"team_id": team, "event": body, "event_id": event_id}
    status, _ = await env.post(json.dumps(envelope), "application/json")
    return status


async def rows(env: SlackEnv, model: type) -> list[Any]:
    async with env.deps.uow() as uow:
        return list(await uow.session.scalars(select(model)))


async def test_two_workspaces_install_and_each_is_served_with_its_own_token(database, clock, catalogs, tmp_path,
                                                                            caplog) -> None:
    caplog.set_level(logging.DEBUG)  # even then, no token in the log
    installed: list[Installed] = []
    async with oauth_slack(database, clock, catalogs, tmp_path, installed) as env:
        assert (await install(env, ONE, "xoxb-one"))[0] == 200
        status, page = await install(env, TWO, "xoxb-two")
        assert status == 200 and "Team T0TWO" in page
        assert [i.team_id for i in installed] == [ONE, TWO] and installed[0].installer_user_id == "U0ANA"
        stored = {row.team_id: row for row in await rows(env, AppInstall)}
        assert set(stored) == {ONE, TWO} and stored[ONE].bot_user_id == "UBOT"
        assert "xoxb" not in stored[ONE].bot_token  # sealed with the privacy key
        assert env.deps.sealer.unseal_untimed(stored[ONE].bot_token) == b"xoxb-one"
        assert len(await rows(env, OAuthState)) == 2  # each used state kept until it expires: never used twice
        assert env.fake.tokens("users.list") == ["xoxb-one", "xoxb-two"]  # each workspace's people linked

        env.fake.clear()
        await env.command("/feedbot", "help", user="U0ANA", team_id=ONE)
        await env.command("/feedbot", "help", user="U0BO", team_id=TWO)
        assert len(env.fake.called("response")) == 2  # both answered
        asked = {(call.args["user"], call.token) for call in env.fake.calls if call.method == "users.info"}
        assert asked == {("U0ANA", "xoxb-one"), ("U0BO", "xoxb-two")}
        await env.command("/checkin", "", user="U0BO", team_id=TWO)  # a form: views.open in Bo's workspace
        assert env.fake.tokens("views.open") == ["xoxb-two"]

        await tick(env.deps, FRIDAY)  # check-in prompts: a DM in each person's own workspace
        assert by_channel(env, "chat.postMessage") == {"D0ANA": "xoxb-one", "D0BO": "xoxb-two"}
        assert {(call.args["users"], call.token) for call in env.fake.calls
                if call.method == "conversations.open"} <= {("U0ANA", "xoxb-one"), ("U0BO", "xoxb-two")}
    assert "Slack: feedbot installed in workspace T0ONE" in caplog.text and "xoxb" not in caplog.text


def by_channel(env: SlackEnv, method: str) -> dict[str, str]:
    """Channel → the token of the calls of `method` that were answered."""
    return {call.args["channel"]: call.token for call in env.fake.calls if call.method == method and not call.refused}


async def test_a_callback_with_a_forged_missing_used_or_expired_state_gets_400_and_stores_nothing(
        database, clock, catalogs, tmp_path) -> None:
    async with oauth_slack(database, clock, catalogs, tmp_path) as env:
        env.fake.grant("code-1", ONE, "One", "xoxb-one")
        forged = "x" * 43
        assert (await callback(*env.browser, forged, code="code-1", state=forged))[0] == 400  # never issued here
        state = await start_install(*env.browser)
        assert (await callback(*env.browser, code="code-1", state=state))[0] == 400  # another browser: no cookie
        assert (await callback(*env.browser, state, code="code-1"))[0] == 400  # no state at all
        status, page = await callback(*env.browser, state + "x", code="code-1", state=state + "x")
        assert status == 400 and "start again" in page
        assert await rows(env, AppInstall) == [] and env.fake.called("oauth.v2.access") == []

        assert (await callback(*env.browser, state, code="code-1", state=state))[0] == 200  # the real one still works
        assert (await callback(*env.browser, state, code="code-1", state=state))[0] == 400  # but once only
        assert len(await rows(env, AppInstall)) == 1 and len(env.fake.called("oauth.v2.access")) == 1

        assert [row.state for row in await rows(env, OAuthState)] == [state]  # the used one, nothing else

        env.fake.grant("code-2", TWO, "Two", "xoxb-two")
        late = await start_install(*env.browser)
        clock.advance(timedelta(minutes=11))  # states live 10 minutes
        assert (await callback(*env.browser, late, code="code-2", state=late))[0] == 400
        assert [row.team_id for row in await rows(env, AppInstall)] == [ONE]
        assert await rows(env, OAuthState) == []  # the used one swept once expired

        elsewhere = Workspaces()  # a state signed with another deployment's privacy key …
        elsewhere.bind(replace(env.deps, sealer=Sealer(b"another deployment's privacy key" * 2)))
        foreign = await SlackStates(elsewhere, 10).async_issue()
        assert (await callback(*env.browser, foreign, code="code-2", state=foreign))[0] == 400  # … is not ours
        unsigned = late.rpartition(".")[0].rpartition(".")[0]  # a state of ours with its expiry pushed back
        later = f"{unsigned}.{int((clock.now() + timedelta(minutes=5)).timestamp())}.{late.rpartition('.')[2]}"
        assert (await callback(*env.browser, later, code="code-2", state=later))[0] == 400
        assert [call["code"] for call in env.fake.called("oauth.v2.access")] == ["code-1"]


async def test_opening_the_install_page_writes_nothing(database, clock, catalogs, tmp_path) -> None:
    """A crawler (or anyone) can open the install page as often as it likes: its state is signed, not stored."""
    async with oauth_slack(database, clock, catalogs, tmp_path) as env:
        states = {await start_install(*env.browser) for _ in range(50)}
        assert len(states) == 50 and await rows(env, OAuthState) == []
        env.fake.grant("code-1", ONE, "One", "xoxb-one")
        chosen = sorted(states)[17]  # any of them still works, in the browser that opened it
        assert (await callback(*env.browser, chosen, code="code-1", state=chosen))[0] == 200
        assert [row.state for row in await rows(env, OAuthState)] == [chosen]


async def test_a_cancelled_or_refused_install_says_so_and_stores_nothing(database, clock, catalogs,
                                                                         tmp_path) -> None:
    async with oauth_slack(database, clock, catalogs, tmp_path) as env:
        state = await start_install(*env.browser)
        status, page = await callback(*env.browser, state, error="access_denied", state=state)
        assert status == 200 and "cancelled" in page
        state = await start_install(*env.browser)
        status, page = await callback(*env.browser, state, code="never-granted", state=state)  # Slack: invalid_code
        assert status == 400
        assert await rows(env, AppInstall) == []


async def test_the_install_pages_speak_the_org_language(database, clock, catalogs, tmp_path) -> None:
    async with oauth_slack(database, clock, catalogs, tmp_path, extra={"org": {
            "admins": ["admin@example.com"], "default_locale": "sv"}}) as env:
        async with env.session.get(f"{env.server.url}/slack/install") as response:
            page = await response.text()
        assert '<html lang="sv">' in page and "Lägg till feedbot i Slack" in page


async def revoked_and_kept(env: SlackEnv) -> None:
    """Workspace ONE cannot be reached; its install and everyone's data are still there."""
    install = next(row for row in await rows(env, AppInstall) if row.team_id == ONE)
    assert install.revoked_at is not None and install.bot_token is None
    assert {p.email for p in await rows(env, Person)} == {"ana@example.com", "bo@example.com"}
    assert {(a.workspace, a.user_id) for a in await rows(env, Account)} == {(ONE, "U0ANA"), (TWO, "U0BO")}


async def prompts_go_to_bo_only(env: SlackEnv, when: datetime) -> None:
    env.fake.clear()
    await tick(env.deps, when)
    assert by_channel(env, "chat.postMessage") == {"D0BO": "xoxb-two"}
    failed = [d for d in await rows(env, Delivery) if d.status == "failed"]
    assert [d.last_error for d in failed][-1].startswith(f"feedbot is not installed in Slack workspace {ONE}")


async def test_an_uninstalled_workspace_gets_nothing_keeps_its_data_and_resumes_when_installed_again(
        database, clock, catalogs, tmp_path) -> None:
    async with oauth_slack(database, clock, catalogs, tmp_path) as env:
        await install(env, ONE, "xoxb-one")
        await install(env, TWO, "xoxb-two")
        assert await event(env, ONE, {"type": "app_uninstalled"}, "EvGONE") == 200
        await revoked_and_kept(env)
        await prompts_go_to_bo_only(env, FRIDAY)

        status, text = await env.command("/feedbot", "help", user="U0ANA", team_id=ONE)
        assert status == 200 and "not installed in this Slack workspace" in text
        assert env.fake.called("response") == []  # the core never ran

        assert (await install(env, ONE, "xoxb-one-again"))[0] == 200
        env.fake.clear()
        await tick(env.deps, FRIDAY + timedelta(days=7))
        assert by_channel(env, "chat.postMessage") == {"D0ANA": "xoxb-one-again", "D0BO": "xoxb-two"}


async def test_revoked_bot_tokens_stop_sending_there_but_revoked_user_tokens_do_not(database, clock, catalogs,
                                                                                    tmp_path) -> None:
    async with oauth_slack(database, clock, catalogs, tmp_path) as env:
        await install(env, ONE, "xoxb-one")
        await install(env, TWO, "xoxb-two")
        users_only = {"type": "tokens_revoked", "tokens": {"oauth": ["U0ANA"]}}
        assert await event(env, ONE, users_only, "EvUSERS") == 200
        assert all(row.revoked_at is None for row in await rows(env, AppInstall))
        assert await event(env, ONE, {"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}}, "EvBOT") == 200
        await revoked_and_kept(env)
        await prompts_go_to_bo_only(env, FRIDAY)


async def test_a_token_slack_refuses_revokes_the_install_without_retrying_forever(database, clock, catalogs,
                                                                                  tmp_path) -> None:
    """The app_uninstalled event went to nobody (or another replica): Slack's refusal says the same."""
    async with oauth_slack(database, clock, catalogs, tmp_path) as env:
        await install(env, ONE, "xoxb-one")
        await install(env, TWO, "xoxb-two")
        env.fake.dead.add("xoxb-one")
        await prompts_go_to_bo_only(env, FRIDAY)
        await revoked_and_kept(env)
        statuses = {d.status for d in await rows(env, Delivery)}
        assert statuses == {"sent", "failed"}  # nothing left to retry


def test_oauth_mode_is_chosen_by_its_settings_and_needs_http() -> None:
    oauth = {"client_id": "1.2", "client_secret": "s", "signing_secret": "x", "workspaces": [ONE]}
    assert Settings.model_validate({"slack": oauth}).slack.oauth
    assert not Settings.model_validate({"slack": oauth | {"bot_token": "xoxb-1"}}).slack.oauth  # one workspace
    assert not Settings.model_validate({"slack": oauth | {"client_secret": None}}).slack.enabled
    with pytest.raises(ValidationError, match="need HTTP"):
        Settings.model_validate({"slack": oauth | {"socket_mode": True, "app_token": "xapp-1"}})


async def test_an_install_the_database_cannot_store_gets_500_and_leaves_nothing(database, clock, catalogs,
                                                                                tmp_path, monkeypatch) -> None:
    async with oauth_slack(database, clock, catalogs, tmp_path) as env:
        async def refuse(*_: Any) -> None:
            raise ConnectionResetError("database went away")

        monkeypatch.setattr(Installs, "save", refuse)
        status, page = await install(env, ONE, "xoxb-one")
        assert status == 500 and "could not store the installation" in page
        assert await rows(env, AppInstall) == []
