"""Seals a person's uid so only the running bot can reach an anonymous author; a database dump cannot."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken


class Sealer:
    def __init__(self, secret: bytes) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret).digest()))
        self._tag_key = hashlib.sha256(b"feedbot tag\x00" + secret).digest()  # a key of its own, not the seal's

    def seal(self, uid: str) -> str:
        # Fernet tokens carry a random IV: two ideas by the same person cannot be matched by their seals.
        return self._fernet.encrypt(uid.encode()).decode()

    def unseal(self, token: str) -> str | None:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            return None

    def seal_untimed(self, data: bytes) -> str:
        """Like `seal`, but the token carries no time (Fernet's clear timestamp is 0): it tells nothing of when."""
        return self._fernet.encrypt_at_time(data, 0).decode()

    def unseal_untimed(self, token: str) -> bytes | None:
        try:
            return self._fernet.decrypt(token.encode())
        except InvalidToken:
            return None

    def tag(self, text: str) -> str:
        """A keyed fingerprint: equal texts give equal tags, and without the secret a tag cannot be recomputed
        from guesses (a chat id and a time, say)."""
        return hmac.new(self._tag_key, text.encode(), hashlib.sha256).hexdigest()[:40]


def load_secret(secret: str | None, key_file: str) -> bytes:
    """The configured secret, else one kept in `key_file` (created once, readable by the owner only)."""
    if secret:
        return secret.encode()
    path = Path(key_file)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.urlsafe_b64encode(os.urandom(32)).decode())
    return path.read_bytes().strip()
