"""An operator's first day with the real `feedbot` command: each mistake or outage is one line, never a traceback."""

from __future__ import annotations

import argparse
import socket
import sqlite3
import subprocess
import sys

from feedbot.cli import parser
from tests.test_cli import PEOPLE, environment, feedbot

KEY = {"FEEDBOT_PRIVACY__SECRET_KEY": "k" * 44}


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0 and done.stdout == "", (done.stdout, done.stderr)
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr, done.stderr
    return done.stderr.strip()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_database_in_a_missing_directory_is_named(tmp_path):
    url = f"sqlite:///{tmp_path / 'data' / 'feedbot.db'}"
    for args in (("org", "show"), ("db", "upgrade"), ("db", "current")):
        assert one_line(feedbot(tmp_path, *args, env={"FEEDBOT_DATABASE__URL": url})) == (
            f"feedbot: the directory {tmp_path / 'data'} of the SQLite database {tmp_path / 'data' / 'feedbot.db'} "
            f"does not exist: create it, or point database.url (env FEEDBOT_DATABASE__URL) elsewhere")
    assert not (tmp_path / "data").exists()


def test_a_postgresql_that_is_down_is_one_line_for_every_command(tmp_path):
    port = closed_port()
    env = KEY | {"FEEDBOT_DATABASE__URL": f"postgresql://feedbot:hunter2@127.0.0.1:{port}/feedbot",
                 "FEEDBOT_TEAMS__ALLOW_UNAUTHENTICATED": "true"}
    for args in (("serve", "--port", "0"), ("db", "upgrade"), ("org", "show"), ("run-due",)):
        line = one_line(feedbot(tmp_path, *args, env=env))
        assert line == (f"feedbot: cannot reach PostgreSQL at 127.0.0.1:{port}/feedbot (connection refused): is it "
                        f"running, and is database.url (env FEEDBOT_DATABASE__URL) right?"), args


