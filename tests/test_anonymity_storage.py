"""Attacks on anonymous pulse answers by whoever can read the database: SQLite's file and a copy of its WAL taken
while the bot runs, PostgreSQL's xmin, ctid and commit timestamps. Each respondent writes a distinct comment
(`mk:00:`, `mk:01:`, …, of different lengths), so where and when each one shows up can be traced to the submission."""

from __future__ import annotations

import random
import re
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from pydantic import SecretStr
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from bot.pulse import ballots
from bot.rhythm.scheduler import tick
from storage.migrate import alembic_config, upgrade
from storage.models import SurveyAnswer, SurveySubmission
from tests.test_anonymity import opened, team
from tests.test_pulse import CLOSE, all_rows, answer

MARKER = re.compile(rb"mk:(\d\d):")  # ":" is in no sealed token (base64)
UNTIMED_TOKEN = b"gAAAAAAAAAAA"  # how a sealed submission starts: Fernet's version byte and a zero time
RESPONDENTS = team("Apps", 6) + team("Platform", 5) + team("Design", 3) + team("Data", 2)


def comment(n: int) -> str:
    return f"mk:{n:02d}:" + " and more" * (n % 5)  # different lengths: a sealed token must not tell them apart


def kendall_tau(order: list[int]) -> float:
    """+1: exactly the submission order, −1: exactly reversed, about 0: unrelated."""
    pairs = [(a, b) for i, a in enumerate(order) for b in order[i + 1:]]
    return sum(1 if a < b else -1 for a, b in pairs) / len(pairs)


def first_offsets(data: bytes) -> dict[int, int]:
    offsets: dict[int, int] = {}
    for match in MARKER.finditer(data):
        offsets.setdefault(int(match.group(1)), match.start())
    return offsets


def wal_commits(wal: bytes) -> list[bytes]:
    """The page images of each commit in a WAL copy (frames of the current salt only), in commit order."""
    if len(wal) < 32:
        return []
    page_size, salt = int.from_bytes(wal[8:12], "big"), wal[16:24]
    commits, pages, offset = [], [], 32
    while offset + 24 + page_size <= len(wal) and wal[offset + 8:offset + 16] == salt:
        pages.append(wal[offset + 24:offset + 24 + page_size])
        if int.from_bytes(wal[offset + 4:offset + 8], "big"):  # a commit frame: the database size after it
            commits.append(b"".join(pages))
            pages = []
        offset += 24 + page_size
    return commits


async def answered_round(deps_factory, settings, tmp_path, clock, monkeypatch, after_each=None):
    rng = random.Random(20261127)  # deterministic: the shuffle and the answers' ids (production: SystemRandom, uuid4)
    monkeypatch.setattr(ballots, "SHUFFLE", rng)
    monkeypatch.setattr(ballots, "new_uid", lambda: f"{rng.getrandbits(128):032x}")
    deps, console = await opened(deps_factory, settings, tmp_path, clock)
    for n, email in enumerate(RESPONDENTS):
        out = await answer(console, email, str(1 + n % 5), str(n % 11), "1", comment(n))
        assert "Thank you" in out, out
        if after_each is not None:
            await after_each(n)
    return deps, console


async def test_sqlite_file_and_wal_copies_hold_no_answer_until_the_round_closes_and_then_all_at_once(
        deps_factory, settings, tmp_path, clock, database, monkeypatch):
    if not database.url.startswith("sqlite"):
        pytest.skip("SQLite's file and WAL")
    path = Path(make_url(database.url).database)
    copies: list[tuple[bytes, bytes]] = []

    async def copy(_: int) -> None:  # the attacker copies the data directory after every submission
        copies.append((path.read_bytes(), Path(f"{path}-wal").read_bytes()))

    deps, _ = await answered_round(deps_factory, settings, tmp_path, clock, monkeypatch, after_each=copy)
    for data, wal in copies:
        assert not MARKER.search(data) and not MARKER.search(wal)  # sealed: not one comment in any copy
    assert len({len(s.sealed) for s in await all_rows(deps, SurveySubmission)}) == 1  # lengths tell nothing
    clock.set(CLOSE)
    await tick(deps, CLOSE)
    firsts: dict[int, int] = {}
    for number, pages in enumerate(wal_commits(Path(f"{path}-wal").read_bytes())):
        for marker in first_offsets(pages):
            firsts.setdefault(marker, number)
    assert set(firsts) == set(range(len(RESPONDENTS)))
    assert len(set(firsts.values())) == 1  # every comment appears in one and the same commit: the publication


