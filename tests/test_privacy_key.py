"""The privacy key at start-up: kept apart from the data, announced when made, refused when it is not this
database's (or too short), and never made where replicas would each get their own."""

from __future__ import annotations

import os
import stat
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.kernel.sealing import Sealer
from bot.kernel.settings import Settings
from feedbot.privacy_key import PrivacyKeyError, find_key, open_sealer
from storage.db import Database
from storage.migrate import upgrade
from storage.models import AppInstall, Delivery, Idea, Survey, SurveyRound, SurveySubmission
from storage.uow import unit_of_work

GOOD = "k" * 32
OTHER = "o" * 32
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "config-home"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.chdir(tmp_path)
    return home


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[Database]:
    (tmp_path / "data").mkdir()
    db = Database(f"sqlite:///{tmp_path / 'data' / 'feedbot.db'}")
    await upgrade(db.engine)
    yield db
    await db.dispose()


def privacy(**values: str) -> Settings:
    return Settings.model_validate({"privacy": values})


async def seal_an_author(db: Database, sealer: Sealer) -> None:
    async with db.transaction() as session:
        session.add(Idea(anonymous=True, author_seal=sealer.seal("a" * 32), text="Fewer status meetings",
                         created_at=NOW, updated_at=NOW))


class Notices(list[str]):
    def __call__(self, line: str) -> None:
        self.append(line)


async def test_on_sqlite_a_key_is_made_once_outside_the_data_directory_and_announced(sqlite, config_home):
    notices = Notices()
    sealer = await open_sealer(privacy(), sqlite, notices)
    key_file = config_home / "feedbot" / "feedbot.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert len(key_file.read_bytes().strip()) >= 32
    assert notices == [f"made a new privacy key in {key_file}: it opens the seals that tie anonymous ideas to their "
                       "authors — back it up, separately from the database (with both, anyone can unmask them; "
                       "without it, they are cut off for good)"]
    assert not list((Path(sqlite.engine.url.database).parent).glob("*.key"))
    made = key_file.read_bytes()
    await seal_an_author(sqlite, sealer)
    again = Notices()
    reopened = await open_sealer(privacy(), sqlite, again)
    assert again == [] and key_file.read_bytes() == made  # the same key, silently, from then on
    assert reopened.unseal(sealer.seal("b" * 32)) == "b" * 32


@pytest.mark.parametrize("configured", ["secret", "file"])
async def test_a_key_that_opens_none_of_the_seals_is_refused_saying_what_to_do(database, tmp_path, configured):
    await seal_an_author(database, Sealer(GOOD.encode()))
    if configured == "secret":
        settings, source = privacy(secret_key=OTHER), "privacy.secret_key (env FEEDBOT_PRIVACY__SECRET_KEY)"
    else:
        (tmp_path / "other.key").write_text(OTHER)
        settings, source = privacy(key_file=str(tmp_path / "other.key")), f"the privacy key in {tmp_path / 'other.key'}"
    with pytest.raises(PrivacyKeyError) as refused:
        await open_sealer(settings, database, Notices())
    message = str(refused.value)
    assert message.startswith(f"{source} does not open this database's seals (none of 1 sampled)")
    assert "restore it from your backup" in message and "FEEDBOT_PRIVACY__SECRET_KEY to" in message
    assert OTHER not in message and GOOD not in message and "\n" not in message
    sealer = await open_sealer(privacy(secret_key=GOOD), database, Notices())
    assert sealer.opens_any([seal for _, seal in await _seals(database)])


async def test_seals_in_the_outbox_count_too(database):
    async with database.transaction() as session:
        session.add(Delivery(kind="idea.status", recipient_seal=Sealer(GOOD.encode()).seal("a" * 32), payload={},
                             created_at=NOW))
    with pytest.raises(PrivacyKeyError, match="none of 1 sampled"):
        await open_sealer(privacy(secret_key=OTHER), database, Notices())


async def test_sealed_slack_bot_tokens_count_too(database):
    """Workspaces installed through OAuth keep their bot tokens sealed: another key would silently cut them all off."""
    async with database.transaction() as session:
        session.add(AppInstall(platform="slack", team_id="T1", bot_token=Sealer(GOOD.encode()).seal_untimed(b"xoxb-1"),
                               bot_scopes="", installed_at=NOW))
    with pytest.raises(PrivacyKeyError, match="none of 1 sampled"):
        await open_sealer(privacy(secret_key=OTHER), database, Notices())
    assert await open_sealer(privacy(secret_key=GOOD), database, Notices())


async def seal_a_pulse_answer(db: Database, sealer: Sealer) -> None:
    """A round still open, holding one sealed submission: bytes, not a uid (here not even text)."""
    async with db.transaction() as session:
        survey = Survey(key="team-health", title="Team health", created_at=NOW)
        session.add(survey)
        await session.flush()
        rnd = SurveyRound(survey_id=survey.id, number=1, opens_at=NOW, closes_at=NOW.replace(day=27))
        session.add(rnd)
        await session.flush()
        session.add(SurveySubmission(round_id=rnd.id, sealed=sealer.seal_untimed(b"\xff\xfe" + b" " * 60)))


