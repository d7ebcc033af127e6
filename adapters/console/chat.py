"""Typed lines → neutral commands; views → text. `/as EMAIL` switches who is typing."""

from __future__ import annotations

import asyncio
import os
import signal
import stat
import sys
from dataclasses import dataclass, field
from typing import BinaryIO, TextIO

from adapters.console.render import render_prompt, render_text
from bot.core import cancelled, deliver, handle_command, handle_interaction, handle_message, introduce, person_named
from bot.kernel.answers import check_answer
from bot.kernel.context import Deps
from bot.kernel.errors import FieldError
from bot.kernel.messages import Actor, Command, Interaction, Message, clean
from bot.kernel.outbox import Recipient
from bot.kernel.views import Form, Input, View

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


CONTINUE = "\\"  # a line of a multi-line answer ending in a backslash goes on on the next line
CLEAR = "-"  # empties a prefilled answer, which Enter would keep


def kept(question: Input, typed: str) -> str:
    """The answer to a question shown with its earlier answer in [brackets]: Enter keeps it, CLEAR empties it."""
    if not question.value:
        return typed
    if not typed.strip():
        return question.value
    return "" if typed.strip() == CLEAR else typed


@dataclass
class OpenForm:
    """A form being answered line by line: each typed line answers the next question, unless it ends in
    CONTINUE in a multi-line question."""

    form: Form
    questions: list[Input]
    answers: dict[str, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)  # of a multi-line answer, so far


class ConsoleChat:
    def __init__(self, deps: Deps, out: TextIO, as_email: str) -> None:
        self.deps = deps
        self.out = out
        self.actor = console_actor(as_email)
        self.open_form: OpenForm | None = None
        self.locale: str | None = None  # of the last reply: the console's own hints follow it
        self.interactive = False  # a person at a terminal (prompts are shown), not a piped script

    @property
    def prompt(self) -> str:
        return f"{self.actor.email}> "

    async def start(self) -> None:
        await self._show([await introduce(self.deps, self.actor)])

    async def handle_line(self, line: str) -> bool:
        """Handle one typed line; False when the person wants to leave."""
        line = clean(line).strip()  # as every platform's input is: the console's own /as and forms read it raw
        if self.open_form is not None and (self.open_form.lines or not line.startswith("/")):
            await self._answer(line)
            return True
        if self.open_form is not None and (line.lower() == "/cancel" or line.split(" ")[0].lower() == "/as"):
            self.open_form = None  # /cancel leaves the form; so does typing as someone else
            await self._show([await cancelled(self.deps, self.actor)])
            if line.lower() == "/cancel":
                return True
        if not line or line.startswith("#"):  # blank lines and comments in piped scripts
            return True
        name, _, text = line.lstrip("/").partition(" ")
        if name in ("quit", "exit"):
            return False
        if name == "as" and line.startswith("/"):
            email, refusal = await person_named(self.deps, self.actor, text or self.actor.user_id)
            if email is None:  # nobody fits: the session stays with who was typing
                await self._show([refusal] if refusal else [])
                return True
            self.actor = console_actor(email)
            await self._show([await introduce(self.deps, self.actor)])
            return True
        if line.startswith("/"):
            views = await handle_command(self.deps, Command(actor=self.actor, name=name, text=text))
        else:
            views = await handle_message(self.deps, Message(actor=self.actor, text=line))
        answering = self.open_form
        await self._show(views)
        await deliver(self.deps)
        if answering is not None and self.open_form is answering:  # a command in the middle: the form goes on
            self.out.write(render_prompt(answering.questions[0]) + "\n")
            self.out.flush()
        return True

    async def _show(self, views: list[View]) -> None:
        for view in views:
            self.locale = view.locale or self.locale
            t = self.deps.catalogs.translator(view.locale or None)
            form = view.form()
            hint = t("{cancel} to stop", cancel="/cancel")
            if form is not None and any(question.kind == "multiline" for question in form.inputs):
                hint = t("{cancel} to stop; end a line with {mark} to write another line", cancel="/cancel",
                         mark=CONTINUE)
            if form is not None and any(question.value for question in form.inputs):
                hint += "; " + t("Enter keeps an answer in [brackets], {clear} empties it", clear=CLEAR)
            self.out.write(render_text(view, hint) + "\n")
            if form is not None:
                self._ask(OpenForm(form, list(form.inputs)))
            elif view.field_errors and self.open_form is not None:  # ask again what was wrong
                retry = [i for i in self.open_form.form.inputs if i.name in view.field_errors]
                self._ask(OpenForm(self.open_form.form, retry, self.open_form.answers))
        self.out.flush()

    async def interrupted(self) -> None:
        """Ctrl-C: cancel the open form at once, or say how to leave."""
        if self.open_form is not None:
            self.open_form = None
            await self._show([await cancelled(self.deps, self.actor)])
        else:
            t = self.deps.catalogs.translator(self.locale)
            self.out.write("\n" + t("Press Ctrl-C again or Ctrl-D to leave.") + "\n")
        if self.interactive:
            self.out.write(self.prompt)
        self.out.flush()

    def _ask(self, open_form: OpenForm) -> None:
        self.open_form = open_form
        self.out.write(render_prompt(open_form.questions[0]) + "\n")

    async def _answer(self, line: str) -> None:
        """One answer, checked at once: what the question itself says is wrong is asked again right away."""
        current = self.open_form
        assert current is not None
        question = current.questions[0]
        if question.kind == "multiline" and line.endswith(CONTINUE):
            current.lines.append(line.removesuffix(CONTINUE).rstrip())
            return
        typed, current.lines = kept(question, "\n".join([*current.lines, line])), []
        try:
            current.answers[question.name] = check_answer(question, typed)
        except FieldError as problem:
            t = self.deps.catalogs.translator(self.locale)
            self.out.write(f"  ⚠ {t(problem.message, **problem.params)}\n{render_prompt(question)}\n")
            return
        current.questions.pop(0)
        while current.questions and current.questions[0].follows and not current.answers.get(
                current.questions[0].follows):  # a follow-up of a question left empty is not asked
            current.questions.pop(0)
        if current.questions:
            self.out.write(render_prompt(current.questions[0]) + "\n")
            return
        interaction = Interaction(actor=self.actor, command=current.form.command, values=current.answers)
        views = await handle_interaction(self.deps, interaction)
        self.open_form = current if any(v.field_errors for v in views) else None
        await self._show(views)
        if self.open_form is current:  # nothing was asked again: the form is done
            self.open_form = None
        await deliver(self.deps)


