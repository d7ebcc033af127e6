"""Only the organisation's own workspaces may install feedbot through OAuth: a stranger's workspace (its app page
is public once distributed) gets nothing, not even the org's people by a copied email."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.kernel.settings import Settings
from feedbot.organisation_settings import DeploymentSettings, OrganisationConfig, organisation_settings
from storage.models import Account, AppInstall
from tests.slack_install_pages import callback, start_install
from tests.test_slack_oauth import ONE, install, oauth_slack, rows

STRANGER = "T0EVIL"


async def test_a_workspace_not_listed_cannot_install_nor_reach_anyone(database, clock, catalogs, tmp_path) -> None:
    async with oauth_slack(database, clock, catalogs, tmp_path) as env:
        assert (await install(env, ONE, "xoxb-one"))[0] == 200
        env.fake.add_user("U0EVE", "ana@example.com", "Not Ana", tz="UTC", team=STRANGER)  # Ana's email, copied
        env.fake.grant("code-evil", STRANGER, "Evil Corp", "xoxb-evil", installer="U0EVE")
        state = await start_install(*env.browser)
        status, page = await callback(*env.browser, state, code="code-evil", state=state)
        await env.platform.idle()
        assert status == 403 and "may not install feedbot" in page
        assert [row.team_id for row in await rows(env, AppInstall)] == [ONE]  # nothing stored
        assert STRANGER not in {account.workspace for account in await rows(env, Account)}
        assert "xoxb-evil" not in env.fake.tokens("users.list")  # nobody linked there
        assert env.fake.tokens("auth.revoke") == ["xoxb-evil"]  # the token it was just given, given back

        env.fake.clear()
        status, text = await env.command("/feedbot", "help", user="U0EVE", team_id=STRANGER)
        assert status == 200 and "not installed in this Slack workspace" in text
        assert env.fake.called("response") == [] and env.fake.called("users.info") == []


async def test_an_install_stored_before_its_workspace_left_the_list_is_not_used(database, clock, catalogs,
                                                                               tmp_path) -> None:
    async with oauth_slack(database, clock, catalogs, tmp_path) as env:
        assert (await install(env, ONE, "xoxb-one"))[0] == 200
        env.deps.settings.slack.workspaces.remove(ONE)  # the list changed since (a restart with a new list)
        env.platform.workspaces._cache.clear()
        env.fake.clear()
        status, text = await env.command("/feedbot", "help", user="U0ANA", team_id=ONE)
        assert status == 200 and "not installed in this Slack workspace" in text
        assert env.fake.called("response") == []


@pytest.mark.parametrize("listed", [[], ["  "]])
def test_oauth_installs_need_the_list_of_the_organisations_workspaces(listed: list[str]) -> None:
    oauth = {"client_id": "1.2", "client_secret": "s", "signing_secret": "x"}
    with pytest.raises(ValidationError, match=r"slack\.workspaces"):
        Settings.model_validate({"slack": oauth | {"workspaces": listed}})
    allowed = Settings.model_validate({"slack": oauth | {"workspaces": [" T0ONE ", "E0GRID"]}}).slack
    assert allowed.oauth and allowed.workspaces == ["T0ONE", "E0GRID"]


def test_several_organisations_are_each_their_own_workspace_and_need_no_list() -> None:
    oauth = {"client_id": "1.2", "client_secret": "s", "signing_secret": "x"}
    with pytest.raises(ValidationError, match=r"slack\.workspaces"):
        DeploymentSettings.model_validate({"slack": oauth})  # one organisation: the list is needed
    several = DeploymentSettings.model_validate({"slack": oauth, "tenancy": {"auto_create": True}})
    assert several.slack.oauth and not several.lists_its_workspaces()
    acme = organisation_settings(several, OrganisationConfig(name="Acme", slack_team="T0ACME"))
    # The deployment runs the install (feedbot/slack_installs.py); an organisation's app runs with its own token.
    assert not acme.slack.oauth and not acme.lists_its_workspaces()


async def test_a_refused_install_whose_token_cannot_be_revoked_is_still_refused(database, clock, catalogs, tmp_path,
                                                                               caplog) -> None:
    async with oauth_slack(database, clock, catalogs, tmp_path) as env:
        env.fake.grant("code-evil", STRANGER, "Evil Corp", "xoxb-evil", installer="U0EVE")
        env.fake.fail("auth.revoke", "internal_error")
        state = await start_install(*env.browser)
        status, page = await callback(*env.browser, state, code="code-evil", state=state)
        assert status == 403 and "may not install feedbot" in page
        assert await rows(env, AppInstall) == []
        assert f"refused install in workspace {STRANGER} could not be revoked: internal_error" in caplog.text
        assert "xoxb-evil" not in caplog.text
