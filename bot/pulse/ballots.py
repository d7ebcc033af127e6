"""Sealed ballots: how pulse answers are kept so that whoever reads the database cannot link them to anyone.

Submitting writes the participation flag and one sealed submission: a random id, the round, and a token of a
fixed length (padded to the most any answer to the survey can take) carrying no time. No answer row is written
then, so nothing a reader of the database can see — PostgreSQL's xmin or ctid, SQLite's page bytes, a WAL frame —
pairs a person's "answered" with what they answered. Once the round has closed it is published — by the next tick,
or first by whatever reads its results — in a transaction that marks nobody as having answered (`Surveys.publish`
refuses one that does): every sealed submission is opened and deleted, and their answers are inserted as
separate rows (no submission's rows kept together) in a random order. Every answer of a round then shares one
xmin that is no participation's, and their storage order is a shuffle. A round with a submission that cannot be
opened (the secret key was changed) is not published at all: publishing the rest would single the others out.

Publishing writes nothing that no reader could ever be shown (`threshold`, the round's, never goes down): a round
with fewer than `k` submissions gets no answer rows at all — its tokens are deleted unread, while who answered stays
(reminders, the response rate) — and a team is named on its rows only if results could show its slice: the answers
of a team below `k`, or merged into "other teams" by complementary suppression, count with those of no team, which
is where results merge them anyway (bot/pulse/suppression.py). Every group a reader of the table can tell apart then
holds at least `k` submissions. Results are read only after their round is published: bot/pulse/results.py
publishes a closed round first.
"""

from __future__ import annotations

import json
import logging
import random
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from bot.kernel.sealing import Sealer
from bot.kernel.settings import Settings
from bot.pulse.suppression import OTHER, suppress, threshold
from storage.models import SurveyQuestion, new_uid
from storage.uow import UnitOfWork

log = logging.getLogger("bot.pulse")
SHUFFLE: random.Random = random.SystemRandom()  # tests may put a seeded Random here; production never does
WORST_BYTES_PER_CHAR = 6  # a control character in JSON: \u0000
Values = dict[str, object]  # score, choice or text of one answer


def capacity(questions: Sequence[SurveyQuestion], settings: Settings) -> int:
    """The most bytes a submission to these questions can take: every token of a round has this length."""
    longest = {"text": settings.limits.max_text_length, "scale": 2, "enps": 2}
    per_question = [32 + WORST_BYTES_PER_CHAR * longest.get(q.kind, max(map(len, q.options), default=0))
                    for q in questions]
    return 64 + WORST_BYTES_PER_CHAR * 200 + sum(per_question)  # 200: the longest team name


def seal(sealer: Sealer, size: int, group: str | None, answers: Sequence[tuple[int, Values]]) -> str:
    """One person's answers as a token of fixed length without time."""
    plain = json.dumps({"group": group, "answers": [[question_id, values] for question_id, values in answers]},
                       ensure_ascii=False, separators=(",", ":")).encode()
    if len(plain) > size:
        raise ValueError("a submission is longer than its survey's capacity")
    return sealer.seal_untimed(plain.ljust(size))  # trailing spaces: still the same JSON


def answer_rows(round_id: int, opened: Sequence[bytes], k: int) -> list[Values]:
    """The submissions' answers as `survey_answers` rows, each with a fresh random id. A team is named only where
    results could ever show it (`suppress`); the others' answers count with those of no team — "other teams", which
    then holds none or at least `k`."""
    submissions = [json.loads(plain) for plain in opened]
    named = set(suppress(Counter(submission["group"] for submission in submissions), k)) - {OTHER}
    return [{"id": new_uid(), "round_id": round_id, "question_id": question_id,
             "group_name": submission["group"] if submission["group"] in named else None,
             "score": values.get("score"), "choice": values.get("choice"), "text": values.get("text")}
            for submission in submissions for question_id, values in submission["answers"]]


async def publish_closed(uow: UnitOfWork, sealer: Sealer, now: datetime, configured: int,
                         rng: random.Random | None = None) -> None:
    """Publish every closed round that still holds sealed submissions (in the caller's transaction, which must
    not be one that marks anyone as having answered). `configured`: the anonymity threshold configured now."""
    for round_id in await uow.surveys.rounds_to_publish(now):
        await publish(uow, sealer, round_id, configured, rng)


async def publish(uow: UnitOfWork, sealer: Sealer, round_id: int, configured: int,
                  rng: random.Random | None = None) -> bool:
    """Publish one closed round (see the module's docstring); False when it was published already or cannot be."""
    rnd = await uow.surveys.round_locked(round_id)  # a submission still committing is waited for, a later one refused
    if rnd is None or rnd.published:  # another process published it first
        return False
    submissions = await uow.surveys.submissions(round_id)
    ids, k = [submission_id for submission_id, _ in submissions], threshold(rnd, configured)
    if 0 < len(submissions) < k:  # never to be shown, to anyone: kept, the rows would only narrow down who said what
        await uow.surveys.publish(rnd, ids, [])
        log.info("pulse round %s: too few answers to show; deleted unread", round_id)  # no counts, no names
        return True
    opened = [sealer.unseal_untimed(token) for _, token in submissions]
    if any(plain is None for plain in opened):
        log.error("pulse round %s: sealed submissions that this secret key cannot open; the round stays "
                  "unpublished until the key that sealed them is configured again", round_id)
        return False
    rows = answer_rows(round_id, [plain for plain in opened if plain is not None], k)
    (rng or SHUFFLE).shuffle(rows)
    await uow.surveys.publish(rnd, ids, rows)
    log.info("pulse round %s: answers published", round_id)  # no counts: a round may be small
    return True
