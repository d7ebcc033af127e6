"""Proactive Teams messages on the wire: install greetings, prompts from a scheduler tick into stored or newly
created 1:1 chats, 429 storms (nothing lost, nothing twice), blocked people (403) and uninstalls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from adapters.teams.messenger import RetryPolicy
from bot.core import deliver
from bot.kernel.settings import Settings
from bot.orgdir import import_people
from bot.rhythm.scheduler import tick
from storage.models import Account, Delivery
from tests.fakes.teams_connector import BOT, TENANT, TeamsHarness, card_text, user

FRIDAY_PROMPT = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # check-ins: Friday 15:00 local (UTC here)
PEOPLE = [user(f"Person {n}", f"p{n}@example.com", 100 + n) for n in range(12)]
BO = user("Bo Ek", "bo@example.com", 1)


def teams_429s() -> float:
    return REGISTRY.get_sample_value("feedbot_rate_limited_total", {"platform": "teams"}) or 0.0


def org(people: list) -> str:
    lines = ["email,name,manager_email,team,timezone,locale"]
    lines += [f"{p.email},{p.name},,Apps,UTC,en" for p in people]
    return "\n".join(lines) + "\n"


async def started(database, clock, catalogs, tmp_path: Path, people: list, **kwargs) -> TeamsHarness:
    harness = await TeamsHarness.start(database, clock, catalogs, **kwargs)
    (tmp_path / "org.csv").write_text(org(people), encoding="utf-8")
    await import_people(harness.deps, tmp_path / "org.csv")
    return harness


@pytest.fixture
async def teams(database, clock, catalogs, tmp_path: Path):
    harness = await started(database, clock, catalogs, tmp_path, [BO, *PEOPLE])
    yield harness
    await harness.close()


async def prompt_round(teams: TeamsHarness, clock) -> None:
    """Friday 15:00: the scheduler's tick records the check-in prompts and sends them."""
    clock.set(FRIDAY_PROMPT)
    await tick(teams.deps)
    await teams.platform.idle()


def chat(person) -> str:
    return f"a:{person.teams_id}"


async def deliveries(teams: TeamsHarness) -> list[Delivery]:
    async with teams.deps.uow() as uow:
        return list((await uow.session.scalars(select(Delivery).order_by(Delivery.id))).all())


async def ids_of(teams: TeamsHarness, people: list) -> set[int]:
    async with teams.deps.uow() as uow:
        return {(await uow.people.by_email(p.email)).id for p in people}


async def account(teams: TeamsHarness, person) -> Account:
    async with teams.deps.uow() as uow:
        return await uow.people.account("teams", "72f988bf-0000-0000-0000-00000000feed", person.aad)


async def test_installing_the_app_greets_once_and_remembers_the_chat(teams):
    for name in ("installation_update", "conversation_update"):
        assert (await teams.post(teams.activity(name, BO))).status == 201
    greetings = teams.connector.sent(chat(BO))
    assert len(greetings) == 1
    assert "You are Bo Ek (bo@example.com). Type help to see" in card_text(greetings[0])  # no slash on Teams
    stored = await account(teams, BO)
    assert stored.address == {"service_url": teams.connector.url, "tenant": stored.workspace, "user": BO.teams_id,
                              "bot": "28:00000000-0000-0000-0000-00000000b07a", "conversation": chat(BO)}


async def test_an_install_that_fails_is_answered_500_so_the_bot_connector_delivers_it_again(teams):
    installed = teams.activity("installation_update", BO)
    teams.connector.refuse(1, status=502, retry_after=None)  # the member lookup meets a gateway error
    assert (await teams.post(installed)).status == 500
    assert teams.connector.sent() == [] and (await account(teams, BO)) is None
    assert (await teams.post(installed)).status == 201
    assert len(teams.connector.sent(chat(BO))) == 1 and (await account(teams, BO)).address["conversation"] == chat(BO)