async def test_sqlite_file_bytes_do_not_follow_the_order_of_submissions(deps_factory, settings, tmp_path, clock,
                                                                        database, monkeypatch):
    if not database.url.startswith("sqlite"):
        pytest.skip("SQLite's file")
    path = Path(make_url(database.url).database)
    deps, _ = await answered_round(deps_factory, settings, tmp_path, clock, monkeypatch)
    clock.set(CLOSE)
    await tick(deps, CLOSE)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # as the bot's own checkpoints do, sooner or later
    data = path.read_bytes()
    offsets = first_offsets(data)
    assert set(offsets) == set(range(len(RESPONDENTS)))
    order = sorted(offsets, key=offsets.__getitem__)  # the comments as they sit in the file
    assert abs(kendall_tau(order)) < 0.7, order
    assert UNTIMED_TOKEN not in data  # the sealed submissions were deleted with their bytes overwritten


async def test_postgresql_xmin_ctid_and_commit_times_do_not_pair_answers_with_respondents(
        deps_factory, settings, tmp_path, clock, database, monkeypatch):
    if database.url.startswith("sqlite"):
        pytest.skip("PostgreSQL's system columns")
    deps, _ = await answered_round(deps_factory, settings, tmp_path, clock, monkeypatch)
    pair = ("SELECT count(*) FROM {table} a JOIN survey_participation p ON a.xmin::text = p.xmin::text "
            "WHERE p.answered")
    async with database.engine.connect() as conn:
        # Before the close only sealed submissions exist; they do share their respondent's xmin — and say nothing.
        assert (await conn.execute(text(pair.format(table="survey_submissions")))).scalar() == len(RESPONDENTS)
    clock.set(CLOSE)
    await tick(deps, CLOSE)
    async with database.engine.connect() as conn:
        assert (await conn.execute(text(pair.format(table="survey_answers")))).scalar() == 0
        assert (await conn.execute(text("SELECT count(DISTINCT xmin::text) FROM survey_answers"))).scalar() == 1
        stored = (await conn.execute(text("SELECT text FROM survey_answers WHERE text LIKE 'mk%' "
                                          "ORDER BY ctid"))).scalars().all()
        if (await conn.execute(text("SHOW track_commit_timestamp"))).scalar() == "on":
            assert (await conn.execute(text("SELECT count(DISTINCT pg_xact_commit_timestamp(xmin)) "
                                            "FROM survey_answers"))).scalar() == 1
    order = [int(value[3:5]) for value in stored]
    assert sorted(order) == list(range(len(RESPONDENTS)))
    assert abs(kendall_tau(order)) < 0.7, order


async def test_the_stored_order_of_answers_is_not_the_order_they_came_in(deps_factory, settings, tmp_path, clock,
                                                                         monkeypatch):
    """Whoever reads the table without ORDER BY sees a shuffle (PostgreSQL: heap order; SQLite: the random ids)."""
    deps, _ = await answered_round(deps_factory, settings, tmp_path, clock, monkeypatch)
    clock.set(CLOSE + timedelta(minutes=1))
    await tick(deps, CLOSE + timedelta(minutes=1))
    async with deps.uow() as uow:
        stored = (await uow.session.scalars(select(SurveyAnswer.text).where(SurveyAnswer.text.like("mk%")))).all()
    order = [int(value[3:5]) for value in stored]
    assert sorted(order) == list(range(len(RESPONDENTS)))
    assert abs(kendall_tau(order)) < 0.7, order


