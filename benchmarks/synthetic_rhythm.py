"""The rhythm's share of the synthetic history: pulse surveys and anonymous answers, 1:1 pairs, the outbox."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

from benchmarks.common import DIGEST_AT
from benchmarks.synthetic import START, WEEKS, Org, Tables, hexid, iso_week, random_time
from bot.pulse.suppression import OTHER, suppress
from storage.tallies import answer_counts, tally_rows

ANONYMITY_THRESHOLD = 5  # the default pulse.anonymity_threshold
ANSWER_COLUMNS = ("round_id", "question_id", "group_name", "score", "choice", "text")
TALLY_COLUMNS = ("round_id", "question_id", "group_name", "answered", "scored", "total", "promoters", "detractors",
                 "counts")


def clamp(value: float, low: int, high: int) -> int:
    return min(high, max(low, round(value)))


def pulse(rng: random.Random, tables: Tables, org: Org) -> None:
    """An engagement survey for everyone every two weeks, and five internal-customer surveys every four weeks.

    About 56% of the invited answer; answers carry no person and are shuffled within their round, as the
    product stores them. Participation rows say only who was asked and who answered. Every round has closed and is
    published as a real close publishes it (bot/pulse/ballots.py): a team is named on its answers only where results
    could show its slice, and the round's tallies are counted once (storage/tallies.py).
    """
    surveys = tables.table("surveys", "id", "key", "title", "audience", "every_weeks", "weekday", "hour",
                           "open_days", "active", "from_config", "created_at")
    questions = tables.table("survey_questions", "id", "survey_id", "position", "kind", "text", "options")
    rounds = tables.table("survey_rounds", "id", "survey_id", "number", "opens_at", "closes_at", "invited",
                          "published")
    participation = tables.table("survey_participation", "round_id", "person_id", "answered")
    answers = tables.table("survey_answers", "id", "round_id", "question_id", "group_name", "score", "choice", "text")
    tallies = tables.table("survey_tallies", *TALLY_COLUMNS)
    propensity = [0.0] + [rng.uniform(0.3, 0.85) for _ in range(org.size)]
    group = [None] + [org.team_names[org.team_of[p] - 1] for p in range(1, org.size + 1)]  # as sealed
    everyone = list(range(1, org.size + 1))
    plans = [("engagement", "How are we doing?", "everyone", 2, 0, everyone,
              [("scale", "I know what is expected of me at work"), ("scale", "My workload is sustainable"),
               ("enps", "How likely are you to recommend working here?"), ("text", "Anything else?")])]
    teams = sorted(org.members, key=lambda team: -len(org.members[team]))
    for provider in teams[1:6]:  # internal customers: the people of twelve other teams rate a team
        customers = rng.sample([t for t in teams if t != provider], min(12, len(teams) - 1))
        name = org.team_names[provider - 1]
        plans.append((f"serving-{provider}", f"How well does {name} serve you?", f"customers:{name}", 4, 2,
                      sorted(p for t in customers for p in org.members[t]),
                      [("scale", f"How well does {name} serve you?"), ("text", "What should they change?")]))
    for key, title, audience, every, weekday, invited, asked in plans:
        survey_id = len(surveys) + 1
        surveys.append((survey_id, key, title, audience, every, weekday, 10, 5, True, False, START))
        ids = []
        for position, (kind, text) in enumerate(asked):
            ids.append((len(questions) + 1, kind))
            questions.append((len(questions) + 1, survey_id, position, kind, text, []))
        for number in range(1, WEEKS // every + 1):
            opens = START + timedelta(weeks=every * (number - 1), days=weekday, hours=1)
            if opens + timedelta(days=5) > DIGEST_AT:
                break
            round_id = len(rounds) + 1
            rounds.append((round_id, survey_id, number, opens, opens + timedelta(days=5), len(invited), True))
            respondents = []
            for person in invited:
                answered = rng.random() < propensity[person]
                participation.append((round_id, person, answered))
                if answered:
                    respondents.append(person)
            batch = published(rng, round_id, ids, [group[person] for person in respondents])
            answers += [(hexid(rng), *row) for row in batch]
            tallies += [tuple(row[c] for c in TALLY_COLUMNS) for row in tally_rows(answer_counts(
                dict(zip(ANSWER_COLUMNS, row, strict=True)) for row in batch))]


def published(rng: random.Random, round_id: int, questions: list[tuple[int, str]],
              groups: list[str | None]) -> list[tuple[object, ...]]:
    """A round's answer rows as publishing writes them (bot/pulse/ballots.py `answer_rows`): none below the threshold,
    a team named only where `suppress` could show it, shuffled."""
    if len(groups) < ANONYMITY_THRESHOLD:
        return []
    named = set(suppress(Counter(groups), ANONYMITY_THRESHOLD)) - {OTHER}
    batch = [answer(rng, round_id, question_id, kind, name if name in named else None)
             for name in groups for question_id, kind in questions]
    rng.shuffle(batch)
    return [row for row in batch if row is not None]


def answer(rng: random.Random, round_id: int, question_id: int, kind: str,
           group: str | None) -> tuple[object, ...] | None:
    if kind == "scale":
        return (round_id, question_id, group, clamp(rng.gauss(3.7, 0.9), 1, 5), None, None)
    if kind == "enps":
        return (round_id, question_id, group, clamp(rng.gauss(7.5, 1.8), 0, 10), None, None)
    if rng.random() < 0.3:  # most people leave the free-text question empty
        return (round_id, question_id, group, None, None, "More focus time, please")
    return None


def one_on_ones(rng: random.Random, tables: Tables, org: Org) -> None:
    """Every reporting line is a pair (mostly biweekly), last held up to 2.5 cadences ago; about 3 entries each."""
    pairs = tables.table("one_on_ones", "id", "manager_id", "report_id", "cadence_days", "last_held_on",
                         "created_at")
    entries = tables.table("one_on_one_entries", "id", "pair_id", "kind", "text", "author_id", "created_at",
                           "held_on", "done_at")
    today = DIGEST_AT.date()
    for report in range(2, org.size + 1):
        manager = org.manager_of[report]
        cadence = rng.choices((7, 14, 30), (20, 65, 15))[0]
        held = None if rng.random() < 0.05 else today - timedelta(days=rng.randint(0, cadence * 5 // 2))
        pair_id = len(pairs) + 1
        pairs.append((pair_id, manager, report, cadence, held, START))
        for _ in range(rng.randint(0, 6)):
            kind = rng.choice(("topic", "note", "action"))
            created = random_time(rng, DIGEST_AT - timedelta(days=60), DIGEST_AT)
            tied = held if kind != "topic" or rng.random() < 0.5 else None
            done = created + timedelta(days=rng.uniform(1, 10)) if kind == "action" and rng.random() < 0.5 else None
            topic = rng.choice(("career", "workload", "tools"))
            entries.append((len(entries) + 1, pair_id, kind, f"Talk about {topic}", rng.choice((manager, report)),
                            created, tied, done if done and done < DIGEST_AT else None))


def deliveries(rng: random.Random, tables: Tables, org: Org) -> None:
    """The outbox keeps what was sent: the last four weeks of check-in prompts and weekly digests."""
    rows = tables.table("deliveries", "id", "key", "kind", "recipient_id", "recipient_seal", "channel", "payload",
                        "status", "attempts", "last_error", "created_at", "sent_at")
    for week in range(WEEKS - 4, WEEKS):
        friday = START + timedelta(days=4 + 7 * week, hours=6)
        period = iso_week(friday.date())
        payload = {"title": f"Time for your weekly check-in (week {period[-2:]})", "blocks": []}
        for person in range(1, org.size + 1):
            rows.append((len(rows) + 1, f"checkin:{org.uids[person]}:{period}", "checkin.prompt", person, None, None,
                         payload, "sent", 1, None, friday, friday + timedelta(seconds=rng.randrange(60))))
        monday = START + timedelta(weeks=week + 1)
        digest = {"title": "Weekly digest", "blocks": []}
        for manager in range(1, org.managers + 1):
            rows.append((len(rows) + 1, f"digest:{org.uids[manager]}:{iso_week(monday.date())}", "digest", manager,
                         None, None, digest, "sent", 1, None, monday, monday + timedelta(seconds=rng.randrange(60))))
