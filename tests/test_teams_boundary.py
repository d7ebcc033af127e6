"""botbuilder is archived upstream: every import of it stays in adapters/teams, so the Teams transport can
move to the Microsoft 365 Agents SDK without touching anything else."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parent.parent
SDK = ("botbuilder", "botframework", "msrest")


def sdk_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        found += [name for name in names if name.split(".")[0] in SDK]
    return found


def test_only_the_teams_adapter_imports_the_bot_framework_sdk():
    teams = ROOT / "adapters" / "teams"
    outside = {str(path.relative_to(ROOT)): sdk_imports(path)
               for folder in ("bot", "adapters", "storage", "tests", "benchmarks") if (ROOT / folder).exists()
               for path in (ROOT / folder).rglob("*.py") if teams not in path.parents}
    assert {path: names for path, names in outside.items() if names} == {}
    assert any(sdk_imports(path) for path in teams.rglob("*.py")), "the check looks at real imports"
