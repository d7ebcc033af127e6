"""Everything the core needs, passed in one explicit dataclass (no globals, no container)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from bot.clock import Clock
from bot.i18n import Catalogs
from bot.outbox import Messenger
from bot.sealing import Sealer
from bot.settings import Settings
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Deps:
    settings: Settings
    clock: Clock
    catalogs: Catalogs
    uow: Callable[[], AbstractAsyncContextManager[UnitOfWork]]
    messenger: Messenger
    sealer: Sealer
