"""Sealing anonymous authors: only the bot's secret opens a seal, and seals cannot be matched."""

from __future__ import annotations

import base64
import stat

from bot.kernel.sealing import Sealer, load_secret


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


def test_without_a_configured_secret_a_private_key_file_is_made_once(tmp_path):
    path = tmp_path / "feedbot.key"
    first = load_secret(None, str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret(None, str(path)) == first and len(first) >= 32
    assert load_secret("configured", str(path)) == b"configured"


def test_an_untimed_seal_carries_no_time_and_opens_only_with_the_same_secret():
    sealed = Sealer(b"secret").seal_untimed(b"answers")
    assert base64.urlsafe_b64decode(sealed)[1:9] == bytes(8)  # Fernet's clear timestamp is zero
    assert Sealer(b"secret").unseal_untimed(sealed) == b"answers"
    assert Sealer(b"other").unseal_untimed(sealed) is None


def test_a_tag_is_stable_keyed_and_not_the_text():
    assert Sealer(b"secret").tag("a:chat|1763888400000") == Sealer(b"secret").tag("a:chat|1763888400000")
    assert Sealer(b"secret").tag("a:chat|1763888400000") != Sealer(b"other").tag("a:chat|1763888400000")
    assert "chat" not in Sealer(b"secret").tag("a:chat|1763888400000")
