"""Ctrl-C in a real `feedbot console` process: the first cancels an open form at once, a second in a row leaves
cleanly; bytes that are not UTF-8 never end the chat."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


class Console:
    def __init__(self, workdir: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDBOT_")}
        env["FEEDBOT_DATABASE__URL"] = f"sqlite:///{workdir / 'feedbot.db'}"
        env["FEEDBOT_PRIVACY__SECRET_KEY"] = "console-signal-test-secret-key-0123456789"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "feedbot.cli", "console", "--demo", "--as", "ana@example.com"], cwd=workdir,
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.output = b""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        while chunk := self.process.stdout.read1(4096):
            self.output += chunk

    def type(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def wait_for(self, text: str, after: int = 0, timeout: float = 30) -> int:
        """Wait until `text` appears in the output after position `after`; returns the position past it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.output.decode("utf-8", errors="replace").find(text, after)
            if found >= 0:
                return found + len(text)
            assert self.process.poll() is None, self.output.decode() + self.process.stderr.read().decode()
            time.sleep(0.05)
        raise AssertionError(f"{text!r} did not appear: {self.output.decode(errors='replace')[after:]}")


def test_ctrl_c_cancels_the_form_at_once_and_a_second_one_leaves_cleanly(tmp_path):
    console = Console(tmp_path)
    try:
        seen = console.wait_for("Type /help to see what I can do.")
        console.type(b"/checkin\n")
        seen = console.wait_for("/cancel to stop", seen)
        console.process.send_signal(signal.SIGINT)  # no Enter: the form is cancelled at once
        seen = console.wait_for("Cancelled — nothing was saved.", seen)
        console.type(b"\xff\xfe not UTF-8\n/kudos @bo Thanks for the review\n")  # the chat goes on
        seen = console.wait_for("Kudos sent to @Bo Nilsson", seen)
        console.process.send_signal(signal.SIGINT)
        seen = console.wait_for("Press Ctrl-C again or Ctrl-D to leave.", seen)
        console.process.send_signal(signal.SIGINT)
        assert console.process.wait(timeout=30) == 0
        assert b"Traceback" not in console.process.stderr.read()
    finally:
        if console.process.poll() is None:
            console.process.kill()


def test_ctrl_d_leaves(tmp_path):
    console = Console(tmp_path)
    console.wait_for("Type /help to see what I can do.")
    console.process.stdin.close()
    assert console.process.wait(timeout=30) == 0
