"""Seals a person's uid so only the running bot can reach an anonymous author; a database dump cannot."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken


class Sealer:
    def __init__(self, secret: bytes) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret).digest()))

    def seal(self, uid: str) -> str:
        # Fernet tokens carry a random IV: two ideas by the same person cannot be matched by their seals.
        return self._fernet.encrypt(uid.encode()).decode()

    def unseal(self, token: str) -> str | None:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            return None


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
