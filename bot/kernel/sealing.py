"""Seals a person's uid so only the running bot can reach an anonymous author; a database dump cannot.

The key that opens the seals is kept apart from the database: from the configuration or the environment, or, on
the embedded default, in a per-user file outside the data directory (see `default_key_file`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

# A shorter secret can be guessed offline against a copy of the database, and every seal in it opens.
MIN_SECRET_BYTES = 32


class Sealer:
    def __init__(self, secret: bytes) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret).digest()))
        self._tag_key = hashlib.sha256(b"feedbot tag\x00" + secret).digest()  # a key of its own, not the seal's

    def seal(self, uid: str) -> str:
        # Fernet tokens carry a random IV: two ideas by the same person cannot be matched by their seals.
        return self._fernet.encrypt(uid.encode()).decode()

    def unseal(self, token: str) -> str | None:
        plain = self.unseal_untimed(token)
        return None if plain is None else plain.decode()

    def opens_any(self, tokens: list[str]) -> bool:
        """Whether this key opens any of these tokens, timed or untimed: opening is checked, not what they hold (an
        untimed token carries bytes, not a uid)."""
        return any(self.unseal_untimed(token) is not None for token in tokens)

    def seal_untimed(self, data: bytes) -> str:
        """Like `seal`, but the token carries no time (Fernet's clear timestamp is 0): it tells nothing of when."""
        return self._fernet.encrypt_at_time(data, 0).decode()

    def unseal_untimed(self, token: str) -> bytes | None:
        """What a token holds, timed or untimed (no time limit is checked); None when this key does not open it."""
        try:
            return self._fernet.decrypt(token.encode())
        except InvalidToken:
            return None

    def tag(self, text: str) -> str:
        """A keyed fingerprint: equal texts give equal tags, and without the secret a tag cannot be recomputed
        from guesses (a chat id and a time, say)."""
        return hmac.new(self._tag_key, text.encode(), hashlib.sha256).hexdigest()[:40]


def default_key_file() -> Path:
    """Per user and outside any data directory: $XDG_CONFIG_HOME/feedbot/feedbot.key, else ~/.config/…."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "feedbot" / "feedbot.key"


def read_key_file(path: Path) -> bytes | None:
    """The key kept in `path`, or None when there is no such file."""
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        return None


def create_key_file(path: Path) -> bytes:
    """A new random key in `path` (its folder made private if new), readable by the owner only; never overwrites."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = base64.urlsafe_b64encode(os.urandom(MIN_SECRET_BYTES))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key + b"\n")
    return key


def readable_by_others(path: Path) -> bool:
    return os.name == "posix" and bool(path.stat().st_mode & 0o077)
