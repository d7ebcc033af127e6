"""`feedbot slack manifest`: least-privilege scopes, every command and event feedbot handles, HTTP or Socket Mode."""

from __future__ import annotations

import json

from feedbot.cli import main
from feedbot.features import COMMANDS as FEATURES


def manifest(capsys, *args: str) -> dict:
    assert main(["slack", "manifest", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_http_manifest_points_everything_at_slack_events(capsys) -> None:
    data = manifest(capsys, "--url", "https://feedbot.example.com/")
    url = "https://feedbot.example.com/slack/events"
    commands = {c["command"]: c for c in data["features"]["slash_commands"]}
    assert set(commands) == {"/kudos", "/idea", "/checkin", "/pulse", "/1on1", "/feedback", "/goal", "/grow",
                             "/expectations", "/digest", "/dashboard", "/feedbot"}
    assert all(c["url"] == url and c["should_escape"] for c in commands.values())
    assert all(name.lstrip("/") in FEATURES for name in commands if name != "/feedbot")
    settings = data["settings"]
    assert settings["event_subscriptions"]["request_url"] == url == settings["interactivity"]["request_url"]
    assert not settings["socket_mode_enabled"] and data["features"]["app_home"]["home_tab_enabled"]
    assert sorted(data["oauth_config"]["scopes"]["bot"]) == sorted(
        ["commands", "chat:write", "im:write", "im:history", "app_mentions:read", "users:read", "users:read.email",
         "files:write"])  # no chat:write.public, no channels:history, no user scopes
    assert data["oauth_config"]["redirect_urls"] == ["https://feedbot.example.com/slack/oauth_redirect"]


def test_the_socket_mode_manifest_has_no_urls(capsys) -> None:
    data = manifest(capsys, "--socket-mode")
    assert data["settings"]["socket_mode_enabled"]
    assert "url" not in json.dumps(data["features"]["slash_commands"])
    assert "request_url" not in json.dumps(data["settings"])


def test_without_url_or_socket_mode_it_says_what_is_missing(capsys) -> None:
    assert main(["slack", "manifest"]) == 1
    assert "--url" in capsys.readouterr().err
