"""Configuration: file, environment overrides, defaults and the errors that name the key."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot.kernel.settings import ConfigError, Settings, load_settings

EXAMPLE = Path(__file__).parent.parent / "config.example.toml"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in list(__import__("os").environ):
        if name.startswith("FEEDBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_defaults_need_no_file():
    settings = load_settings()
    assert settings.database.url == "sqlite+aiosqlite:///feedbot.db"
    assert settings.server.port == 3000
    assert settings.kudos.channel == "#kudos"
    assert settings.slack.bot_token is None


def test_file_then_environment(tmp_path, monkeypatch):
    path = write(tmp_path / "c.toml", '[database]\nurl = "sqlite:///a.db"\n[kudos]\nvalues = ["Teamwork", "#speed"]\n'
                                      '[slack]\nbot_token = "xoxb-file"\n')
    settings = load_settings(path)
    assert settings.database.url == "sqlite:///a.db"
    assert settings.kudos.values == ["teamwork", "speed"]
    monkeypatch.setenv("FEEDBOT_DATABASE__URL", "postgresql://postgres@127.0.0.1/test")
    monkeypatch.setenv("FEEDBOT_SLACK__BOT_TOKEN", "xoxb-env")
    settings = load_settings(path)
    assert settings.database.url == "postgresql://postgres@127.0.0.1/test"
    assert settings.slack.bot_token.get_secret_value() == "xoxb-env"


def test_config_file_is_found_by_env_then_working_directory(tmp_path, monkeypatch):
    write(tmp_path / "feedbot.toml", "[server]\nport = 4000\n")
    assert load_settings().server.port == 4000
    monkeypatch.setenv("FEEDBOT_CONFIG", write(tmp_path / "other.toml", "[server]\nport = 5000\n"))
    assert load_settings().server.port == 5000
    assert load_settings(write(tmp_path / "x.toml", "[server]\nport = 6000\n")).server.port == 6000


def test_secrets_never_show_in_text(monkeypatch):
    monkeypatch.setenv("FEEDBOT_SLACK__SIGNING_SECRET", "s3cr3t-value")
    monkeypatch.setenv("FEEDBOT_TEAMS__APP_PASSWORD", "pa55word")
    settings = load_settings()
    for text in (repr(settings), str(settings), settings.model_dump_json()):
        assert "s3cr3t-value" not in text and "pa55word" not in text


@pytest.mark.parametrize(("toml", "env", "expected"), [
    ("[server]\nport = 70000\n", {}, r"server\.port \(env FEEDBOT_SERVER__PORT\): Input should be less than"),
    ("", {"FEEDBOT_SERVER__PORT": "abc"}, r"server\.port .*valid integer"),
    ("[databse]\nurl = 'x'\n", {}, r"databse \(env FEEDBOT_DATABSE\): unknown setting"),
    ("[kudos]\nchanel = '#k'\n", {}, r"kudos\.chanel .*unknown setting"),
    ("[database]\nurl = 'mysql://x'\n", {}, r"database\.url .*SQLite .* or PostgreSQL"),
    ("[org]\ndefault_timezone = 'Mars/Olympus'\n", {}, r"org\.default_timezone .*IANA time zone"),
    ("[org]\ndefault_locale = 'fr'\n", {}, r"org\.default_locale .*one of en, sv, zh_Hans, zh_Hant"),
    ("[kudos]\nvalues = []\n", {}, r"kudos\.values .*non-empty list"),
    ("[logging]\nlevel = 'LOUD'\n", {}, r"logging\.level"),
    ("[teams]\napp_type = 'Any'\n", {}, r"teams\.app_type"),
])
def test_wrong_values_name_the_key(tmp_path, monkeypatch, toml, env, expected):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=expected):
        load_settings(write(tmp_path / "bad.toml", toml))


def test_broken_toml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path / "broken.toml", "[server\nport=1"))
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(str(tmp_path / "missing.toml"))


def test_example_documents_every_setting_and_loads_as_the_defaults():
    text = EXAMPLE.read_text(encoding="utf-8")
    for section, field in Settings.model_fields.items():
        assert f"[{section}]" in text
        model = field.annotation
        assert isinstance(model, type) and issubclass(model, BaseModel)
        for key in model.model_fields:
            assert re.search(rf"^#? ?{key} = ", text, re.MULTILINE), f"{section}.{key} is not in config.example.toml"
    assert load_settings(str(EXAMPLE)).model_dump() == Settings().model_dump()
    assert tomllib.loads(text)


def test_the_commented_examples_in_the_example_file_are_valid(tmp_path):
    """Un-comment the documented examples (surveys, check-in questions, dependencies, expectations) and load them."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    text = "\n".join(line[2:] if line.startswith(("# [[", "# key", "# title", "# audience", "# every_weeks",
                                                     "# weekday", "# hour", "# open_days", "# questions",
                                                     "#   {", "# ]", "# dependencies", "# holidays", "# role",
                                                     "# level", "# kind", "# text", "# value ="))
                     else line for line in lines)
    text = text.replace("dependencies = {}\n", "").replace("holidays = []\n", "").replace("questions = []\n", "")
    text = text.replace("surveys = []\n", "").replace("catalogue = []\n", "")
    settings = load_settings(write(tmp_path / "examples.toml", text))
    assert settings.pulse.surveys[0].key == "team-health"
    assert [q.kind for q in settings.pulse.surveys[0].questions] == ["scale", "enps", "text"]
    assert [q.key for q in settings.checkin.questions] == ["well", "blockers", "mood"]
    assert settings.org.dependencies == {"Apps": ["Platform"], "People": ["Platform"]}
    assert [(e.role, e.level, e.kind, e.value) for e in settings.expectations.catalogue] == [
        ("developer", "", "result", ""), ("developer", "senior", "action", ""),
        ("developer", "", "behaviour", "teamwork")]
    assert len(settings.schedule.holidays) == 3


