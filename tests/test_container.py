"""The container, as far as it can be tried without a Docker daemon: the entrypoint migrates then serves, refuses
root, and can leave migrating to a one-off service; the compose file and the Dockerfile name real settings and run
feedbot as an unprivileged user. (Building the image and `docker compose up` are not run here: docs/deploying.md.)"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from bot.kernel.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"


def entrypoint(tmp_path: Path, *args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run the entrypoint with a stand-in feedbot that writes down how it was called."""
    calls = tmp_path / "calls"
    fake = tmp_path / "feedbot"
    fake.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n')
    fake.chmod(0o755)
    done = subprocess.run([str(ENTRYPOINT), *args], env={"PATH": os.environ["PATH"], "FEEDBOT_BIN": str(fake), **env},
                          capture_output=True, text=True, timeout=30, check=False)
    return done, calls.read_text().splitlines() if calls.exists() else []


def test_the_entrypoint_migrates_then_serves(tmp_path) -> None:
    done, calls = entrypoint(tmp_path, FEEDBOT_ALLOW_ROOT="1")  # these tests may run as root; the image does not
    assert (done.returncode, calls) == (0, ["db upgrade", "serve --host 0.0.0.0"])


def test_the_entrypoint_leaves_migrating_to_a_one_off_service_when_told(tmp_path) -> None:
    done, calls = entrypoint(tmp_path, "serve", FEEDBOT_ALLOW_ROOT="1", FEEDBOT_MIGRATE="0")
    assert (done.returncode, calls) == (0, ["serve"])
    (tmp_path / "again").mkdir()
    done, calls = entrypoint(tmp_path / "again", "db", "upgrade", FEEDBOT_ALLOW_ROOT="1")
    assert (done.returncode, calls) == (0, ["db upgrade"])  # any other command runs as given


def test_the_entrypoint_refuses_root(tmp_path) -> None:
    if os.getuid() != 0:
        return  # only root can see the refusal
    done, calls = entrypoint(tmp_path)
    assert (done.returncode, calls) == (1, [])
    assert done.stderr == ("feedbot: refusing to run as root: start the container as the feedbot user (the image's "
                           "default)\n")


def test_the_image_runs_feedbot_as_an_unprivileged_user_through_the_entrypoint() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    final = dockerfile.rsplit("\nFROM ", 1)[1]
    assert re.search(r"^USER feedbot$", final, re.MULTILINE) and "useradd --system" in final
    assert 'ENTRYPOINT ["feedbot-entrypoint"]' in final and "COPY docker/entrypoint.sh" in final


def test_every_setting_the_compose_file_and_the_image_set_exists(monkeypatch) -> None:
    text = (ROOT / "compose.yaml").read_text() + (ROOT / "Dockerfile").read_text()
    names = set(re.findall(r"\b(FEEDBOT_[A-Z_]+__[A-Z_]+)\b", text))
    assert {"FEEDBOT_DATABASE__URL", "FEEDBOT_PACING__REDIS_URL", "FEEDBOT_LOGGING__FORMAT"} <= names
    for name in names:
        monkeypatch.delenv(name, raising=False)
    values = {"FEEDBOT_DATABASE__URL": "postgresql://feedbot:pw@postgres:5432/feedbot",
              "FEEDBOT_PACING__REDIS_URL": "redis://redis:6379/0", "FEEDBOT_LOGGING__FORMAT": "json",
              "FEEDBOT_SERVER__HOST": "0.0.0.0"}
    for name in names:
        monkeypatch.setenv(name, values.get(name, "x" * 44))
    monkeypatch.chdir(ROOT / "docker")  # no feedbot.toml here
    settings = load_settings()  # an unknown name would be refused: extra settings are forbidden
    assert settings.pacing.redis_url is not None and settings.logging.format == "json"
