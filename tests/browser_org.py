"""A small organisation with a few weeks of history, served on a loopback port from a thread of its own, so
synchronous browser tests share one browser and one server (tests/test_dashboard_browser.py)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from adapters.console.chat import ConsoleMessenger
from adapters.server import RunningServer, start_server
from bot.kernel.clock import FixedClock
from bot.kernel.settings import Settings
from bot.orgdir import import_people
from bot.rhythm.scheduler import tick
from feedbot.app import build_deps
from storage.db import Database
from storage.migrate import upgrade
from tests.conftest import START, Console
from tests.fakes.oidc_provider import FakeIdentityProvider
from tests.test_pulse import SURVEY
from tests.web_dashboard import Dashboard

T = TypeVar("T")
ADMIN, ANA = "admin@example.com", "ana@example.com"
APPS = [f"apps{n}@example.com" for n in range(1, 7)]
ROWS = ["email,name,manager_email,team,timezone,locale", f"{ADMIN},Hanna Admin,,,,",
        f"{ANA},Ana Lima,,Apps,Europe/Stockholm,", "wei@example.com,Wei Zhang,,Platform,Asia/Shanghai,zh_Hans",
        "yu@example.com,Yu-ting Lin,wei@example.com,Platform,Asia/Taipei,zh_Hant",
        *[f"{email},{name},{ANA},Apps,Europe/Stockholm," for email, name in zip(APPS, (
            "Bo Nilsson", "Cy Walker", "Lea Berg", "Max Ortiz", "Noor Haddad", "Sam Ek"), strict=True)]]
MOODS = ((3, 4, 3, 2, 4, 3), (4, 4, 3, 3, 4, 4), (4, 5, 4, 3, 4, 4), (5, 4, 4, 4, 5, 4))
VIEWED = START + timedelta(days=7)  # the Monday after: the team page is the digest of the week with the pulse round


class BrowserOrg:
    """The org, its database and the real server, on an event loop in a thread."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.dashboard: Dashboard = self.run(self._start())

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def link(self, email: str) -> str:
        return self.run(self.dashboard.link(email))

    def uid(self, email: str) -> str:
        async def find() -> str:
            async with self.dashboard.deps.uow() as uow:
                person = await uow.people.by_email(email)
            assert person is not None
            return person.uid
        return self.run(find())

    async def _start(self) -> Dashboard:
        self.db = Database(f"sqlite:///{self.tmp / 'browser.db'}")
        await upgrade(self.db.engine)
        self.clock = FixedClock(START - timedelta(weeks=3))
        # Sign in with Slack, played by a fake provider that signs in Ana
        self.idp = await FakeIdentityProvider(now=self.clock.now, user={"email": ANA, "email_verified": True}).start()
        settings = Settings.model_validate({"org": {"admins": [ADMIN]}, "privacy": {"secret_key": "browser-" * 5},
                                            "pulse": {"surveys": [SURVEY]},
                                            "dashboard": {"oidc": {"slack": self.idp.slack()}}})
        deps = build_deps(settings, self.db, ConsoleMessenger(open(self.tmp / "sent.txt", "w")),  # noqa: SIM115
                          clock=self.clock)
        (self.tmp / "org.csv").write_text("\n".join(ROWS) + "\n")
        await import_people(deps, self.tmp / "org.csv")
        chat = Console(deps)
        for week, moods in enumerate(MOODS):  # four weeks of check-ins, the last with a blocker
            self.clock.set(START - timedelta(weeks=3 - week) + timedelta(hours=5))
            for email, mood in zip(APPS, moods, strict=True):
                blocker = "Waiting for the staging VPN" if week == 3 and email == APPS[3] else ""
                kind = ["1"] if blocker else []  # a blocker is asked its kind (waiting on others)
                for line in ("/checkin", "Shipped the release", "Release notes", blocker, *kind, str(mood), ""):
                    await chat.type(line, as_=email)
        await chat.type("/idea Cache the wheels in CI", as_=APPS[0])
        await chat.type("/idea --anon Fewer status meetings", as_=APPS[1])
        await chat.type("/idea Pair on code reviews", as_=ANA)
        for email in APPS[:4]:
            await chat.type("/idea vote 1", as_=email)
        await chat.type("/kudos @apps2 Thanks for the release notes #teamwork", as_=APPS[0])
        for email, line in ((ANA, "/goal add --team Make the app fast"),  # after the check-ins: they would ask
                            (APPS[0], "/goal add Cut latency by 2027-03-31"),
                            (APPS[0], "/goal kr 2 Cut p95 latency from 900 to 200 ms"),
                            (APPS[0], "/goal align 2 to 1"), (APPS[0], "/goal update 2.1 450 off track Cold cache"),
                            (APPS[0], "/grow add Learn query tuning — the PostgreSQL course")):
            await chat.type(line, as_=email)
        opens = START + timedelta(hours=1)
        self.clock.set(opens)
        await tick(deps, opens)
        for email in APPS:
            for line in ("/pulse answer 1", "4", "9", "Tuesday", ""):
                await chat.type(line, as_=email)
        self.clock.set(VIEWED)
        await tick(deps, START + timedelta(days=4, hours=2))
        self.server: RunningServer = await start_server(deps)
        return Dashboard(deps, self.server)

    def close(self) -> None:
        async def stop() -> None:
            await self.server.close()
            await self.idp.close()
            await self.db.dispose()
        self.run(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
