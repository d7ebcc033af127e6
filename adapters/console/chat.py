"""Typed lines → neutral commands; views → text. `/as EMAIL` switches who is typing."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from adapters.console.render import render_text
from bot.core import deliver, handle_command, handle_message, introduce
from bot.deps import Deps
from bot.messages import Actor, Command, Message
from bot.outbox import Recipient
from bot.views import View

PLATFORM = "console"


def console_actor(email: str) -> Actor:
    email = email.strip().lower()
    return Actor(platform=PLATFORM, user_id=email, email=email)


class ConsoleMessenger:
    """Prints every message the bot sends to someone else: `→ bo@example.com: …`."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    async def send(self, recipient: Recipient, view: View) -> None:
        text = render_text(view).replace("\n", "\n  ")
        self.out.write(f"→ {recipient.describe()}: {text}\n")


class ConsoleChat:
    def __init__(self, deps: Deps, out: TextIO, as_email: str) -> None:
        self.deps = deps
        self.out = out
        self.actor = console_actor(as_email)

    @property
    def prompt(self) -> str:
        return f"{self.actor.email}> "

    async def start(self) -> None:
        await self._show([await introduce(self.deps, self.actor)])

    async def handle_line(self, line: str) -> bool:
        """Handle one typed line; False when the person wants to leave."""
        line = line.strip()
        if not line or line.startswith("#"):  # blank lines and comments in piped scripts
            return True
        name, _, text = line.lstrip("/").partition(" ")
        if name in ("quit", "exit"):
            return False
        if name == "as" and line.startswith("/"):
            self.actor = console_actor(text or self.actor.user_id)
            await self._show([await introduce(self.deps, self.actor)])
            return True
        if line.startswith("/"):
            views = await handle_command(self.deps, Command(actor=self.actor, name=name, text=text))
        else:
            views = await handle_message(self.deps, Message(actor=self.actor, text=line))
        await self._show(views)
        await deliver(self.deps)
        return True

    async def _show(self, views: list[View]) -> None:
        for view in views:
            self.out.write(render_text(view) + "\n")
        self.out.flush()


async def run_console(deps: Deps, chat: ConsoleChat, stdin: TextIO = sys.stdin) -> None:
    interactive = stdin.isatty()
    await chat.start()
    loop = asyncio.get_running_loop()
    while True:
        if interactive:
            chat.out.write(chat.prompt)
            chat.out.flush()
        line = await loop.run_in_executor(None, stdin.readline)
        if not line or not await chat.handle_line(line):
            break
