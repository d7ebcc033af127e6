"""The README's scripted console session is real: it runs through `feedbot console --demo` as shown."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def block_after(marker: str) -> str:
    match = re.search(re.escape(marker) + r"\n```text\n(.*?)```", README, re.DOTALL)
    assert match, f"README has no ```text block after {marker}"
    return match.group(1)


def test_the_readme_shows_the_example_script():
    assert block_after("<!-- session script -->") == (ROOT / "examples/session.txt").read_text(encoding="utf-8")


def test_the_example_session_prints_what_the_readme_shows(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDBOT_")}
    env["FEEDBOT_DATABASE__URL"] = f"sqlite:///{tmp_path / 'feedbot.db'}"
    result = subprocess.run([sys.executable, "-m", "feedbot.cli", "console", "--demo", "--as", "ana@example.com",
                             "--now", "2026-11-27T16:00"],
                            input=(ROOT / "examples/session.txt").read_text(encoding="utf-8"), capture_output=True,
                            text=True, cwd=tmp_path, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == block_after("<!-- session output -->")
