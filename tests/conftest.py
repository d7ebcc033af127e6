"""Fixtures: real storage on SQLite and PostgreSQL, a fixed clock, and the console adapter as the driver.

PostgreSQL runs when FEEDBOT_TEST_DATABASE_URL is set (CI sets it); each test gets its own schema.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.console.chat import ConsoleChat, ConsoleMessenger
from bot.kernel.clock import FixedClock
from bot.kernel.context import Deps
from bot.kernel.i18n import Catalogs
from bot.kernel.settings import Settings
from feedbot.app import build_deps
from storage.db import Database, create_engine
from storage.migrate import upgrade

PG_URL = os.environ.get("FEEDBOT_TEST_DATABASE_URL", "")
if os.environ.get("FEEDBOT_REQUIRE_POSTGRES") and not PG_URL:
    raise RuntimeError("FEEDBOT_REQUIRE_POSTGRES is set but FEEDBOT_TEST_DATABASE_URL is not")
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday

NO_POSTGRES = "FEEDBOT_TEST_DATABASE_URL is not set"
backends = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.skipif(not PG_URL, reason=NO_POSTGRES))]
LEFT_OUT = pytest.StashKey[int]()
BROWSER_LEFT_OUT = pytest.StashKey[str]()


def browser_missing() -> str:
    """Why the browser tests cannot run here ("" when they can)."""
    chromium = os.environ.get("FEEDBOT_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).is_file():
        return f"no chromium at {chromium} (install it with scripts/browser)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (scripts/setup)"
    return ""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without PostgreSQL its half of the suite is left out, said once in the summary instead of once per test;
    so are the browser tests without chromium (CI sets FEEDBOT_REQUIRE_BROWSER=1: then they fail instead)."""
    browser = [item for item in items if item.get_closest_marker("browser")]
    missing = browser_missing() if browser else ""
    if missing:
        if os.environ.get("FEEDBOT_REQUIRE_BROWSER"):
            raise pytest.UsageError(f"FEEDBOT_REQUIRE_BROWSER is set but the browser tests cannot run: {missing}")
        config.hook.pytest_deselected(items=browser)
        items[:] = [item for item in items if item not in set(browser)]
        config.stash[BROWSER_LEFT_OUT] = f"Browser tests skipped ({len(browser)} tests): {missing}"
    if PG_URL:
        return
    postgres = [item for item in items
                if any(mark.kwargs.get("reason") == NO_POSTGRES for mark in item.iter_markers("skipif"))]
    if postgres:
        config.hook.pytest_deselected(items=postgres)
        left_out = set(postgres)
        items[:] = [item for item in items if item not in left_out]
    config.stash[LEFT_OUT] = len(postgres)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    if config.stash.get(BROWSER_LEFT_OUT, ""):
        terminalreporter.write_line(config.stash[BROWSER_LEFT_OUT], yellow=True)
    if config.stash.get(LEFT_OUT, 0):
        terminalreporter.write_line(
            f"PostgreSQL half skipped ({config.stash[LEFT_OUT]} tests): run it with "
            "FEEDBOT_TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test scripts/test", yellow=True)


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    return Catalogs()


@pytest.fixture(scope="session", autouse=True)
def user_config_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`feedbot` commands run by tests keep their privacy key here, never in the real ~/.config."""
    home = tmp_path_factory.mktemp("user-config")
    before = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(home)
    yield home
    if before is None:
        del os.environ["XDG_CONFIG_HOME"]
    else:
        os.environ["XDG_CONFIG_HOME"] = before


@pytest.fixture(params=backends)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database of each backend."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'test.db'}")
        await upgrade(db.engine)
        yield db
        await db.dispose()
        return
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(PG_URL, connect_args={"server_settings": {"search_path": schema}})
    try:
        await upgrade(db.engine)
        yield db
    finally:
        await db.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.model_validate({
        "org": {"admins": ["admin@example.com"]},
        "privacy": {"secret_key": "test-secret"},
    })


class Console:
    """Drives the real console adapter: type lines as someone, read what came back."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.out = io.StringIO()
        self.messenger = ConsoleMessenger(self.out)
        self.chat = ConsoleChat(deps, self.out, "admin@example.com")

    async def type(self, line: str, *, as_: str | None = None) -> str:
        """Type one line (as `as_` if given); returns everything printed, replies and `→` deliveries."""
        if as_ is not None and as_ != self.chat.actor.email:
            await self.chat.handle_line(f"/as {as_}")
        start = self.out.tell()
        await self.chat.handle_line(line)
        return self.out.getvalue()[start:]

    async def people(self, *emails: str) -> None:
        """Make people exist, as the console does on `/as`."""
        for email in emails:
            await self.chat.handle_line(f"/as {email}")


@pytest.fixture
def deps_factory(database: Database, clock: FixedClock, catalogs: Catalogs) -> Iterator[object]:
    def make(settings: Settings) -> tuple[Deps, Console]:
        holder: list[Console] = []

        class LateMessenger:
            async def send(self, recipient: object, view: object) -> None:
                await holder[0].messenger.send(recipient, view)  # type: ignore[arg-type]

        deps = build_deps(settings, database, LateMessenger(), clock=clock, catalogs=catalogs)
        console = Console(deps)
        holder.append(console)
        return deps, console

    yield make


@pytest.fixture
def deps_and_console(deps_factory: object, settings: Settings) -> tuple[Deps, Console]:
    return deps_factory(settings)  # type: ignore[operator]


@pytest.fixture
def deps(deps_and_console: tuple[Deps, Console]) -> Deps:
    return deps_and_console[0]


@pytest.fixture
def console(deps_and_console: tuple[Deps, Console]) -> Console:
    return deps_and_console[1]
