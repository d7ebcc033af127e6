"""Seeded, bounded fuzzing of the two surfaces people and operators type into directly: console lines and the
settings file. Whatever comes in, the answer is a reply or a named setting error — never an exception."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from bot.kernel.settings import ConfigError, load_settings

COMMANDS = ["/kudos", "/idea", "/feedback", "/goal", "/checkin", "/away", "/pulse", "/1on1", "/digest", "/language",
            "/help", "/grow", "/as", "/cancel", "/dashboard", ""]
ODD = ["\x00", "\ud800", "\u200b", "\ufeff", "—", "＠", "#", "@", "@bo", "@nobody", "12", "#12", "-1", "9" * 30, "\\",
       "学习", "fredag", "by 2026-02-30", "senast", "%", "\n", "\t", "'", '"', "<@U1>", "&lt;", " " * 3]


def line(rng: random.Random) -> str:
    words = [rng.choice(ODD) if rng.random() < 0.5 else "".join(rng.choices(string.printable, k=rng.randint(0, 8)))
             for _ in range(rng.randint(0, 6))]
    return " ".join([rng.choice(COMMANDS), *words])


@pytest.mark.parametrize("run", range(3))
async def test_odd_console_lines_get_a_reply_and_never_break_the_session(console, run):
    rng = random.Random(1000 + run)  # seeded: a failure is replayed exactly
    await console.people("admin@example.com", "bo@example.com")
    for _ in range(120):
        typed = line(rng)
        out = await console.type(typed)  # raising here is the failure
        assert isinstance(out, str), typed
    assert "You are" in await console.type("/as admin@example.com")  # the session still answers


scalars = st.one_of(st.integers(-10**6, 10**6), st.text(max_size=12), st.booleans(), st.floats(allow_nan=False),
                    st.lists(st.text(max_size=5), max_size=3))
SECTIONS = ["org", "kudos", "checkin", "digest", "pulse", "schedule", "limits", "privacy", "slack", "teams",
            "dashboard", "oneonone", "ideas", "logging", "database"]
KEYS = ["admins", "values", "channel", "weekday", "hour", "anonymity_threshold", "questions", "surveys", "url",
        "default_locale", "default_timezone", "tick_seconds", "secret_key", "bot_token", "app_id", "enabled",
        "level", "cadence", "holidays", "max_text_length", "blocker_categories", "recognition_value", "base_url"]


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').encode("unicode_escape").decode().replace(
            '\\\\"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return repr(value)


@seed(20261206)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(SECTIONS), st.sampled_from(KEYS), scalars), max_size=6),
       st.binary(max_size=40))
def test_odd_settings_files_load_or_are_refused_by_name(tmp_path_factory, entries, junk):
    folder = tmp_path_factory.mktemp("config")
    text = "".join(f"[{section}]\n{key} = {toml_value(value)}\n" for section, key, value in entries)
    for path, content in ((folder / "feedbot.toml", text.encode()), (folder / "junk.toml", junk)):
        path.write_bytes(content)
        try:
            load_settings(str(path))
        except ConfigError as exc:
            assert str(exc).strip() and "Traceback" not in str(exc)
