"""The scripted console sessions in the docs are real: each runs through `feedbot console --demo` as shown.

README.md shows a short first session (examples/first-steps.txt); docs/session.md the full week in a team
(examples/session.txt). Each page has a ```text block with the script after `<!-- … script -->` and one with
what the console prints after `<!-- … output -->`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SESSIONS = [
    pytest.param("README.md", "first steps", "examples/first-steps.txt", id="readme-first-steps"),
    pytest.param("docs/session.md", "session", "examples/session.txt", id="docs-session"),
]


def block_after(page: str, marker: str) -> str:
    text = (ROOT / page).read_text(encoding="utf-8")
    match = re.search(re.escape(marker) + r"\n```text\n(.*?)```", text, re.DOTALL)
    assert match, f"{page} has no ```text block after {marker}"
    return match.group(1)


@pytest.mark.parametrize(("page", "name", "script"), SESSIONS)
def test_the_page_shows_the_example_script(page, name, script):
    assert block_after(page, f"<!-- {name} script -->") == (ROOT / script).read_text(encoding="utf-8")


@pytest.mark.parametrize(("page", "name", "script"), SESSIONS)
def test_the_example_script_prints_what_the_page_shows(page, name, script, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDBOT_")}
    env["FEEDBOT_DATABASE__URL"] = f"sqlite:///{tmp_path / 'feedbot.db'}"
    result = subprocess.run([sys.executable, "-m", "feedbot.cli", "console", "--demo", "--as", "ana@example.com",
                             "--now", "2026-11-27T16:00"],
                            input=(ROOT / script).read_text(encoding="utf-8"), capture_output=True,
                            text=True, cwd=tmp_path, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == block_after(page, f"<!-- {name} output -->")
