"""The privacy key at start-up: where it comes from, and whether it opens the seals this database holds.

Nothing here prints or logs a key: messages name where a key is kept, never what it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.kernel.sealing import (
    MIN_SECRET_BYTES,
    Sealer,
    create_key_file,
    default_key_file,
    read_key_file,
    readable_by_others,
)
from bot.kernel.settings import Settings
from storage.db import Database, is_sqlite
from storage.models import AppInstall, Delivery, Idea, SurveySubmission

SECRET_SETTING = "privacy.secret_key (env FEEDBOT_PRIVACY__SECRET_KEY)"
MAKE_ONE = "make one with `openssl rand -base64 32`"
# Every column holding seals (anonymous idea authors, pulse answers while their round is open, Slack installs' bot
# tokens); a few of each are enough to tell whether a key is this database's.
SEALED_COLUMNS = (Idea.author_seal, Delivery.recipient_seal, SurveySubmission.sealed, AppInstall.bot_token)
SAMPLE = 16
# Where feedbot kept the key before it moved out of the data directory (relative to the working directory).
OLD_KEY_FILE = Path("feedbot.key")


class PrivacyKeyError(Exception):
    """The key is missing, too short or not this database's: one line saying what to do."""


@dataclass(frozen=True)
class Key:
    secret: bytes
    source: str  # where it came from, for messages: never the key itself
    restore: str  # how to put the right key back


async def open_sealer(settings: Settings, db: Database, notice: Callable[[str], None]) -> Sealer:
    """The sealer of this database's key; refuses a key that opens none of the seals it holds."""
    require_given(settings, db.url)
    seals = await sample_seals(db)
    key = find_key(settings, db.url, has_seals=bool(seals), notice=notice)
    sealer = Sealer(key.secret)
    if seals and not sealer.opens_any(seals):
        raise PrivacyKeyError(f"{key.source} does not open this database's seals (none of {len(seals)} sampled): "
                              f"it is not the key this database was used with, and starting with it would cut every "
                              f"anonymous idea author off and leave pulse answers sealed for good — {key.restore}")
    if len(key.secret) < MIN_SECRET_BYTES:
        too_short = f"{key.source} is {len(key.secret)} bytes long, and a key needs at least {MIN_SECRET_BYTES}"
        if not seals:
            raise PrivacyKeyError(f"{too_short}: {MAKE_ONE}")
        notice(f"warning: {too_short}; this database's seals were made with it, so feedbot starts, but a copy of "
               f"the database could be opened by guessing it")
    return sealer


async def sample_seals(db: Database) -> list[str]:
    found: list[str] = []
    async with db.transaction() as session:
        for column in SEALED_COLUMNS:
            found += (await session.scalars(select(column).where(column.is_not(None)).limit(SAMPLE))).all()
    return found


def find_key(settings: Settings, url: str, *, has_seals: bool, notice: Callable[[str], None]) -> Key:
    """The configured secret, else the key file (made once, on SQLite, when the database holds no seal yet)."""
    privacy = settings.privacy
    if privacy.secret_key is not None:
        return Key(privacy.secret_key.get_secret_value().encode(), SECRET_SETTING,
                   "set FEEDBOT_PRIVACY__SECRET_KEY to that key (restore it from your backup)")
    require_given(settings, url)
    path = key_file(settings)
    secret = read_key_file(path)
    if secret is None:
        secret = new_key_file(path, url, has_seals=has_seals, notice=notice)
    warn_if_exposed(path, url, notice)
    return Key(secret, f"the privacy key in {path}",
               f"put that key back in {path} (restore it from your backup), or set FEEDBOT_PRIVACY__SECRET_KEY to it")


def key_file(settings: Settings) -> Path:
    """Where the key is kept when privacy.secret_key is not set."""
    return Path(settings.privacy.key_file).expanduser() if settings.privacy.key_file else default_key_file()


def key_location(settings: Settings) -> str:
    """Where this configuration's key comes from, for a reminder to back it up (never the key itself)."""
    return "FEEDBOT_PRIVACY__SECRET_KEY" if settings.privacy.secret_key is not None else str(key_file(settings))


def require_given(settings: Settings, url: str) -> None:
    """On PostgreSQL replicas share the database, so they must share the key too: it is never made there."""
    if settings.privacy.secret_key is None and not settings.privacy.key_file and not is_sqlite(url):
        raise PrivacyKeyError(f"on PostgreSQL the privacy key must be given: set {SECRET_SETTING} to at least "
                              f"{MIN_SECRET_BYTES} bytes ({MAKE_ONE}), the same for every replica, and back it up "
                              f"apart from the database")


def new_key_file(path: Path, url: str, *, has_seals: bool, notice: Callable[[str], None]) -> bytes:
    if has_seals:
        old = f"; an older feedbot kept it in {OLD_KEY_FILE.resolve()}: move it to {path}" \
            if OLD_KEY_FILE.is_file() else ""
        raise PrivacyKeyError(f"this database holds seals (anonymous idea authors, pulse answers) but there is no "
                              f"privacy key in {path}: restore the key it was used with there from your backup, or "
                              f"set FEEDBOT_PRIVACY__SECRET_KEY to it (a new key would open none of them, so none "
                              f"was made){old}")
    if not is_sqlite(url):
        raise PrivacyKeyError(f"there is no privacy key in {path} (privacy.key_file): on PostgreSQL every replica "
                              f"must share one key, so feedbot does not make one; {MAKE_ONE} into that file for "
                              f"every replica, or set {SECRET_SETTING}")
    try:
        secret = create_key_file(path)
    except FileExistsError:  # another process made it first
        return read_key_file(path) or b""
    except OSError as exc:
        raise PrivacyKeyError(f"cannot create the privacy key in {path} ({exc.strerror}): set privacy.key_file to a "
                              f"writable place outside the data directory, or set {SECRET_SETTING}") from None
    notice(f"made a new privacy key in {path}: it opens the seals that tie anonymous ideas to their authors — back "
           f"it up, separately from the database (with both, anyone can unmask them; without it, they are cut off "
           f"for good)")
    return secret


def warn_if_exposed(path: Path, url: str, notice: Callable[[str], None]) -> None:
    if readable_by_others(path):
        notice(f"warning: the privacy key in {path} is readable by other users: chmod 600 {path}")
    database = make_url(url).database if is_sqlite(url) else None
    if database and database != ":memory:" and Path(database).resolve().parent == path.resolve().parent:
        notice(f"warning: the privacy key in {path} is beside the database: a copy of that directory opens every "
               f"seal; keep it elsewhere (privacy.key_file) and back it up separately")