def test_a_schema_newer_than_this_feedbot_is_named_and_db_downgrade_takes_it_back(tmp_path):
    assert feedbot(tmp_path, "db", "upgrade").returncode == 0
    latest = feedbot(tmp_path, "db", "current").stdout.split("latest ")[-1].strip()
    with sqlite3.connect(tmp_path / "feedbot.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    assert one_line(feedbot(tmp_path, "org", "show")) == (
        f"feedbot: the SQLite database {tmp_path / 'feedbot.db'} is at schema revision 9999, which this feedbot does "
        f"not know (its latest is {latest}): run the newer feedbot, or take the schema back with it first "
        f"(`feedbot db downgrade {latest}`)")
    with sqlite3.connect(tmp_path / "feedbot.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (latest,))
    done = feedbot(tmp_path, "db", "downgrade", "0004")
    assert done.returncode == 0, done.stderr
    assert feedbot(tmp_path, "db", "current").stdout == (
        f"the SQLite database {tmp_path / 'feedbot.db'}: schema revision 0004, latest {latest}\n")


def test_a_config_file_that_is_not_utf8_or_nests_absurdly_deep(tmp_path):
    (tmp_path / "latin1.toml").write_bytes('[kudos]\nchannel = "#kärlek"\n'.encode("latin-1"))
    assert one_line(feedbot(tmp_path, "--config", "latin1.toml", "org", "show")) == (
        "feedbot: latin1.toml: not UTF-8 text (byte 0xe4 at offset 21): save it as UTF-8")
    (tmp_path / "deep.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert one_line(feedbot(tmp_path, "--config", "deep.toml", "org", "show")) == (
        "feedbot: deep.toml: arrays or tables nested too deeply to read: flatten them")


def test_a_directory_given_as_the_csv(tmp_path):
    (tmp_path / "people").mkdir()
    done = feedbot(tmp_path, "org", "import", "people", env=KEY)
    assert one_line(done) == "feedbot: people: is a directory, not a file"


def test_output_piped_into_head_stops_quietly(tmp_path):
    # Far more than a pipe holds: the command is still writing when `head` has read its line and gone.
    with subprocess.Popen([sys.executable, "-m", "feedbot.cli", "console"], cwd=tmp_path,
                          env=environment(tmp_path, KEY), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as process:
        process.stdin.write(b"/help\n" * 400)
        process.stdin.close()
        assert process.stdout.readline().startswith(b"You are ana")
        process.stdout.close()
        assert process.wait(60) == 141
        assert process.stderr.read() == b""


def test_a_misspelled_option_is_named_never_taken_for_another(tmp_path):
    done = feedbot(tmp_path, "console", "--nwo", "2026-11-27T16:00")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == "feedbot console: error: unrecognized argument --nwo (did you mean --now?)"
    # An abbreviation is not a flag: `--no` is refused instead of pinning the clock.
    done = feedbot(tmp_path, "console", "--no", "2026-11-27T16:00", stdin="/help\n")
    assert done.returncode == 2 and "unrecognized argument --no (did you mean --now?)" in done.stderr
    assert one_line(feedbot(tmp_path, "console", "--now", "next friday")) == (
        "feedbot: --now next friday: not an ISO date and time such as 2026-11-27T15:00")
    done = feedbot(tmp_path, "run-due", "--now", "2026-11-27T16:00")
    assert done.stderr.splitlines()[-1] == "feedbot run-due: error: unrecognized argument --now (feedbot run-due " \
                                           "takes --at)"


def test_every_option_of_every_command_has_help():
    def parsers(top: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
        found = [top]
        for action in top._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    found += parsers(child)
        return found

    missing = [f"{each.prog} {'/'.join(action.option_strings) or action.dest}" for each in parsers(parser())
               for action in each._actions if not action.help and not isinstance(action, argparse._SubParsersAction)]
    assert missing == []


def test_serve_with_nothing_configured_says_what_to_set(tmp_path):
    nothing = {"FEEDBOT_DASHBOARD__ENABLED": "false"}  # with the dashboard on (the default), serve serves it
    assert one_line(feedbot(tmp_path, "serve", "--port", "0", env=nothing)) == (
        "feedbot: serve: no chat platform is configured: for Slack set FEEDBOT_SLACK__BOT_TOKEN and "
        "FEEDBOT_SLACK__SIGNING_SECRET (docs/slack.md), for Teams FEEDBOT_TEAMS__APP_ID, FEEDBOT_TEAMS__APP_PASSWORD "
        "and FEEDBOT_TEAMS__TENANT_ID (docs/teams.md), or switch the web dashboard on (dashboard.enabled); "
        "`feedbot console` needs none of them")


def test_erase_asks_first_and_dry_run_changes_nothing(tmp_path):
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    assert feedbot(tmp_path, "org", "import", "people.csv").returncode == 0
    tree = feedbot(tmp_path, "org", "show").stdout
    done = feedbot(tmp_path, "erase", "--person", "ana@example.com", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("would erase ana@example.com:\n")
    assert "reports left without a manager       2" in done.stdout
    assert done.stdout.endswith("nothing was changed (--dry-run)\n")
    assert feedbot(tmp_path, "org", "show").stdout == tree

    for answer in ("", "no\n", "y\n"):  # nothing typed (a script, a pipe), a no, anything but yes
        done = feedbot(tmp_path, "erase", "--person", "ana@example.com", stdin=answer)
        assert done.returncode == 1
        assert "Erase ana@example.com for good? This cannot be undone. Type yes to go on:" in done.stdout
        assert done.stderr == "feedbot: nothing was erased: type yes to erase ana@example.com, or run it with --yes\n"
        assert feedbot(tmp_path, "org", "show").stdout == tree

    done = feedbot(tmp_path, "erase", "--person", "ana@example.com", stdin="yes\n")
    assert done.returncode == 0, done.stderr
    assert "erased ana@example.com:\n" in done.stdout
    assert "ana@example.com" not in feedbot(tmp_path, "org", "show").stdout
