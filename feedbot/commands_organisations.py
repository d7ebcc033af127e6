"""The command line when the deployment serves several organisations: `--org SLUG` picks the one a data command acts
on, `db upgrade` migrates every organisation's namespace, `serve` and `run-due` run them all."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable

from adapters.console.chat import ConsoleMessenger
from adapters.pacing import Limiter
from bot.kernel.clock import Clock
from bot.kernel.context import Deps
from bot.kernel.outbox import Messenger
from feedbot.app import open_database
from feedbot.cli_errors import CliError
from feedbot.organisation_settings import DeploymentSettings
from feedbot.organisations import Organisation, Organisations
from feedbot.privacy_key import find_key, open_sealer, require_given, sample_seals
from storage.db import Database


async def deployment_secret(settings: DeploymentSettings, main: Database) -> bytes:
    """The deployment's privacy key: each organisation's own key is derived from it."""
    notice = lambda line: print(f"feedbot: {line}", file=sys.stderr)  # noqa: E731
    await open_sealer(settings, main, notice)  # the same checks as one organisation's key: given, long enough
    return find_key(settings, main.url, has_seals=bool(await sample_seals(main)), notice=notice).secret


async def with_organisation(settings: DeploymentSettings, slug: str | None, action: Callable[[Deps], Awaitable[int]],
                            *, messenger: Messenger | None = None, console_out: bool = False,
                            clock: Clock | None = None) -> int:
    require_given(settings, settings.database.url)
    main = await open_database(settings)
    organisations = Organisations(settings, main, await deployment_secret(settings, main), clock=clock,
                                  messenger=messenger or ConsoleMessenger(sys.stdout if console_out else sys.stderr))
    try:
        # A suspended (uninstalled) organisation's data stays until an admin exports or erases it: open it too.
        await organisations.open(only=await chosen(organisations, slug, suspended=True), suspended=True)
        org = organisations.all()[0]
        return await action(org.deps)
    finally:
        await organisations.close()
        await main.dispose()


async def chosen(organisations: Organisations, slug: str | None, *, suspended: bool = False) -> str:
    slugs = await organisations.slugs(suspended=suspended)
    if slug is None and len(slugs) == 1:
        return slugs[0]
    if slug is None:
        raise CliError(f"this deployment serves {len(slugs)} organisations: say which with --org "
                       f"({', '.join(slugs) or 'none yet'})")
    if slug not in slugs:
        raise CliError(f"--org {slug}: no such organisation here ({', '.join(slugs) or 'none yet'})")
    return slug


async def upgrade_all(settings: DeploymentSettings) -> int:
    main = await open_database(settings, migrate=True)
    organisations = Organisations(settings, main, await deployment_secret(settings, main),
                                  messenger=ConsoleMessenger(sys.stderr))
    try:
        await organisations.open(migrate=True)
        print(f"database is at the latest schema, and the namespaces of {len(organisations.all())} organisations")
        return 0
    finally:
        await organisations.close()
        await main.dispose()


async def serve_all(settings: DeploymentSettings, args: argparse.Namespace, pacing: Limiter | None) -> int:
    from feedbot.serve_organisations import start_deployment

    require_given(settings, settings.database.url)
    main = await open_database(settings)
    try:
        deployment = await start_deployment(settings, main, await deployment_secret(settings, main),
                                            host=args.host or settings.server.host,
                                            port=args.port or settings.server.port, pacing=pacing)
        assert deployment.server is not None
        print(f"feedbot listening on {deployment.server.url} for {len(deployment.organisations.all())} organisations")
        stopped = asyncio.Event()
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(stop_signal, stopped.set)
        try:
            await stopped.wait()
        finally:
            await deployment.close()
        return 0
    finally:
        await main.dispose()


async def run_due_all(settings: DeploymentSettings, args: argparse.Namespace, pacing: Limiter | None, *,
                      main: Database | None = None) -> int:
    """One tick for every organisation (or --org's), each through its own platforms. `main` is the main database
    when the caller has it open already (and closes it); by default it is opened from `database.url`."""
    if main is None:
        opened = await open_database(settings)
        try:
            return await run_due_all(settings, args, pacing, main=opened)
        finally:
            await opened.dispose()
    from bot.rhythm.scheduler import tick
    from feedbot.commands_serve import parse_instant
    from feedbot.platforms import enabled_platforms
    from feedbot.serve_organisations import server_deps
    from feedbot.slack_installs import stored_tokens

    async def started(org: Organisation) -> None:
        for platform in org.platforms:
            await platform.start(org.deps)

    at = parse_instant(args.at, "--at") if args.at else None
    organisations = Organisations(settings, main, await deployment_secret(settings, main), started=started,
                                  platforms_for=lambda org_settings: enabled_platforms(org_settings, pacing),
                                  messenger=ConsoleMessenger(sys.stdout))
    if settings.slack.oauth:  # each installed workspace's token, from the main database's installs
        organisations.slack_tokens = stored_tokens(server_deps(settings, main, organisations))
    try:
        await organisations.open(only=await chosen(organisations, args.org) if args.org else None)
        for org in organisations.all():
            recorded = await tick(org.deps, at)
            print(f"{org.slug}: " + (", ".join(f"{n} {kind}" for kind, n in sorted(recorded.items())) or "nothing due"))
        return 0
    finally:
        await organisations.close()


async def organisation_database(settings: DeploymentSettings, slug: str | None) -> DeploymentSettings:
    """The settings with database.url at --org's namespace (`feedbot backup` copies that one SQLite file)."""
    from feedbot.namespaces import connection_of, namespace_of

    main = await open_database(settings)
    try:
        organisations = Organisations(settings, main, b"", messenger=ConsoleMessenger(sys.stderr))
        url, _ = connection_of(main.url, namespace_of(main.url, await chosen(organisations, slug, suspended=True)))
    finally:
        await main.dispose()
    return settings.model_copy(update={"database": settings.database.model_copy(update={"url": url})})
