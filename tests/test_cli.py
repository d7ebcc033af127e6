"""The real `feedbot` command in a subprocess: exit codes, operator messages, and the console on a pipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = ("email,name,manager_email,team,timezone,locale\n"
          "ana@example.com,Ana Lima,,Apps,Europe/Stockholm,en\n"
          "bo@example.com,Bo Nilsson,ana@example.com,Apps,Europe/Stockholm,sv\n"
          "lea@example.com,Lea Berg,ana@example.com,,America/New_York,en\n")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


def feedbot(workdir: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None,
            ) -> subprocess.CompletedProcess[str]:
    """Run `python -m feedbot.cli ARGS` in `workdir` against its own SQLite file, with no FEEDBOT_* from outside
    and its own per-user configuration folder (where the privacy key is kept)."""
    return subprocess.run([sys.executable, "-m", "feedbot.cli", *args], cwd=workdir, env=environment(workdir, env),
                          input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)


def environment(workdir: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FEEDBOT_")}
    environ.update({"FEEDBOT_DATABASE__URL": f"sqlite:///{workdir / 'feedbot.db'}",
                    "XDG_CONFIG_HOME": str(workdir / "user-config"),
                    "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", **(env or {})})
    return environ


def test_import_show_export_and_erase(workdir):
    done = feedbot(workdir, "db", "upgrade")
    assert (done.returncode, done.stdout) == (0, "database is at the latest schema\n")
    (workdir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    done = feedbot(workdir, "org", "import", "people.csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "3 created, 0 updated, 0 unchanged"
    assert "created bo@example.com: Bo Nilsson, manager ana@example.com, team Apps, time zone Europe/Stockholm, " \
           "locale sv" in done.stdout
    assert feedbot(workdir, "org", "import", "people.csv").stdout == "0 created, 0 updated, 3 unchanged\n"

    done = feedbot(workdir, "org", "show")
    assert (done.returncode, done.stdout) == (0, "Ana Lima <ana@example.com> — Apps\n"
                                                 "  Bo Nilsson <bo@example.com> — Apps\n"
                                                 "  Lea Berg <lea@example.com>\n")

    done = feedbot(workdir, "export", "--person", "bo@example.com")
    assert done.returncode == 0, done.stderr
    profile = json.loads(done.stdout)["profile"]
    assert (profile["email"], profile["name"], profile["manager"], profile["team"], profile["locale"]) == (
        "bo@example.com", "Bo Nilsson", "ana@example.com", "Apps", "sv")
    done = feedbot(workdir, "export", "--person", "bo@example.com", "--out", "bo.json")
    assert (done.returncode, done.stdout) == (0, "wrote bo.json\n")
    assert json.loads((workdir / "bo.json").read_text(encoding="utf-8"))["profile"]["email"] == "bo@example.com"

    done = feedbot(workdir, "erase", "--person", "ana@example.com", "--yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("erased ana@example.com:\n")
    assert "reports left without a manager       2" in done.stdout
    done = feedbot(workdir, "export", "--person", "ana@example.com")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.strip().endswith("feedbot: nobody with the email ana@example.com")
    assert feedbot(workdir, "org", "show").stdout == "Bo Nilsson <bo@example.com> — Apps\nLea Berg <lea@example.com>\n"
    done = feedbot(workdir, "erase", "--person", "ana@example.com", "--yes")
    assert done.returncode == 1
    assert "feedbot: nobody with the email ana@example.com" in done.stderr


def test_a_bad_org_file_names_the_row_and_imports_nothing(workdir):
    (workdir / "bad.csv").write_text(PEOPLE + "cy@example.com,Cy Walker,zed@example.com,,,\n", encoding="utf-8")
    done = feedbot(workdir, "org", "import", "bad.csv")
    assert (done.returncode, done.stdout) == (1, "")
    assert "feedbot: bad.csv: row 5: unknown manager zed@example.com (not in the file or the directory) — " \
           "nothing was imported" in done.stderr
    assert "Traceback" not in done.stderr
    done = feedbot(workdir, "org", "show")
    assert done.stdout == "The org directory is empty. Import one with: feedbot org import people.csv\n"


def test_a_missing_org_file_is_an_error_without_a_traceback(workdir):
    done = feedbot(workdir, "org", "import", "missing.csv")
    assert done.returncode == 1
    assert "feedbot: " in done.stderr and "missing.csv" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_setting_in_the_environment_names_the_key(workdir):
    done = feedbot(workdir, "org", "show", env={"FEEDBOT_SERVER__PORT": "abc"})
    assert done.returncode == 2
    assert "server.port (env FEEDBOT_SERVER__PORT)" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_key_in_the_config_file_names_the_key(workdir):
    (workdir / "feedbot-test.toml").write_text('[server]\nprot = 8080\n', encoding="utf-8")
    done = feedbot(workdir, "--config", "feedbot-test.toml", "org", "show")
    assert done.returncode == 2
    assert "invalid configuration in feedbot-test.toml" in done.stderr
    assert "server.prot (env FEEDBOT_SERVER__PROT): unknown setting" in done.stderr


def test_console_demo_on_a_pipe(workdir):
    script = "/kudos @cy Thanks for the review #teamwork\n# a comment line is skipped\n/kudos\n"
    done = feedbot(workdir, "console", "--demo", stdin=script)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("11 created, 0 updated, 0 unchanged\n")
    assert "\nadded 65 sample check-ins, weeks " in out  # a first start: the sample team's history
    assert "You are Ana Lima (ana@example.com). Type /help to see what I can do." in out
    assert "Kudos sent to @Cy Walker and posted in #kudos." in out
    assert "→ #kudos: Kudos from @Ana Lima to @Cy Walker\n  Thanks for the review #teamwork" in out
    assert "→ cy@example.com: @Ana Lima gave you kudos\n  Thanks for the review #teamwork" in out
    assert "Your recent kudos, given and received" in out
    # The demo organisation is imported again without changes; who is typing is chosen with --as.
    done = feedbot(workdir, "console", "--demo", "--as", "cy@example.com", stdin="/kudos\n")
    assert done.stdout.startswith("0 created, 0 updated, 11 unchanged\n")
    assert "sample check-ins" not in done.stdout  # the history is added once, never on top of itself
    assert "You are Cy Walker (cy@example.com)." in done.stdout
    assert "@Ana Lima → @Cy Walker: Thanks for the review #teamwork" in done.stdout


def test_a_bad_instant_is_named(workdir):
    for args in (("console", "--now", "next friday"), ("run-due", "--at", "2026-13-01T10:00")):
        result = feedbot(workdir, *args)
        assert result.returncode == 1
        assert "not an ISO date and time such as 2026-11-27T15:00" in result.stderr
        assert "Traceback" not in result.stderr


def test_serve_with_slack_half_configured_says_what_is_missing(workdir):
    done = feedbot(workdir, "serve", "--port", "0", env={"FEEDBOT_SLACK__BOT_TOKEN": "xoxb-not-shown"})
    assert done.returncode == 1
    assert "slack.signing_secret is not set (env FEEDBOT_SLACK__SIGNING_SECRET)" in done.stderr
    assert "Traceback" not in done.stderr and "xoxb-not-shown" not in done.stderr


def test_the_quick_start_keeps_the_key_outside_the_data_directory_and_refuses_a_lost_or_wrong_one(workdir):
    key_file = workdir / "user-config" / "feedbot" / "feedbot.key"
    done = feedbot(workdir, "console", "--demo", stdin="/idea --anon Fewer status meetings\n")
    assert done.returncode == 0, done.stderr
    assert "Idea #1 is posted anonymously" in done.stdout
    assert f"feedbot: made a new privacy key in {key_file}: it opens the seals that tie anonymous ideas to their " \
           "authors — back it up, separately from the database" in done.stderr
    assert [p.name for p in workdir.iterdir() if "key" in p.name] == []
    backup = key_file.read_text(encoding="utf-8").strip()
    done = feedbot(workdir, "console", stdin="/idea list mine\n")
    assert "Fewer status meetings" in done.stdout and "privacy key" not in done.stderr

    key_file.unlink()  # lost: every anonymous author would be cut off, so nothing starts
    done = feedbot(workdir, "console", stdin="/idea list mine\n")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (f"feedbot: this database holds seals (anonymous idea authors, pulse answers) but there is "
                           f"no privacy key in {key_file}: restore the key it was used with there from your backup, "
                           f"or set FEEDBOT_PRIVACY__SECRET_KEY to it (a new key would open none of them, so none was "
                           f"made)\n")
    assert not key_file.exists()
    done = feedbot(workdir, "org", "show", env={"FEEDBOT_PRIVACY__SECRET_KEY": "w" * 44})
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1 and "w" * 44 not in done.stderr
    assert done.stderr.startswith("feedbot: privacy.secret_key (env FEEDBOT_PRIVACY__SECRET_KEY) does not open this "
                                  "database's seals (none of 1 sampled)")
    done = feedbot(workdir, "console", stdin="/idea list mine\n", env={"FEEDBOT_PRIVACY__SECRET_KEY": backup})
    assert done.returncode == 0, done.stderr
    assert "Fewer status meetings" in done.stdout and backup not in done.stdout + done.stderr


def test_a_short_secret_is_refused_by_name(workdir):
    done = feedbot(workdir, "org", "show", env={"FEEDBOT_PRIVACY__SECRET_KEY": "changeme"})
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == ("feedbot: privacy.secret_key (env FEEDBOT_PRIVACY__SECRET_KEY) is 8 bytes long, and a key "
                           "needs at least 32: make one with `openssl rand -base64 32`\n")


def test_on_postgresql_the_key_must_be_given_before_anything_connects(workdir):
    done = feedbot(workdir, "org", "show", env={"FEEDBOT_DATABASE__URL": "postgresql://nobody@127.0.0.1:9/none"})
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("feedbot: on PostgreSQL the privacy key must be given: set privacy.secret_key "
                                  "(env FEEDBOT_PRIVACY__SECRET_KEY) to at least 32 bytes")
    assert len(done.stderr.splitlines()) == 1 and not (workdir / "user-config").exists()


def test_version_and_config_after_the_subcommand(workdir):
    done = feedbot(workdir, "--version")
    assert (done.returncode, done.stdout.split()[0]) == (0, "feedbot")
    (workdir / "elsewhere.toml").write_text('[schedule]\ntick_seconds = "often"\n', encoding="utf-8")
    for args in (("--config", "elsewhere.toml", "db", "upgrade"), ("db", "upgrade", "--config", "elsewhere.toml"),
                 ("org", "import", "people.csv", "--config", "elsewhere.toml")):
        done = feedbot(workdir, *args)
        assert (done.returncode, done.stderr.splitlines()[0]) == (
            2, "feedbot: invalid configuration in elsewhere.toml:"), args
