"""Organisations' settings: overlays validated by the same model, mistakes named, and the single-organisation
default untouched (no registry rows, none of the organisations' machinery)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.kernel.settings import ConfigError, Settings, load_settings
from feedbot import cli
from feedbot.organisation_settings import DeploymentSettings, is_multi, organisation_settings
from storage.db import Database
from storage.models import Organisation

EXAMPLE = Path(__file__).parent.parent / "config.example.toml"


def test_the_documented_example_loads_and_overlays_one_organisation(tmp_path: Path, monkeypatch) -> None:
    block = EXAMPLE.read_text(encoding="utf-8").split("# ---- Several organisations", 1)[1]
    lines = [line[2:] for line in block.splitlines() if (line.startswith("# ") and " = " in line) or
             line.startswith("# [")]
    path = tmp_path / "feedbot.toml"
    path.write_text("\n".join(line.split("  #")[0] for line in lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("FEEDBOT_ORGANISATIONS__ACME__SLACK__BOT_TOKEN", "xoxb-from-env")
    settings = load_settings(str(path), model=DeploymentSettings)
    assert isinstance(settings, DeploymentSettings) and is_multi(settings)
    acme = organisation_settings(settings, settings.organisations["acme"])
    assert isinstance(acme, Settings) and not isinstance(acme, DeploymentSettings) and not is_multi(acme)
    assert (acme.org.admins, acme.org.default_locale, acme.kudos.values) == (["hr@acme.example"], "sv",
                                                                            ["courage", "care"])
    assert acme.slack.bot_token is not None and acme.slack.bot_token.get_secret_value() == "xoxb-from-env"
    assert settings.kudos.values != acme.kudos.values  # the deployment's own stay as they were


@pytest.mark.parametrize(("toml", "message"), [
    ('[organisations.Acme]\nslack_team = "T1"', "lowercase letters"),
    ('[organisations.a]\nslack_team = "T1"\n[organisations.b]\nslack_team = "T1"', "the same slack_team"),
    ('[organisations.a.kudos]\nvalues = []', "organisations.a: kudos.values"),
    ('[organisations.a.org]\nadmins = ["not an email"]', "organisations.a: org.admins"),
    ('[organisations.a.server]\nport = 1', "unknown setting"),
    ('[organisations.a]\nteams_tenant = "t1"\n[organisations.b]\nteams_tenant = "t2"', "MultiTenant"),
    ('[slack]\nsocket_mode = true\napp_token = "xapp"\n[organisations.a]\nslack_team = "T1"', "socket_mode"),
])
def test_mistakes_are_named(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "feedbot.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(str(path), model=DeploymentSettings)


async def test_one_organisation_by_default_costs_nothing_extra(tmp_path: Path, monkeypatch) -> None:
    """No [organisations]: the command line takes the path it always took: no registry row, no Organisations."""
    url = f"sqlite:///{tmp_path / 'feedbot.db'}"
    settings = DeploymentSettings.model_validate({"database": {"url": url},
                                                  "privacy": {"secret_key": "a test secret long enough for feedbot"}})
    assert not is_multi(settings) and not is_multi(Settings())

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the organisations' machinery ran for a single organisation")

    monkeypatch.setattr("feedbot.commands_organisations.Organisations.__init__", refuse)
    (tmp_path / "people.csv").write_text("email,name\nana@example.com,Ana\n", encoding="utf-8")
    args = argparse.Namespace(command="org", org_command="import", file=str(tmp_path / "people.csv"),
                              deactivate_missing=False, org=None)
    assert await cli.run(args, settings) == 0
    database = Database(url)
    try:
        async with database.transaction() as session:
            assert await session.scalar(select(func.count()).select_from(Organisation)) == 0
    finally:
        await database.dispose()
    assert sorted(path.name for path in tmp_path.glob("*.db")) == ["feedbot.db"]  # no namespace of its own