async def test_prompts_from_a_scheduler_tick_reach_stored_chats_and_create_missing_ones(teams, clock):
    await teams.say(BO, "help")  # personal chat known
    in_team = teams.activity("installation_update", PEOPLE[0])  # installed the app in a team: no personal chat
    in_team["conversation"] = {"conversationType": "channel", "id": "19:general@thread.tacv2", "isGroup": True}
    assert (await teams.post(in_team)).status == 201
    assert teams.connector.sent() == [teams.connector.sent(chat(BO))[0]], "no greeting in the channel"
    assert (await account(teams, PEOPLE[0])).address["conversation"] is None
    teams.connector.calls.clear()
    await prompt_round(teams, clock)
    [create] = teams.connector.of("create")
    assert create.body["members"] == [{"id": PEOPLE[0].teams_id}] and create.body["isGroup"] is False
    # Teams reads the tenant from channelData (botbuilder spells the top-level key `tenantID`, PLATFORM §2.1).
    assert create.body["channelData"]["tenant"]["id"] == TENANT
    assert create.body["bot"]["id"] == BOT
    for person in (BO, PEOPLE[0]):
        [prompt] = teams.connector.sent(chat(person))
        assert "Check in" in card_text(prompt), card_text(prompt)
    assert (await account(teams, PEOPLE[0])).address["conversation"] == chat(PEOPLE[0])
    # People who never talked to the bot on Teams cannot be reached there: failed, not retried forever.
    failed = [d for d in await deliveries(teams) if d.status == "failed"]
    assert len(failed) == len(PEOPLE) - 1
    assert all("never talked to the bot" in d.last_error or "no reachable account" in d.last_error for d in failed)


async def test_a_429_storm_loses_nothing_and_sends_nothing_twice(teams, clock):
    for person in PEOPLE:
        await teams.say(person, "help")
    teams.connector.calls.clear()
    people = await ids_of(teams, PEOPLE)
    teams.connector.refuse(30, status=429, retry_after="0")
    counted_before = teams_429s()
    await prompt_round(teams, clock)
    for _ in range(10):  # the outbox tries again later what Teams kept refusing
        if all(d.status == "sent" for d in await deliveries(teams) if d.recipient_id in people):
            break
        clock.advance(timedelta(hours=1))
        await deliver(teams.deps)
    assert not teams.connector.refusals, "every refusal was met"
    assert len(teams.connector.of("refused-reply")) == 30
    assert teams_429s() - counted_before == 30  # each one in feedbot_rate_limited_total{platform="teams"}
    for person in PEOPLE:
        assert len(teams.connector.sent(chat(person))) == 1, person.name
    assert all(d.status == "sent" for d in await deliveries(teams) if d.recipient_id in people)


async def test_retry_after_is_honoured_in_place_and_a_long_one_is_left_to_the_outbox(
        database, clock, catalogs, tmp_path):
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    # The outbox's own backoff is 1 s here, so the 7 s below can only come from Teams' Retry-After.
    settings = Settings.model_validate({"org": {"admins": ["admin@example.com"]},
                                        "privacy": {"secret_key": "test-secret"}, "limits": {"retry_base_seconds": 1}})
    teams = await started(database, clock, catalogs, tmp_path, [BO], settings=settings,
                          policy=RetryPolicy(retries=2, base_seconds=0.01, cap_seconds=20, sleep=sleep))
    try:
        await teams.say(BO, "help")
        teams.connector.calls.clear()
        teams.connector.refuse(3, status=429, retry_after="7")
        await prompt_round(teams, clock)
        assert len(waits) == 2 and all(7 <= w <= 7 * 1.2 for w in waits)
        [prompt] = await deliveries(teams)
        assert prompt.status == "pending" and prompt.next_attempt_at >= FRIDAY_PROMPT + timedelta(seconds=7)
        assert "429" in prompt.last_error
        teams.connector.refuse(1, status=502, retry_after=None)  # a gateway's HTML error page: retried in place
        clock.advance(timedelta(hours=1))
        await deliver(teams.deps)
        assert (await deliveries(teams))[0].status == "sent"
        assert len(teams.connector.sent(chat(BO))) == 1
        assert len(waits) == 3 and 0.01 * 0.8 <= waits[2] <= 0.01 * 1.2, "backoff with jitter, no Retry-After"
        # A long Retry-After is the outbox's to wait: the sender is not held up in place for ten minutes.
        teams.connector.refuse(1, status=429, retry_after="600")
        clock.set(FRIDAY_PROMPT + timedelta(days=7))
        await tick(teams.deps)
        await teams.platform.idle()
        assert len(waits) == 3
        prompt = (await deliveries(teams))[-1]
        assert prompt.status == "pending" and prompt.next_attempt_at >= clock.now() + timedelta(seconds=600)
        clock.advance(timedelta(minutes=11))
        await deliver(teams.deps)
        assert (await deliveries(teams))[-1].status == "sent" and len(teams.connector.sent(chat(BO))) == 2
    finally:
        await teams.close()


