"""The README's scripted console session is real: it runs through `feedbot console --demo` as shown."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
TODAY = re.compile(r"\b(?!2030-06-30)\d{4}-\d{2}-\d{2}\b")  # the run's own dates vary; the goal's due date doesn't


def block_after(marker: str) -> str:
    match = re.search(re.escape(marker) + r"\n```text\n(.*?)```", README, re.DOTALL)
    assert match, f"README has no ```text block after {marker}"
    return match.group(1)


def test_the_readme_shows_the_example_script():
    assert block_after("<!-- session script -->") == (ROOT / "examples/session.txt").read_text(encoding="utf-8")


def test_the_example_session_prints_what_the_readme_shows(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDBOT_")}
    env["FEEDBOT_DATABASE__URL"] = f"sqlite:///{tmp_path / 'feedbot.db'}"
    result = subprocess.run([sys.executable, "-m", "bot.cli", "console", "--demo", "--as", "ana@example.com"],
                            input=(ROOT / "examples/session.txt").read_text(encoding="utf-8"), capture_output=True,
                            text=True, cwd=tmp_path, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert TODAY.sub("DATE", result.stdout) == TODAY.sub("DATE", block_after("<!-- session output -->"))
