"""`feedbot slack manifest`: the Slack app manifest to paste when creating the app (api.slack.com/apps →
Create New App → From an app manifest). Least privilege: only the scopes a feature below needs."""

from __future__ import annotations

import json
from typing import Any

from adapters.slack.grammar import FEEDBOT_COMMAND
from adapters.slack.platform import EVENTS_PATH
from bot.kernel.settings.platforms import BOT_SCOPES as SCOPES
from bot.kernel.settings.platforms import SlackSettings

REDIRECT_PATH = SlackSettings.model_fields["redirect_uri_path"].default

# command → (description, usage hint), in the grammar of docs/commands.md.
COMMANDS: dict[str, tuple[str, str]] = {
    "kudos": ("Thank someone in public", "@ana Great demo #teamwork"),
    "idea": ("Suggest an improvement and follow it", "Cut the build time | list | show 12 | vote 12"),
    "checkin": ("Your weekly check-in, any time", "[history | schedule friday 15]"),
    "pulse": ("Short anonymous surveys", "[list | results SURVEY | create]"),
    "1on1": ("One-on-ones with your manager or reports", "[add @lea topic | note @lea … | done @lea]"),
    "feedback": ("Private feedback, or ask for it", "@bo Your demo was clear | ask @ana @cy topic"),
    "goal": ("Your objectives and key results", "add Reduce p95 latency | kr 12 … | update 12.1 450 | tree"),
    "grow": ("Your development plan", "add Learn query tuning by 2027-03-31 — the PostgreSQL course | @lea"),
    "expectations": ("Your expectations: results, actions, behaviours", "[@lea | propose … --action | agree 3]"),
    "digest": ("Your team's week at a glance (managers)", "[org]"),
    "dashboard": ("A private sign-in link to the web dashboard", ""),
    FEEDBOT_COMMAND: ("Help, language, away", "help | language sv | away until 2026-12-01"),
}

# Why each scope: slash commands; replies, DMs and channel posts; opening DMs; text typed in the DM;
# @feedbot in channels; profiles (time zone, locale) and the email that links a person; chart images.
BOT_SCOPES = list(SCOPES)
BOT_EVENTS = ["app_home_opened", "message.im", "app_mention", "app_uninstalled", "tokens_revoked"]


def manifest(url: str | None = None, *, socket_mode: bool = False, name: str = "feedbot") -> dict[str, Any]:
    """Over HTTP every request goes to `url` + /slack/events; with Socket Mode no URL is needed."""
    if not socket_mode and not url:
        raise ValueError("an HTTPS base URL (--url) is needed unless --socket-mode is used")
    endpoint = None if socket_mode else url.rstrip("/") + EVENTS_PATH  # type: ignore[union-attr]
    commands = []
    for command, (description, hint) in COMMANDS.items():
        entry: dict[str, Any] = {"command": f"/{command}", "description": description, "usage_hint": hint,
                                 "should_escape": True}  # mentions arrive as <@U123|name>
        if endpoint:
            entry["url"] = endpoint
        commands.append(entry)
    events: dict[str, Any] = {"bot_events": BOT_EVENTS}
    oauth: dict[str, Any] = {"scopes": {"bot": BOT_SCOPES}}
    if url:  # where an OAuth install (slack.client_id, docs/slack.md) sends people back
        oauth["redirect_urls"] = [url.rstrip("/") + REDIRECT_PATH]
    interactivity: dict[str, Any] = {"is_enabled": True}
    if endpoint:
        events["request_url"] = endpoint
        interactivity["request_url"] = endpoint
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": name,
            "description": "Continuous feedback: check-ins, kudos, ideas, pulse surveys, 1:1s and goals.",
            "background_color": "#2c3e50",
        },
        "features": {
            "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                         "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": oauth,
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def manifest_json(url: str | None = None, *, socket_mode: bool = False) -> str:
    return json.dumps(manifest(url, socket_mode=socket_mode), indent=2, ensure_ascii=False)
