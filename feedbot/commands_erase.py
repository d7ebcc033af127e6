"""`feedbot erase --person EMAIL [--dry-run | --yes]`: nothing is erased without a yes."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from bot.datarights import ErasureReport, erase_person
from bot.kernel.context import Deps
from feedbot.cli_errors import CliError
from storage.uow import UnitOfWork

UnitOfWorkFactory = Callable[[], AbstractAsyncContextManager[UnitOfWork]]


class _RolledBack(Exception):
    """Raised at the end of a dry run's transaction, so it rolls back."""


def rolled_back(uow: UnitOfWorkFactory) -> UnitOfWorkFactory:
    """Units of work that run every statement and then roll it all back: a dry run sees exactly what would go."""

    @asynccontextmanager
    async def dry() -> AsyncIterator[UnitOfWork]:
        try:
            async with uow() as unit:
                yield unit
                raise _RolledBack
        except _RolledBack:
            pass

    return dry


async def erase(deps: Deps, args: argparse.Namespace) -> int:
    if args.dry_run or not args.yes:
        preview = await erase_person(dataclasses.replace(deps, uow=rolled_back(deps.uow)), args.person)
        if preview is None:
            raise CliError(f"nobody with the email {args.person}")
        print(would_erase(preview))
        if args.dry_run:
            print("nothing was changed (--dry-run)")
            return 0
        if not confirmed(args.person):
            raise CliError(f"nothing was erased: type yes to erase {args.person}, or run it with --yes")
    report = await erase_person(deps, args.person)
    if report is None:
        raise CliError(f"nobody with the email {args.person}")
    print(report.summary())
    return 0


def would_erase(report: ErasureReport) -> str:
    return "would erase" + report.summary().removeprefix("erased")


def confirmed(email: str) -> bool:
    print(f"Erase {email} for good? This cannot be undone. Type yes to go on: ", end="", flush=True)
    answer = sys.stdin.readline()
    if not answer:
        print()
    return answer.strip().lower() == "yes"