async def run_console(deps: Deps, chat: ConsoleChat, stdin: TextIO = sys.stdin) -> None:
    """Read lines until /quit, end of input or a second Ctrl-C. Ctrl-C cancels an open form at once.

    A terminal or a pipe is read by the event loop, not by a thread blocked in readline, so Ctrl-C is handled
    at once and leaving never waits for one more Enter. Bytes that are not UTF-8 become U+FFFD instead of
    ending the chat.
    """
    chat.interactive = stdin.isatty()
    interrupts = Interrupts(chat, asyncio.get_running_loop())
    lines = await LineReader.open(stdin)
    try:
        await chat.start()
        while True:
            if chat.interactive:
                chat.out.write(chat.prompt)
                chat.out.flush()
            line = await interrupts.next_line(lines)
            if line is None or not await chat.handle_line(line):
                break
    finally:
        interrupts.close()
        lines.close()


class LineReader:
    """Lines of bytes from stdin: through the event loop for a terminal or a pipe, directly from a file (`<`),
    which never blocks and which the loop cannot watch."""

    def __init__(self, stream: asyncio.StreamReader | None, file: BinaryIO,
                 transport: asyncio.BaseTransport | None = None) -> None:
        self.stream, self.file, self.transport = stream, file, transport

    @classmethod
    async def open(cls, stdin: TextIO) -> LineReader:
        if stat.S_ISREG(os.fstat(stdin.fileno()).st_mode):
            return cls(None, stdin.buffer)
        stream = asyncio.StreamReader()
        transport, _ = await asyncio.get_running_loop().connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(stream), stdin)
        return cls(stream, stdin.buffer, transport)

    async def readline(self) -> bytes:
        return await self.stream.readline() if self.stream is not None else self.file.readline()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


class Interrupts:
    """Ctrl-C while a line is awaited: the first cancels the open form (or says how to leave), a second one in a
    row leaves."""

    def __init__(self, chat: ConsoleChat, loop: asyncio.AbstractEventLoop) -> None:
        self.chat, self.loop = chat, loop
        self.pressed = asyncio.Event()
        self.installed = True
        try:
            loop.add_signal_handler(signal.SIGINT, self.pressed.set)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no signals here
            self.installed = False

    async def next_line(self, reader: LineReader) -> str | None:
        """The next line; None at end of input or after a second Ctrl-C in a row."""
        reading = asyncio.ensure_future(reader.readline())
        again = False
        try:
            while True:
                interrupt = asyncio.ensure_future(self.pressed.wait())
                done, _ = await asyncio.wait({reading, interrupt}, return_when=asyncio.FIRST_COMPLETED)
                if reading in done:
                    interrupt.cancel()
                    data = reading.result()
                    return data.decode("utf-8", errors="replace") if data else None
                self.pressed.clear()
                if again:
                    return None
                again = True
                await self.chat.interrupted()
        finally:
            reading.cancel()

    def close(self) -> None:
        if self.installed:
            self.loop.remove_signal_handler(signal.SIGINT)
