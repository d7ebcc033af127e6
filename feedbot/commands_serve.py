"""`feedbot serve` and `feedbot run-due`: the server with its scheduler, and one tick by hand."""

from __future__ import annotations

import argparse
import asyncio
import signal
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.kernel.context import Deps
from feedbot.cli_errors import CliError

if TYPE_CHECKING:
    from adapters.platform import Platform

NOTHING_TO_SERVE = ("serve: no chat platform is configured: for Slack set FEEDBOT_SLACK__BOT_TOKEN and "
                    "FEEDBOT_SLACK__SIGNING_SECRET (docs/slack.md), for Teams FEEDBOT_TEAMS__APP_ID, "
                    "FEEDBOT_TEAMS__APP_PASSWORD and FEEDBOT_TEAMS__TENANT_ID (docs/teams.md), or switch the "
                    "web dashboard on (dashboard.enabled); `feedbot console` needs none of them")


async def serve(deps: Deps, args: argparse.Namespace, platforms: Sequence[Platform]) -> int:
    from adapters.server import start_server
    from bot.rhythm.scheduler import start_scheduler

    server = await start_server(deps, platforms, args.host or deps.settings.server.host,
                                args.port or deps.settings.server.port)
    scheduler = start_scheduler(deps)
    print(f"feedbot listening on {server.url}")
    stopped = asyncio.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C, systemd, Docker: finish acknowledged work first
        asyncio.get_running_loop().add_signal_handler(stop_signal, stopped.set)
    try:
        await stopped.wait()
    finally:
        scheduler.shutdown(wait=False)
        await server.close()
    return 0


async def run_due(deps: Deps, args: argparse.Namespace, platforms: Sequence[Platform]) -> int:
    from bot.rhythm.scheduler import tick

    at = parse_instant(args.at, "--at") if args.at else None
    for platform in platforms:
        await platform.start(deps)
    try:
        recorded = await tick(deps, at)
    finally:
        for platform in platforms:
            await platform.stop()
    print(", ".join(f"{count} {kind}" for kind, count in sorted(recorded.items())) or "nothing due")
    return 0


def parse_instant(text: str, option: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"{option} {text}: not an ISO date and time such as 2026-11-27T15:00") from None
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)
