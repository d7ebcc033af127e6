"""The layers in pyproject.toml hold, and they are real: each kind of violation a change could bring in breaks them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = ("feedbot", "adapters", "bot", "storage", "tests", "benchmarks")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PYTHONPATH": str(tree)}
    command = [str(Path(sys.executable).parent / "lint-imports"), "--no-cache", "--config", "pyproject.toml"]
    return subprocess.run(command, cwd=tree, env=environ, capture_output=True, text=True, timeout=120, check=False)


def test_the_tree_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 9 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(("module", "line", "broken"), [
    ("bot/kudos.py", "import adapters.slack", "The core and storage know no platform"),
    ("storage/models/ideas.py", "import slack_sdk", "The core and storage know no platform"),
    ("bot/rhythm/dispatch.py", "import prometheus_client", "The core and storage depend on no metrics library"),
    ("storage/uow.py", "from prometheus_client import Counter", "The core and storage depend on no metrics"),
    ("adapters/slack/blocks.py", "import botbuilder.schema", "Bot Framework only inside adapters.teams"),
    ("tests/test_kudos.py", "import botbuilder.core", "Tests and benchmarks reach Bot Framework"),
    ("adapters/teams/cards.py", "import slack_sdk", "Slack SDKs only inside adapters.slack"),
    ("adapters/console/render.py", "import adapters.teams.cards", "Each chat platform stands alone"),
    ("bot/ideas/idea.py", "import bot.kudos", "Inside the core"),  # features are independent
    ("bot/kernel/views.py", "import bot.core", "No import circles"),
    ("bot/rhythm/record.py", "import bot.checkins", "Inside the core"),  # the rhythm knows no feature
    ("storage/db.py", "import bot.kernel.clock", "Composition root → adapters → core → storage"),
])
def test_a_deliberate_violation_breaks_its_contract(tmp_path, module, line, broken):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # deliberate\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert verdict(result.stdout, broken) == "BROKEN", result.stdout


def verdict(report: str, contract: str) -> str:
    """KEPT or BROKEN, as the report says of the contract whose name starts with `contract`."""
    words = " ".join(report.split())  # long contract names wrap
    after = words[words.index(contract):]
    return min(("KEPT", "BROKEN"), key=lambda word: after.find(f" {word}") % len(after))
