"""The `feedbot` command: console, serve, db, org, export, erase."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from importlib.metadata import version as package_version
from pathlib import Path
from typing import TYPE_CHECKING

from bot.kernel.clock import Clock, FixedClock
from bot.kernel.context import Deps
from bot.kernel.settings import ConfigError, Settings, load_settings
from feedbot.app import build_deps, configure_logging, open_database
from feedbot.privacy_key import PrivacyKeyError, open_sealer

if TYPE_CHECKING:
    from adapters.platform import Platform
    from bot.kernel.outbox import Messenger

DEMO_ORG = Path(__file__).parent / "demo_org.csv"
DEMO_ADMIN = "hr@example.com"


CONFIG_HELP = "TOML settings file (default: $FEEDBOT_CONFIG, else ./feedbot.toml)"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="feedbot", description="Continuous feedback at work.")
    top.add_argument("--config", help=CONFIG_HELP)
    top.add_argument("--version", action="version", version=f"feedbot {package_version('feedbot')}")
    # --config is also taken after any subcommand (`feedbot serve --config prod.toml`); SUPPRESS keeps the
    # value given before the subcommand when none is given after it.
    after = argparse.ArgumentParser(add_help=False)
    after.add_argument("--config", default=argparse.SUPPRESS, help=CONFIG_HELP)
    sub = Subcommands(top.add_subparsers(dest="command", required=True), after)

    console = sub.add_parser("console", help="chat with the bot in this terminal")
    console.add_argument("--as", dest="as_email", default="ana@example.com", help="who is typing (an email)")
    console.add_argument("--demo", action="store_true", help="load a small sample organisation first")
    console.add_argument("--now", help="pretend it is this instant (ISO, UTC unless it has an offset): replay a "
                                       "scripted session with the same dates every time")

    serve = sub.add_parser("serve", help="run the HTTP server (Slack, Teams, /healthz)")
    serve.add_argument("--host", help="address to listen on (default: server.host in the settings)")
    serve.add_argument("--port", type=int, help="port to listen on (default: server.port in the settings)")

    run_due = sub.add_parser("run-due", help="one scheduler tick: send what is due (now, or --at an instant)")
    run_due.add_argument("--at", help="an ISO instant such as 2026-11-27T15:00 (UTC unless it has an offset)")

    db = sub.add_parser("db", help="database schema")
    sub.nested(db, "db_command").add_parser("upgrade", help="migrate to the latest schema")

    org = sub.add_parser("org", help="the org directory")
    org_sub = sub.nested(org, "org_command")
    org_import = org_sub.add_parser("import", help="create or update people from a CSV file")
    org_import.add_argument("file", help="CSV with columns email,name,manager_email,team,timezone,locale")
    org_import.add_argument("--deactivate-missing", action="store_true",
                            help="deactivate people in the directory who are not in the file (no more prompts)")
    org_sub.add_parser("show", help="print the reporting tree")

    export = sub.add_parser("export", help="write everything about a person as JSON")
    export.add_argument("--person", required=True, metavar="EMAIL")
    export.add_argument("--out", help="file to write (default: standard output)")

    erase = sub.add_parser("erase", help="remove a person and their personal data")
    erase.add_argument("--person", required=True, metavar="EMAIL")

    slack = sub.add_parser("slack", help="Slack app set-up")
    manifest = sub.nested(slack, "slack_command").add_parser(
        "manifest", help="print the Slack app manifest (JSON) to paste when creating the app")
    manifest.add_argument("--url", help="public HTTPS base URL of `feedbot serve`, e.g. https://feedbot.example.com")
    manifest.add_argument("--socket-mode", action="store_true", help="connect over Socket Mode (no public URL)")

    teams = sub.add_parser("teams", help="Microsoft Teams app set-up")
    teams_package = sub.nested(teams, "teams_command").add_parser(
        "package", help="write the Teams app package (zip) to upload in Teams")
    teams_package.add_argument("--app-id", required=True, help="Microsoft App ID of the Azure bot (a GUID)")
    teams_package.add_argument("--url", required=True, help="public HTTPS base URL of `feedbot serve`")
    teams_package.add_argument("--out", default="feedbot-teams.zip", help="zip to write (default: %(default)s)")
    teams_package.add_argument("--name", default="feedbot", help="app name shown in Teams (default: %(default)s)")
    teams_package.add_argument("--privacy-url", default="", help="your privacy statement (default: --url)")
    teams_package.add_argument("--terms-url", default="", help="your terms of use (default: --url)")
    teams_package.add_argument("--version", default="1.0.0",
                               help="app version, raised for each new upload (default: %(default)s)")
    return top


class Subcommands:
    """Subcommand parsers that each take --config too, nested ones included."""

    def __init__(self, action: argparse._SubParsersAction, after: argparse.ArgumentParser) -> None:
        self.action, self.after = action, after

    def add_parser(self, name: str, **kwargs: str) -> argparse.ArgumentParser:
        return self.action.add_parser(name, parents=[self.after], **kwargs)

    def nested(self, parent: argparse.ArgumentParser, dest: str) -> Subcommands:
        return Subcommands(parent.add_subparsers(dest=dest, required=True), self.after)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"feedbot: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings)
    from adapters.platform import PlatformError

    try:
        return asyncio.run(run(args, settings))
    except (CliError, FileNotFoundError, PlatformError) as exc:
        print(f"feedbot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


class CliError(Exception):
    """An operator mistake: printed without a traceback."""


async def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "slack":
        return slack_manifest(args)
    if args.command == "teams":
        return teams_package(args)
    if args.command == "db":
        db = await open_database(settings, migrate=True)
        await db.dispose()
        print("database is at the latest schema")
        return 0
    if args.command == "console":
        if args.demo and not settings.org.admins:  # so the demo can show what admins do
            settings = settings.model_copy(update={"org": settings.org.model_copy(update={"admins": [DEMO_ADMIN]})})
        clock = FixedClock(parse_instant(args.now)) if args.now else None
        return await with_deps(settings, lambda deps: console(deps, args), console_out=True, clock=clock)
    if args.command in ("serve", "run-due"):
        from adapters.platform import PlatformMessenger
        from feedbot.platforms import enabled_platforms

        # Without a platform configured, messages are printed (to the log for serve), as in the console.
        platforms = enabled_platforms(settings)
        messenger = PlatformMessenger(platforms) if platforms else None
        action = serve if args.command == "serve" else run_due
        return await with_deps(settings, lambda deps: action(deps, args, platforms), messenger=messenger,
                               console_out=args.command == "run-due")
    if args.command == "org":
        return await with_deps(settings, lambda deps: org(deps, args))
    if args.command == "export":
        return await with_deps(settings, lambda deps: export(deps, args))
    return await with_deps(settings, lambda deps: erase(deps, args))


async def with_deps(settings: Settings, action: Callable[[Deps], Awaitable[int]], *,
                    console_out: bool = False, clock: Clock | None = None, messenger: Messenger | None = None) -> int:
    from adapters.console.chat import ConsoleMessenger

    db = await open_database(settings)
    try:
        try:
            sealer = await open_sealer(settings, db, notice=lambda line: print(f"feedbot: {line}", file=sys.stderr))
        except PrivacyKeyError as exc:
            raise CliError(str(exc)) from None
        messenger = messenger or ConsoleMessenger(sys.stdout if console_out else sys.stderr)
        deps = build_deps(settings, db, messenger, clock=clock, sealer=sealer)
        return await action(deps)
    finally:
        await db.dispose()


async def console(deps: Deps, args: argparse.Namespace) -> int:
    from adapters.console.chat import ConsoleChat, run_console
    from bot.orgdir import import_people

    if args.demo:
        report = await import_people(deps, DEMO_ORG)
        print(report.summary())
    await run_console(deps, ConsoleChat(deps, sys.stdout, args.as_email))
    return 0


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


def slack_manifest(args: argparse.Namespace) -> int:
    from adapters.slack.manifest import manifest_json

    if not args.url and not args.socket_mode:
        raise CliError("slack manifest: give --url https://… (where feedbot serve is reachable) or --socket-mode")
    print(manifest_json(args.url, socket_mode=args.socket_mode))
    return 0


def teams_package(args: argparse.Namespace) -> int:
    from adapters.teams.package import PackageError, package

    try:
        data = package(args.app_id, args.url, args.name, args.privacy_url, args.terms_url, args.version)
    except PackageError as exc:
        raise CliError(f"teams package: {exc}") from None
    Path(args.out).write_bytes(data)
    print(f"wrote {args.out}: upload it in Teams (Apps → Manage your apps → Upload an app)")
    return 0


async def run_due(deps: Deps, args: argparse.Namespace, platforms: Sequence[Platform]) -> int:
    from bot.rhythm.scheduler import tick

    at = parse_instant(args.at) if args.at else None
    for platform in platforms:
        await platform.start(deps)
    try:
        recorded = await tick(deps, at)
    finally:
        for platform in platforms:
            await platform.stop()
    print(", ".join(f"{count} {kind}" for kind, count in sorted(recorded.items())) or "nothing due")
    return 0


def parse_instant(text: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"--at {text}: not an ISO date and time such as 2026-11-27T15:00") from None
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


async def org(deps: Deps, args: argparse.Namespace) -> int:
    from bot.orgdir import OrgImportError, import_people, org_tree

    if args.org_command == "show":
        print(await org_tree(deps))
        return 0
    try:
        report = await import_people(deps, Path(args.file), deactivate_missing=args.deactivate_missing)
    except OrgImportError as exc:
        if len(exc.problems) == 1:
            raise CliError(f"{args.file}: {exc} — nothing was imported") from None
        raise CliError(f"{args.file}: {len(exc.problems)} problems, nothing was imported:\n{exc}") from None
    print(report.summary())
    return 0


async def export(deps: Deps, args: argparse.Namespace) -> int:
    from bot.datarights import export_person

    data = await export_person(deps, args.person)
    if data is None:
        raise CliError(f"nobody with the email {args.person}")
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        print(text)
    return 0


async def erase(deps: Deps, args: argparse.Namespace) -> int:
    from bot.datarights import erase_person

    report = await erase_person(deps, args.person)
    if report is None:
        raise CliError(f"nobody with the email {args.person}")
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