async def test_sealed_pulse_answers_count_too(database):
    """Before: only idea and outbox seals were sampled, so a database whose only seals were the answers of an open
    round started with any key, and the round could never be published."""
    await seal_a_pulse_answer(database, Sealer(GOOD.encode()))
    with pytest.raises(PrivacyKeyError, match="none of 1 sampled"):
        await open_sealer(privacy(secret_key=OTHER), database, Notices())
    sealer = await open_sealer(privacy(secret_key=GOOD), database, Notices())  # opened, though it decodes to no text
    assert sealer.opens_any([Sealer(GOOD.encode()).seal_untimed(b"\xff")])


async def test_a_lost_key_file_with_only_sealed_pulse_answers_is_not_replaced_either(sqlite, config_home):
    await seal_a_pulse_answer(sqlite, Sealer(GOOD.encode()))
    with pytest.raises(PrivacyKeyError, match=r"^this database holds seals \(anonymous idea authors, pulse answers\)"):
        await open_sealer(privacy(), sqlite, Notices())
    assert not (config_home / "feedbot" / "feedbot.key").exists()


async def test_a_lost_key_file_is_not_silently_replaced(sqlite, config_home, tmp_path):
    await seal_an_author(sqlite, Sealer(GOOD.encode()))
    with pytest.raises(PrivacyKeyError) as refused:
        await open_sealer(privacy(), sqlite, Notices())
    key_file = config_home / "feedbot" / "feedbot.key"
    assert str(refused.value).startswith(f"this database holds seals (anonymous idea authors, pulse answers) but "
                                         f"there is no privacy key in {key_file}: restore the key it was used with "
                                         f"there from your backup")
    assert not key_file.exists()
    # An install from before the key moved out of the working directory is told where it went.
    (tmp_path / "feedbot.key").write_text(GOOD)
    with pytest.raises(PrivacyKeyError, match=f"an older feedbot kept it in {tmp_path / 'feedbot.key'}: move it to "
                                              f"{key_file}$"):
        await open_sealer(privacy(), sqlite, Notices())
    key_file.parent.mkdir(parents=True)
    (tmp_path / "feedbot.key").rename(key_file)
    assert (await open_sealer(privacy(), sqlite, Notices())).opens_any([seal for _, seal in await _seals(sqlite)])


async def test_a_short_secret_is_refused_by_name_unless_the_seals_were_made_with_it(sqlite):
    with pytest.raises(PrivacyKeyError, match=r"^privacy\.secret_key \(env FEEDBOT_PRIVACY__SECRET_KEY\) is 6 bytes "
                                              r"long, and a key needs at least 32: make one with `openssl rand"):
        await open_sealer(privacy(secret_key="short!"), sqlite, Notices())
    await seal_an_author(sqlite, Sealer(b"short!"))
    notices = Notices()
    await open_sealer(privacy(secret_key="short!"), sqlite, notices)  # refusing would cut the authors off
    assert notices[0].startswith("warning: privacy.secret_key (env FEEDBOT_PRIVACY__SECRET_KEY) is 6 bytes long")


def test_on_postgresql_the_key_must_be_given_never_made(tmp_path):
    url = "postgresql://postgres@127.0.0.1/test"
    with pytest.raises(PrivacyKeyError, match=r"^on PostgreSQL the privacy key must be given: set privacy\.secret_key "
                                              r"\(env FEEDBOT_PRIVACY__SECRET_KEY\) .* the same for every replica"):
        find_key(privacy(), url, has_seals=False, notice=Notices())
    missing = tmp_path / "shared.key"
    with pytest.raises(PrivacyKeyError, match="every replica must share one key, so feedbot does not make one"):
        find_key(privacy(key_file=str(missing)), url, has_seals=False, notice=Notices())
    assert not missing.exists()
    missing.write_text(GOOD + "\n")
    assert find_key(privacy(key_file=str(missing)), url, has_seals=False, notice=Notices()).secret == GOOD.encode()
    assert find_key(privacy(secret_key=GOOD), url, has_seals=False, notice=Notices()).secret == GOOD.encode()


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_a_key_file_others_can_read_or_beside_the_database_is_warned_about(tmp_path):
    key_file = tmp_path / "feedbot.key"
    key_file.write_text(GOOD)
    key_file.chmod(0o644)
    notices = Notices()
    find_key(privacy(key_file=str(key_file)), f"sqlite:///{tmp_path / 'feedbot.db'}", has_seals=False, notice=notices)
    assert notices == [f"warning: the privacy key in {key_file} is readable by other users: chmod 600 {key_file}",
                       f"warning: the privacy key in {key_file} is beside the database: a copy of that directory "
                       f"opens every seal; keep it elsewhere (privacy.key_file) and back it up separately"]


async def _seals(db: Database) -> list[tuple[int, str]]:
    async with unit_of_work(db) as uow:
        return list(await uow.ideas.sealed())