@pytest.mark.parametrize(("name", "value", "key", "expected"), [
    ("FEEDBOT_ORG__ADMINS", "HR@example.com, boss@example.com", ("org", "admins"),
     ["hr@example.com", "boss@example.com"]),
    ("FEEDBOT_ORG__ADMINS", '["hr@example.com"]', ("org", "admins"), ["hr@example.com"]),
    ("FEEDBOT_KUDOS__VALUES", "teamwork,#speed", ("kudos", "values"), ["teamwork", "speed"]),
    ("FEEDBOT_SCHEDULE__HOLIDAYS", "2026-12-24,2026-12-25", ("schedule", "holidays"),
     [date(2026, 12, 24), date(2026, 12, 25)]),
])
def test_lists_from_the_environment_plain_or_json(monkeypatch, name, value, key, expected):
    monkeypatch.setenv(name, value)
    section, field = key
    assert getattr(getattr(load_settings(), section), field) == expected


@pytest.mark.parametrize(("toml", "env", "expected"), [
    ("[checkin]\nweekday = 'saturday'\n", {}, "checkin.weekday (env FEEDBOT_CHECKIN__WEEKDAY): saturday is a "
                                              "weekend day, and nothing is sent on weekends, so it would never arrive: "
                                              "pick monday to friday"),
    ("", {"FEEDBOT_DIGEST__WEEKDAY": "sun"}, "digest.weekday (env FEEDBOT_DIGEST__WEEKDAY): sunday is a weekend day"),
    ("[checkin.teams]\nApps = { weekday = 'sat', hour = 9 }\n", {}, "checkin.teams.Apps.weekday (env "
                                                                    "FEEDBOT_CHECKIN__TEAMS): saturday is a weekend"),
    ("", {"FEEDBOT_ORG__ADMINS": "hr@example.com,Hanna"}, "org.admins (env FEEDBOT_ORG__ADMINS): 'hanna' is not an "
                                                          "email address: admins are listed by email"),
    ("", {"FEEDBOT_ORG__DEPENDENCIES": "Apps=Platform"}, "org.dependencies (env FEEDBOT_ORG__DEPENDENCIES): Input "
                                                         "should be a valid dictionary"),
])
def test_questionable_values_are_refused_by_name(tmp_path, monkeypatch, toml, env, expected):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        load_settings(write(tmp_path / "c.toml", toml))
    assert expected in str(refused.value)


def test_a_config_file_that_is_not_utf8_nests_too_deep_or_is_a_directory(tmp_path):
    (tmp_path / "latin1.toml").write_bytes("[kudos]\nchannel = '#kärlek'\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin1\.toml: not UTF-8 text \(byte 0xe4 at offset 21\): save it as UTF-8"):
        load_settings(str(tmp_path / "latin1.toml"))
    deep = write(tmp_path / "deep.toml", "[kudos]\nvalues = " + "[" * 3000 + "]" * 3000 + "\n")
    with pytest.raises(ConfigError, match=r"deep\.toml: arrays or tables nested too deeply to read"):
        load_settings(deep)
    with pytest.raises(ConfigError, match="is a directory"):
        load_settings(str(tmp_path))


def test_log_is_read_as_logging_and_both_at_once_is_refused(tmp_path):
    path = tmp_path / "feedbot.toml"
    path.write_text('[log]\nformat = "json"\n', encoding="utf-8")
    assert load_settings(path).logging.format == "json"
    path.write_text('[log]\nformat = "json"\n[logging]\nlevel = "DEBUG"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[log\] and \[logging\] are the same section"):
        load_settings(path)


def test_log_in_the_file_takes_logging_from_the_environment_too(tmp_path, monkeypatch):
    """`[log]` in the file and FEEDBOT_LOGGING__… in the environment are one section, the environment winning."""
    path = tmp_path / "feedbot.toml"
    path.write_text('[log]\nformat = "json"\nlevel = "WARNING"\n', encoding="utf-8")
    monkeypatch.setenv("FEEDBOT_LOGGING__LEVEL", "DEBUG")
    loaded = load_settings(path).logging
    assert (loaded.format, loaded.level) == ("json", "DEBUG")