async def test_a_round_only_partly_opened_by_the_key_is_not_published_in_part(deps_factory, settings, tmp_path,
                                                                               clock, monkeypatch, caplog):
    """Publishing only what the key opens would single out the others (and they are few): all or nothing."""
    deps, _ = await answered_round(deps_factory, settings, tmp_path, clock, monkeypatch)
    other = settings.model_copy(update={"privacy": settings.privacy.model_copy(update={"secret_key": SecretStr("b")})})
    rekeyed, console = deps_factory(other)  # the secret was changed while the round was open
    assert "Thank you" in await answer(console, "admin@example.com", "3", "3", "1", "sealed with the new key")
    clock.set(CLOSE)
    for bot in (deps, rekeyed):  # the first opens 16 of 17, the second 1 of 17
        await tick(bot, CLOSE)
        assert await all_rows(deps, SurveyAnswer) == [] and len(await all_rows(deps, SurveySubmission)) == 17
    assert "sealed submissions that this secret key cannot open" in caplog.text


async def test_a_submission_racing_the_close_is_refused_once_the_round_is_published(deps_factory, settings, tmp_path,
                                                                                    clock, monkeypatch):
    """Else it would be published later on its own: a batch of one, paired with its respondent by xmin."""
    deps, console = await answered_round(deps_factory, settings, tmp_path, clock, monkeypatch)
    await tick(deps, CLOSE)
    clock.set(CLOSE - timedelta(seconds=1))  # a replica whose clock is a second behind, or a command begun just before
    out = await answer(console, "admin@example.com", "3", "3", "1", "too late")
    assert "This survey closed on 2026-11-27; answers are no longer taken." in out
    assert await all_rows(deps, SurveySubmission) == [] and len(await all_rows(deps, SurveyAnswer)) == 16 * 4


async def test_upgrading_rewrites_the_answers_already_stored_in_one_shuffled_batch(database):
    def downgrade(connection: object) -> None:
        config = alembic_config(database.engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")

    async with database.engine.begin() as conn:
        await conn.run_sync(downgrade)
    async with database.engine.begin() as conn:
        await conn.execute(text("INSERT INTO surveys (id, key, title, audience, every_weeks, weekday, hour, open_days, "
                                "active, from_config, created_at) VALUES (1, 's', 'S', 'everyone', 1, 0, 10, 4, "
                                "true, false, '2026-11-23 09:00:00+00:00')"))
        await conn.execute(text("INSERT INTO survey_questions (id, survey_id, position, kind, text, options) "
                                "VALUES (1, 1, 0, 'text', 'Q', '[]')"))
        await conn.execute(text("INSERT INTO survey_rounds (id, survey_id, number, opens_at, closes_at, invited) "
                                "VALUES (1, 1, 1, '2026-11-23 10:00:00+00:00', '2026-11-27 10:00:00+00:00', 40)"))
    for n in range(40):  # as before: one respondent's answer per transaction
        async with database.engine.begin() as conn:
            await conn.execute(text("INSERT INTO survey_answers (id, round_id, question_id, text) VALUES "
                                    "(:id, 1, 1, :text)"), {"id": f"{n:032x}", "text": comment(n)})
    await upgrade(database.engine)
    async with database.engine.connect() as conn:
        stored = (await conn.execute(text("SELECT id, text FROM survey_answers"))).all()
        if not database.url.startswith("sqlite"):
            assert (await conn.execute(text("SELECT count(DISTINCT xmin::text) FROM survey_answers"))).scalar() == 1
            stored = (await conn.execute(text("SELECT id, text FROM survey_answers ORDER BY ctid"))).all()
    assert sorted(stored) == [(f"{n:032x}", comment(n)) for n in range(40)]  # every answer kept as it was
    if not database.url.startswith("sqlite"):
        assert [row[0] for row in stored] != sorted(row[0] for row in stored)  # heap order: no longer as they came
