"""Sealing anonymous authors: only the bot's secret opens a seal, and seals cannot be matched."""

from __future__ import annotations

import base64
import stat

import pytest

from bot.kernel.sealing import Sealer, create_key_file, default_key_file, read_key_file


def test_a_seal_opens_only_with_the_same_secret():
    uid = "0123456789abcdef0123456789abcdef"
    sealed = Sealer(b"secret").seal(uid)
    assert uid not in sealed
    assert Sealer(b"secret").unseal(sealed) == uid
    assert Sealer(b"other").unseal(sealed) is None
    assert Sealer(b"secret").unseal("garbage") is None


def test_two_seals_of_the_same_person_differ():
    sealer = Sealer(b"secret")
    assert sealer.seal("a" * 32) != sealer.seal("a" * 32)


def test_a_key_file_is_made_private_once_and_never_overwritten(tmp_path):
    path = tmp_path / "new" / "feedbot.key"
    assert read_key_file(path) is None
    first = create_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert read_key_file(path) == first and len(first) >= 32
    with pytest.raises(FileExistsError):
        create_key_file(path)
    assert read_key_file(path) == first


def test_the_default_key_file_is_per_user_configuration(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_key_file() == tmp_path / "feedbot" / "feedbot.key"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_key_file() == tmp_path / "home" / ".config" / "feedbot" / "feedbot.key"


def test_an_untimed_seal_carries_no_time_and_opens_only_with_the_same_secret():
    sealed = Sealer(b"secret").seal_untimed(b"answers")
    assert base64.urlsafe_b64decode(sealed)[1:9] == bytes(8)  # Fernet's clear timestamp is zero
    assert Sealer(b"secret").unseal_untimed(sealed) == b"answers"
    assert Sealer(b"other").unseal_untimed(sealed) is None


def test_a_tag_is_stable_keyed_and_not_the_text():
    assert Sealer(b"secret").tag("a:chat|1763888400000") == Sealer(b"secret").tag("a:chat|1763888400000")
    assert Sealer(b"secret").tag("a:chat|1763888400000") != Sealer(b"other").tag("a:chat|1763888400000")
    assert "chat" not in Sealer(b"secret").tag("a:chat|1763888400000")
