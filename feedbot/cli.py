"""The `feedbot` command: console, serve, db, backup, org, export, erase."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tomllib
from collections.abc import Awaitable, Callable
from importlib.metadata import version as package_version
from pathlib import Path
from typing import TYPE_CHECKING

from bot.kernel.clock import Clock, FixedClock
from bot.kernel.context import Deps
from bot.kernel.settings import ConfigError, ExpectationsSettings, Settings, load_settings
from feedbot.app import build_deps, configure_logging, open_database
from feedbot.cli_errors import CliError, explain, leave_quietly_on_broken_pipe
from feedbot.cli_parsing import Parser, Subcommands
from feedbot.commands_serve import NOTHING_TO_SERVE, parse_instant, run_due, serve
from feedbot.organisation_settings import ORG_HELP, DeploymentSettings, is_multi
from feedbot.privacy_key import open_sealer, require_given

if TYPE_CHECKING:
    from bot.kernel.outbox import Messenger

DEMO_ORG = Path(__file__).parent / "demo_org.csv"
DEMO_ADMIN = "hr@example.com"
DEMO_EXPECTATIONS = Path(__file__).parent / "demo_expectations.toml"


CONFIG_HELP = "TOML settings file (default: $FEEDBOT_CONFIG, else ./feedbot.toml)"
EMAIL_HELP = "the person's email, as in the org directory"


def parser() -> argparse.ArgumentParser:
    top = Parser(prog="feedbot", description="Continuous feedback at work.")
    top.add_argument("--config", help=CONFIG_HELP)
    top.add_argument("--version", action="version", version=f"feedbot {package_version('feedbot')}")
    # --config is also taken after any subcommand (`feedbot serve --config prod.toml`); SUPPRESS keeps the
    # value given before the subcommand when none is given after it.
    after = Parser(add_help=False)
    after.add_argument("--config", default=argparse.SUPPRESS, help=CONFIG_HELP)
    sub = Subcommands(top.add_subparsers(dest="command", required=True), after)

    console = sub.add_parser("console", help="chat with the bot in this terminal")
    console.add_argument("--as", dest="as_email", default="ana@example.com", help="who is typing (an email)")
    console.add_argument("--demo", action="store_true", help="load a small sample organisation first")
    console.add_argument("--org", help=ORG_HELP)
    console.add_argument("--now", help="pretend it is this instant (ISO, UTC unless it has an offset): replay a "
                                       "scripted session with the same dates every time")

    serve = sub.add_parser("serve", help="run the HTTP server (Slack, Teams, /healthz, /readyz) and the scheduler")
    serve.add_argument("--host", help="address to listen on (default: server.host in the settings)")
    serve.add_argument("--port", type=int, help="port to listen on (default: server.port in the settings)")

    run_due = sub.add_parser("run-due", help="one scheduler tick: send what is due (now, or --at an instant)")
    run_due.add_argument("--at", help="an ISO instant such as 2026-11-27T15:00 (UTC unless it has an offset)")
    run_due.add_argument("--org", help=ORG_HELP + "; default: every one")

    db = sub.add_parser("db", help="database schema")
    db_sub = sub.nested(db, "db_command")
    db_sub.add_parser("upgrade", help="migrate to the latest schema (every organisation's namespace too)")
    db_sub.add_parser("current", help="print the schema revision of the database and the latest one")
    db_downgrade = db_sub.add_parser("downgrade", help="take the schema back to a revision, before starting an "
                                                        "older feedbot (back up first: what later ones added is lost)")
    db_downgrade.add_argument("revision", help="the revision to go back to, e.g. 0004 (`feedbot db current` on the "
                                               "older release prints its latest)")

    backup = sub.add_parser("backup", help="copy the SQLite database consistently, even while feedbot runs")
    backup.add_argument("file", help="the copy to write (never overwritten); on PostgreSQL use pg_dump instead")
    backup.add_argument("--org", help=ORG_HELP)

    org = sub.add_parser("org", help="the org directory")
    org_sub = sub.nested(org, "org_command")
    org_import = org_sub.add_parser("import", help="create or update people from a CSV file")
    org_import.add_argument("file", help="CSV with columns email,name,manager_email,team,timezone,locale")
    org_import.add_argument("--deactivate-missing", action="store_true",
                            help="deactivate people in the directory who are not in the file (no more prompts)")
    org_import.add_argument("--org", help=ORG_HELP)
    org_sub.add_parser("show", help="print the reporting tree").add_argument("--org", help=ORG_HELP)

    export = sub.add_parser("export", help="write everything about a person as JSON")
    export.add_argument("--person", required=True, metavar="EMAIL", help=EMAIL_HELP)
    export.add_argument("--out", help="file to write (default: standard output)")
    export.add_argument("--org", help=ORG_HELP)

    erase = sub.add_parser("erase", help="remove a person and their personal data (asks first)")
    erase.add_argument("--person", required=True, metavar="EMAIL", help=EMAIL_HELP)
    erase.add_argument("--dry-run", action="store_true", help="print what would be removed and change nothing")
    erase.add_argument("--yes", action="store_true", help="erase without asking for confirmation (scripts)")
    erase.add_argument("--org", help=ORG_HELP)

    link = sub.add_parser("dashboard-link", help="print a one-time sign-in link to the web dashboard")
    link.add_argument("email", help="whose dashboard (an email in the org directory)")
    link.add_argument("--org", help=ORG_HELP)

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


def main(argv: list[str] | None = None) -> int:
    try:
        code = command(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return leave_quietly_on_broken_pipe()


def command(argv: list[str] | None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings(args.config, model=DeploymentSettings)
    except ConfigError as exc:
        print(f"feedbot: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings)
    try:
        return asyncio.run(run(args, settings))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        raise
    except Exception as exc:
        line = explain(exc, settings.database.url)
        if line is None:
            raise
        print(f"feedbot: {line}", file=sys.stderr)
        return 1


async def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "slack":
        return slack_manifest(args)
    if args.command == "teams":
        return teams_package(args)
    if args.command in ("db", "backup"):
        from feedbot import commands_organisations as several
        from feedbot.commands_db import backup, db_command

        if is_multi(settings) and args.command == "db" and args.db_command == "upgrade":
            return await several.upgrade_all(settings)  # type: ignore[arg-type]
        if is_multi(settings) and args.command == "backup":
            settings = await several.organisation_database(settings, args.org)  # type: ignore[arg-type]
        return await db_command(settings, args) if args.command == "db" else backup(settings, args)
    if args.command == "console":
        if args.demo:
            settings = demo_settings(settings)
        clock = FixedClock(parse_instant(args.now, "--now")) if args.now else None
        return await with_deps(settings, lambda deps: console(deps, args), console_out=True, clock=clock,
                               org=args.org)
    if args.command in ("serve", "run-due"):
        from adapters.limiters import shared_limiter
        from adapters.platform import PlatformMessenger
        from feedbot.platforms import enabled_platforms

        # Without a platform configured, run-due prints the messages, as the console does; serve still has the web
        # dashboard to serve, unless that is switched off too.
        pacing = shared_limiter(settings)
        try:
            platforms = enabled_platforms(settings, pacing)
            if args.command == "serve" and not platforms and not settings.dashboard.enabled:
                raise CliError(NOTHING_TO_SERVE)
            if is_multi(settings):
                from feedbot import commands_organisations as several

                run_all = several.serve_all if args.command == "serve" else several.run_due_all
                return await run_all(settings, args, pacing)  # type: ignore[arg-type]
            messenger = PlatformMessenger(platforms) if platforms else None
            action = serve if args.command == "serve" else run_due
            return await with_deps(settings, lambda deps: action(deps, args, platforms), messenger=messenger,
                                   console_out=args.command == "run-due")
        finally:
            if pacing is not None:
                await pacing.aclose()
    if args.command == "org":
        return await with_deps(settings, lambda deps: org(deps, args), org=args.org)
    if args.command == "dashboard-link":
        return await with_deps(settings, lambda deps: dashboard_link(deps, args), org=args.org)
    if args.command == "export":
        return await with_deps(settings, lambda deps: export(deps, args), org=args.org)
    from feedbot.commands_erase import erase

    return await with_deps(settings, lambda deps: erase(deps, args), org=args.org)


async def with_deps(settings: Settings, action: Callable[[Deps], Awaitable[int]], *, console_out: bool = False,
                    clock: Clock | None = None, messenger: Messenger | None = None, org: str | None = None) -> int:
    from adapters.console.chat import ConsoleMessenger

    if is_multi(settings):  # one organisation's namespace and Deps, chosen with --org
        from feedbot import commands_organisations as several

        return await several.with_organisation(settings, org, action, messenger=messenger,  # type: ignore[arg-type]
                                       console_out=console_out, clock=clock)

    require_given(settings, settings.database.url)  # before anything connects
    db = await open_database(settings)
    try:
        sealer = await open_sealer(settings, db, notice=lambda line: print(f"feedbot: {line}", file=sys.stderr))
        messenger = messenger or ConsoleMessenger(sys.stdout if console_out else sys.stderr)
        deps = build_deps(settings, db, messenger, clock=clock, sealer=sealer)
        return await action(deps)
    finally:
        await db.dispose()


def demo_settings(settings: Settings) -> Settings:
    """An admin and the roles' expectations for the sample organisation, unless the settings have their own."""
    if not settings.org.admins:  # so the demo can show what admins do
        settings = settings.model_copy(update={"org": settings.org.model_copy(update={"admins": [DEMO_ADMIN]})})
    if not settings.expectations.catalogue:
        demo = ExpectationsSettings.model_validate(tomllib.loads(DEMO_EXPECTATIONS.read_text(encoding="utf-8")))
        settings = settings.model_copy(update={"expectations": demo})
    return settings


async def console(deps: Deps, args: argparse.Namespace) -> int:
    from adapters.console.chat import ConsoleChat, run_console
    from bot.orgdir import import_people

    if args.demo:
        from feedbot.demo_history import fresh, seed_history

        report = await import_people(deps, DEMO_ORG)
        print(report.summary())
        if fresh(report):  # an empty database: give the sample team a history for the digest's control chart
            print(await seed_history(deps))
    await run_console(deps, ConsoleChat(deps, sys.stdout, args.as_email))
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


async def dashboard_link(deps: Deps, args: argparse.Namespace) -> int:
    from bot.signin import make_link

    async with deps.uow() as uow:
        person = await uow.people.by_email(args.email.strip().lower())
    if person is None or person.deactivated_at is not None:
        raise CliError(f"nobody active with the email {args.email}")
    print(make_link(deps, person, deps.clock.now()))
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


if __name__ == "__main__":
    sys.exit(main())
