"""The command line of a deployment serving two organisations (SQLite: a file each beside the main one)."""

from __future__ import annotations

from pathlib import Path

from tests.tenancy import SAME_PEOPLE
from tests.test_cli import feedbot

TWO = """
[privacy]
secret_key = "a test secret that is long enough for feedbot"

[organisations.acme]
name = "Acme"
slack_team = "T1"
[organisations.acme.org]
admins = ["admin@example.com"]

[organisations.bolt]
name = "Bolt"
slack_team = "T2"
"""


def test_each_command_acts_on_the_organisation_named(tmp_path: Path) -> None:
    (tmp_path / "feedbot.toml").write_text(TWO, encoding="utf-8")
    (tmp_path / "people.csv").write_text(SAME_PEOPLE, encoding="utf-8")
    done = feedbot(tmp_path, "db", "upgrade")
    assert (done.returncode, done.stdout) == (0, "database is at the latest schema, and the namespaces of 2 "
                                                 "organisations\n"), done.stderr
    assert (tmp_path / "feedbot.org_acme.db").is_file() and (tmp_path / "feedbot.org_bolt.db").is_file()

    done = feedbot(tmp_path, "org", "import", "people.csv")
    assert done.returncode == 1
    assert done.stderr.strip() == "feedbot: this deployment serves 2 organisations: say which with --org (acme, bolt)"
    assert feedbot(tmp_path, "org", "import", "people.csv", "--org", "nope").stderr.strip() == (
        "feedbot: --org nope: no such organisation here (acme, bolt)")

    done = feedbot(tmp_path, "org", "import", "people.csv", "--org", "acme")
    assert done.stdout.splitlines()[0] == "3 created, 0 updated, 0 unchanged", done.stderr
    assert "ana@example.com" not in feedbot(tmp_path, "org", "show", "--org", "bolt").stdout  # imported into acme

    feedbot(tmp_path, "org", "import", "people.csv", "--org", "bolt")
    done = feedbot(tmp_path, "erase", "--person", "bo@example.com", "--yes", "--org", "acme")
    assert done.returncode == 0, done.stderr
    assert "bo@example.com" not in feedbot(tmp_path, "org", "show", "--org", "acme").stdout
    assert "bo@example.com" in feedbot(tmp_path, "org", "show", "--org", "bolt").stdout  # the other one's Bo stays

    done = feedbot(tmp_path, "run-due", "--at", "2026-11-27T15:05")  # every organisation, each its own people
    assert done.returncode == 0, done.stderr
    assert "acme: 2 checkin.prompt" in done.stdout and "bolt: 3 checkin.prompt" in done.stdout  # acme's Bo erased

    link = feedbot(tmp_path, "dashboard-link", "ana@example.com", "--org", "bolt")
    assert link.returncode == 0 and "/dashboard/signin/" in link.stdout, link.stderr
    done = feedbot(tmp_path, "backup", "bolt-copy.db", "--org", "bolt")
    assert done.returncode == 0 and "feedbot.org_bolt.db" in done.stdout, done.stderr