async def test_someone_who_blocked_the_bot_is_marked_unreachable_and_not_retried(teams, clock):
    await teams.say(BO, "help")
    await teams.say(PEOPLE[0], "help")
    teams.connector.blocked.add(BO.teams_id)
    teams.connector.calls.clear()
    await prompt_round(teams, clock)
    refused = teams.connector.of("refused-reply")
    assert len(refused) == 1, "a 403 is not retried"
    assert (await account(teams, BO)).unreachable_at is not None
    assert len(teams.connector.sent(chat(PEOPLE[0]))) == 1
    to_bo = next(d for d in await deliveries(teams) if d.status == "failed" and "blocked" in (d.last_error or ""))
    clock.advance(timedelta(days=1))
    await deliver(teams.deps)
    assert len(teams.connector.of("refused-reply")) == 1
    assert next(d for d in await deliveries(teams) if d.id == to_bo.id).status == "failed"
    # Writing to the bot again makes the person reachable again.
    teams.connector.blocked.clear()
    await teams.say(BO, "help")
    assert (await account(teams, BO)).unreachable_at is None


async def test_uninstalling_marks_the_person_unreachable(teams, clock):
    await teams.say(BO, "help")
    removed = teams.activity("installation_update", BO, action="remove")
    assert (await teams.post(removed)).status == 201
    assert (await account(teams, BO)).unreachable_at is not None
    teams.connector.calls.clear()
    await prompt_round(teams, clock)
    assert teams.connector.sent(chat(BO)) == []


async def test_a_new_service_url_replaces_the_stored_one(teams, clock):
    await teams.say(BO, "help")
    moved = teams.message(BO, "help")
    moved["serviceUrl"] = teams.connector.url.replace("127.0.0.1", "localhost")
    assert (await teams.post(moved)).status == 201
    stored = await account(teams, BO)
    assert stored.address["service_url"] == moved["serviceUrl"]
    teams.connector.calls.clear()
    await prompt_round(teams, clock)
    [prompt] = teams.connector.sent(chat(BO))
    assert prompt["serviceUrl"] == moved["serviceUrl"]


async def test_a_managers_weekly_digest_arrives_with_its_mood_chart_as_an_image(database, clock, catalogs, tmp_path):
    ana, lea = user("Ana Berg", "ana@example.com", 2), user("Lea Berg", "lea@example.com", 3)
    teams = await TeamsHarness.start(database, clock, catalogs)
    try:
        (tmp_path / "org.csv").write_text("email,name,manager_email,team,timezone,locale\n"
                                          "ana@example.com,Ana Berg,,Apps,UTC,en\n"
                                          "lea@example.com,Lea Berg,ana@example.com,Apps,UTC,en\n", encoding="utf-8")
        await import_people(teams.deps, tmp_path / "org.csv")
        await teams.say(ana, "help")
        await teams.say(lea, "checkin")
        await teams.press(lea, teams.last_card(chat(lea)), "Send check-in", {"well": "a", "next": "b", "mood": "4"})
        teams.connector.calls.clear()
        clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))  # Monday 09:00: digests
        await tick(teams.deps)
        await teams.platform.idle()
        digest = next(a for a in teams.connector.sent(chat(ana)) if "Weekly digest" in card_text(a))
        [image] = [e for e in digest["attachments"][0]["content"]["body"] if e["type"] == "Image"]
        assert image["url"].startswith("data:image/png;base64,") and image["altText"].startswith("Mood")
    finally:
        await teams.close()
