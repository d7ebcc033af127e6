"""Teams on the wire: the command grammar typed as messages, in the personal chat and in channels, against
the real serve app, a fake Bot Connector and a fake identity service (SQLite and PostgreSQL)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.kernel.settings import Settings
from bot.orgdir import import_people
from storage.models import Account, Delivery, Feedback, Goal, Idea, InboundEvent, Kudos, Person
from tests.fakes.teams_connector import (
    BOT,
    BOT_AUTH,
    TENANT,
    TeamsHarness,
    TeamsUser,
    actions,
    card_text,
    fail_once,
    user,
)

BO = user("Bo Ek", "bo@example.com", 1)
ANA = user("Ana Berg", "ana@example.com", 2)
ADMIN = user("Ad Min", "admin@example.com", 4)
SVEN = user("Sven Ström", "sven@example.com", 5)
ORG = """email,name,manager_email,team,timezone,locale
ana@example.com,Ana Berg,,Apps,Europe/Stockholm,en
bo@example.com,Bo Ek,ana@example.com,Apps,Europe/Stockholm,
admin@example.com,Ad Min,,People,UTC,en
"""


@pytest.fixture
async def teams(database, clock, catalogs, tmp_path: Path):
    harness = await TeamsHarness.start(database, clock, catalogs)
    (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
    await import_people(harness.deps, tmp_path / "org.csv")
    yield harness
    await harness.close()


async def count(teams: TeamsHarness, model: type) -> int:
    async with teams.deps.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model))


def is_error(activity: dict) -> bool:
    return any(e.get("color") == "attention" for e in activity["attachments"][0]["content"]["body"])


# Every command, typed in the personal chat: who types it, the text, and what the answer says.
SESSION = [
    (BO, "help", "kudos"),
    (BO, "kudos @Ana Berg great demo #teamwork", "Kudos sent to **@Ana Berg**"),
    (BO, "kudos", "great demo #teamwork"),
    (BO, "idea Cut the build time by caching wheels", "Idea #1 is posted"),
    (BO, "idea list", "Cut the build time by caching wheels"),
    (BO, "idea show 1", "Votes"),
    (ANA, "idea vote 1", "You voted for idea #1"),
    (ANA, "idea comment 1 good one", "Your comment is added to idea #1"),
    (ADMIN, "idea status 1 accepted Plan it", "Idea #1 moved from new to accepted"),
    (BO, "feedback @Ana Berg Your demo was clear", "Feedback sent to **@Ana Berg**"),
    (BO, "feedback ask @Ana Berg About my design review", "Asked **@Ana Berg** for feedback"),
    (BO, "goal add Reduce p95 latency to 200 ms by 2027-03-31", "Goal #1 added"),
    (BO, "goal list", "Reduce p95 latency to 200 ms"),
    (BO, "checkin", "What went well this week?"),
    (BO, "pulse", "No survey is waiting for you"),
    (ANA, "1on1 add @Bo Ek Career plans", "Added to the agenda of your next 1:1 with **@Bo Ek**"),
    (ANA, "1on1 note @Bo Ek went well", "Note saved"),
    (ANA, "1on1 action @Bo Ek Book the course", "Action item #"),
    (ANA, "1on1 cadence @Bo Ek weekly", "are now weekly"),
    (ANA, "digest", "Weekly digest"),
    (BO, "away until 2026-12-01", "No check-ins or reminders until 2026-12-01"),
    (BO, "language sv", "Svenska"),
]


async def test_every_command_typed_in_the_personal_chat(teams):
    mentionable = {person.name: person for person in (BO, ANA)}
    for who, text, expected in SESSION:
        mention = [p for name, p in mentionable.items() if f"@{name}" in text]
        replies = await teams.say(who, text, mention=mention)
        mine = [r for r in replies if r["conversation"]["id"] == f"a:{who.teams_id}"]
        assert mine, f"no answer to {text!r}"
        assert expected in card_text(mine[0]), (text, card_text(mine[0]))
        assert not is_error(mine[0]), text
    assert await count(teams, Kudos) == 1
    assert await count(teams, Idea) == 1
    assert await count(teams, Goal) == 1
    assert await count(teams, Feedback) == 1


async def test_people_are_linked_by_email_from_the_member_api_with_the_entra_id_as_key(teams):
    await teams.say(BO, "help")
    async with teams.deps.uow() as uow:
        account = (await uow.session.scalars(select(Account).where(Account.platform == "teams"))).one()
        person = await uow.people.by_account("teams", account.workspace, account.user_id)
    assert account.user_id == BO.aad and account.workspace == "72f988bf-0000-0000-0000-00000000feed"
    assert person.email == "bo@example.com"
    assert account.address["user"] == BO.teams_id and account.address["conversation"] == f"a:{BO.teams_id}"
    assert [c.path for c in teams.connector.of("member")] == [
        f"/v3/conversations/a:{BO.teams_id}/members/{BO.teams_id}"]
    await teams.say(BO, "goal list")
    assert len(teams.connector.of("member")) == 1, "member profiles are cached"


async def test_a_mentioned_person_notified_in_their_own_chat(teams):
    await teams.say(ANA, "help")
    replies = await teams.say(BO, "kudos @Ana Berg great demo #teamwork", mention=[ANA])
    to_ana = [r for r in replies if r["conversation"]["id"] == f"a:{ANA.teams_id}"]
    assert len(to_ana) == 1 and "great demo #teamwork" in card_text(to_ana[0])
    assert "**@Bo Ek** gave you kudos" in card_text(to_ana[0])


async def test_in_a_channel_only_messages_that_mention_the_bot_count_and_private_answers_go_to_the_personal_chat(
        teams):
    unaddressed = teams.message(BO, "kudos @Ana Berg nice", mention=[ANA], channel=True)
    unaddressed["entities"] = [e for e in unaddressed["entities"] if e.get("mentioned", {}).get("name") != "feedbot"]
    unaddressed["text"] = unaddressed["text"].replace("<at>feedbot</at> ", "")
    assert (await teams.post(unaddressed)).status == 201
    assert await count(teams, Kudos) == 0 and teams.connector.sent() == []

    replies = await teams.say(BO, "kudos @Ana Berg great demo #teamwork", mention=[ANA], channel=True)
    assert await count(teams, Kudos) == 1
    # Bo never wrote to the bot in private: his personal chat is created for the answer, then remembered (and
    # Ana's, met through the mention, to tell her).
    assert sorted(c.body["members"][0]["id"] for c in teams.connector.of("create")) == [BO.teams_id, ANA.teams_id]
    assert sorted(r["conversation"]["id"] for r in replies) == sorted([f"a:{BO.teams_id}", f"a:{ANA.teams_id}"])
    replies = [r for r in replies if r["conversation"]["id"] == f"a:{BO.teams_id}"]
    assert "Kudos sent to **@Ana Berg**" in card_text(replies[0])
    async with teams.deps.uow() as uow:
        account = await uow.people.account("teams", replies[0]["conversation"].get("tenantID") or
                                           "72f988bf-0000-0000-0000-00000000feed", BO.aad)
    assert account.address["conversation"] == f"a:{BO.teams_id}"
    assert not any("19:" in r["conversation"]["id"] for r in teams.connector.sent()), "nothing private in the channel"


async def test_the_bot_mention_is_stripped_and_html_entities_are_read_as_text(teams):
    activity = teams.message(BO, "idea Faster&nbsp;builds &amp; tests", channel=False)
    activity["text"] = "<at>feedbot</at> " + activity["text"]
    activity["entities"].append({"type": "mention", "text": "<at>feedbot</at>",
                                 "mentioned": {"id": activity["recipient"]["id"], "name": "feedbot"}})
    assert (await teams.post(activity)).status == 201
    async with teams.deps.uow() as uow:
        idea = (await uow.session.scalars(select(Idea))).one()
    assert idea.text == "Faster builds & tests"


async def test_a_swedish_teams_client_gets_swedish_answers(teams):
    replies = await teams.say(SVEN, "kudos", locale="sv-SE")
    assert "Inga kudos än. Tacka någon" in card_text(replies[0])
    help_card = card_text((await teams.say(SVEN, "help", locale="sv-SE"))[0])
    assert "Tacka någon offentligt" in help_card
    async with teams.deps.uow() as uow:
        person = await uow.people.by_email(SVEN.email)
    assert person.locale == "sv" and person.timezone == "Europe/Stockholm"


async def test_a_replayed_activity_is_handled_once(teams):
    activity = teams.message(BO, "kudos @Ana Berg great demo", mention=[ANA])
    assert (await teams.post(activity)).status == 201
    assert (await teams.post(activity)).status == 201
    assert await count(teams, Kudos) == 1
    assert len([r for r in teams.connector.sent() if r["conversation"]["id"] == f"a:{BO.teams_id}"]) == 1
    assert await count(teams, InboundEvent) == 1
    async with teams.deps.uow() as uow:
        [event] = (await uow.session.scalars(select(InboundEvent))).all()
    # What an attacker reading the table finds: neither the personal chat nor the message id, only a keyed tag and
    # the hour (a message id in a personal chat is its time in milliseconds: a plain hash could be recomputed).
    assert BO.teams_id not in event.event_id and str(activity["id"]) not in event.event_id
    assert event.event_id == teams.deps.sealer.tag(f"{activity['conversation']['id']}|{activity['id']}")
    assert (event.received_at.minute, event.received_at.second, event.received_at.microsecond) == (0, 0, 0)


async def test_someone_the_connector_cannot_look_up_is_told_why_in_their_language(teams):
    stranger = user("Mystery Person", "unknown@example.com", 9)
    activity = teams.message(stranger, "kudos", locale="sv-SE")
    teams.connector.members.pop(stranger.teams_id)
    assert (await teams.post(activity)).status == 201
    reply = teams.connector.sent()[0]
    assert is_error(reply)
    assert "e-postadress" in card_text(reply)
    assert await count(teams, Person) == 3  # only the org import


async def test_a_reply_teams_keeps_refusing_is_logged_and_the_command_still_counts_once(teams, caplog):
    await teams.say(BO, "help")
    teams.connector.refuse(2, status=429, retry_after="0")  # the reply path retries once, then gives up
    activity = teams.message(BO, "goal add Ship it by 2027-03-31")
    assert (await teams.post(activity)).status == 201
    assert "could not answer Teams activity" in caplog.text
    assert (await teams.post(activity)).status == 201  # Teams redelivers: a replay, ignored
    assert await count(teams, Goal) == 1


async def test_kudos_are_posted_in_the_configured_teams_channel(database, clock, catalogs, tmp_path: Path):
    channel = "19:kudos-channel0123@thread.tacv2"
    settings = Settings.model_validate({"org": {"admins": ["admin@example.com"]}, "privacy": {"secret_key": "s"},
                                        "kudos": {"channel": channel}})
    teams = await TeamsHarness.start(database, clock, catalogs, settings)
    try:
        assert teams.platform.owns_channel(channel) and not teams.platform.owns_channel("#kudos")
        (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
        await import_people(teams.deps, tmp_path / "org.csv")
        await teams.say(BO, "kudos @Ana Berg great demo #teamwork", mention=[ANA])
        [post] = teams.connector.of("post")
        assert post.conversation == channel and post.auth == BOT_AUTH
        assert post.body["channelData"]["tenant"]["id"] == TENANT
        assert post.body["bot"]["id"] == BOT
        text = card_text(post.body["activity"])
        # Both are on Teams (Ana met through Bo's mention): @mentioned for real, so Teams notifies them.
        assert "great demo #teamwork" in text and "<at>Bo Ek</at>" in text and "<at>Ana Berg</at>" in text
        assert post.body["activity"]["attachments"][0]["content"]["msteams"]["entities"] == [
            {"type": "mention", "text": "<at>Bo Ek</at>", "mentioned": {"id": BO.teams_id, "name": "Bo Ek"}},
            {"type": "mention", "text": "<at>Ana Berg</at>", "mentioned": {"id": ANA.teams_id, "name": "Ana Berg"}}]
        assert all(d.status == "sent" for d in await deliveries(teams) if d.channel == channel)
        await teams.say(ANA, "kudos @Bo Ek thanks for the review", mention=[BO])
        posted = teams.connector.of("post")[-1].body["activity"]
        shown = posted["attachments"][0]["content"]
        assert "Kudos from <at>Ana Berg</at> to <at>Bo Ek</at>" in card_text(posted)
        assert [e["mentioned"]["id"] for e in shown["msteams"]["entities"]] == [ANA.teams_id, BO.teams_id]
    finally:
        await teams.close()


async def deliveries(teams: TeamsHarness) -> list[Delivery]:
    async with teams.deps.uow() as uow:
        return list((await uow.session.scalars(select(Delivery))).all())


async def test_what_people_type_cannot_become_a_link_or_formatting_in_a_card(teams):
    await teams.say(ANA, "help")
    replies = await teams.say(BO, "kudos @Ana Berg [claim your bonus](https://phish.example) *now*", mention=[ANA])
    [to_ana] = [r for r in replies if r["conversation"]["id"] == f"a:{ANA.teams_id}"]
    shown = card_text(to_ana)
    assert r"\[claim your bonus\](https://phish.example) \*now\*" in shown
    assert "[claim your bonus](" not in shown.replace(r"\[", "").replace(r"\]", "")


async def test_when_the_core_fails_nothing_is_saved_the_person_is_told_and_a_redelivery_runs_it(
        teams, monkeypatch, caplog):
    failed = fail_once(monkeypatch, "handle_message")
    activity = teams.message(SVEN, "goal add Ship it by 2027-03-31", locale="sv-SE")
    assert (await teams.post(activity)).status == 201
    [told] = teams.connector.sent()
    assert is_error(told) and "Något gick fel hos mig, och ingenting sparades." in card_text(told)
    assert "handling Teams activity" in caplog.text and [m.text for m in failed] == ["goal add Ship it by 2027-03-31"]
    assert await count(teams, Goal) == 0 and await count(teams, InboundEvent) == 0
    assert (await teams.post(activity)).status == 201  # the Bot Connector redelivers it
    assert await count(teams, Goal) == 1 and await count(teams, InboundEvent) == 1
    assert (await teams.post(activity)).status == 201  # and once handled, a replay is ignored
    assert await count(teams, Goal) == 1


async def test_a_swedish_person_gets_swedish_forms_buttons_and_errors(teams):
    await teams.say(SVEN, "help", locale="sv-SE")
    await teams.say(SVEN, "checkin", locale="sv-SE")
    form = teams.last_card(f"a:{SVEN.teams_id}")
    assert "Vad gick bra den här veckan?" in card_text(form.body)
    assert [a["title"] for a in actions(form.body)] == ["Skicka avstämning"]
    answered = await teams.press(SVEN, form, "Skicka avstämning", {"well": "Bra", "mood": "9"})
    shown = card_text(answered[0].body)
    assert "Svara på den här frågan." in shown and "Svara med ett tal från 1 till 5." in shown
    assert "Please" not in shown and "Send" not in shown


async def test_a_guest_is_not_linked_by_their_ext_user_principal_name(teams):
    guest = TeamsUser("Gus Guest", "", "aad-0077-0000-0000-0000-000000000000", "29:1teams-user-0077",
                      upn="gus_contoso.com#EXT#@fabrikam.onmicrosoft.com")
    assert (await teams.post(teams.message(guest, "kudos"))).status == 201
    [reply] = teams.connector.sent()
    assert is_error(reply) and "email" in card_text(reply)
    assert await count(teams, Person) == 3  # only the org import


async def test_a_throttled_or_failing_member_lookup_asks_to_try_again_instead_of_saying_who_is_unknown(teams):
    activity = teams.message(SVEN, "goal add Ship it by 2027-03-31", locale="sv-SE")
    for status, retry_after in ((429, "1"), (502, None)):  # a 502 comes as a gateway's HTML page
        teams.connector.calls.clear()
        teams.connector.refuse(1, status=status, retry_after=retry_after)
        assert (await teams.post(activity)).status == 201
        assert len(teams.connector.of("member")) == 1, "the SDK does not retry behind our back"
        [told] = teams.connector.sent()
        assert "Något gick fel hos mig" in card_text(told) and "e-post" not in card_text(told)
        assert await count(teams, Person) == 3 and await count(teams, InboundEvent) == 0
    assert (await teams.post(activity)).status == 201  # redelivered: now it works
    assert await count(teams, Goal) == 1


async def test_a_colleague_mentioned_before_they_ever_used_feedbot_is_met_and_told(teams):
    await teams.say(BO, "help")
    replies = await teams.say(BO, "kudos @Sven Ström thanks for the fix", mention=[SVEN])
    assert "Kudos sent to **@Sven Ström**" in card_text(replies[0])
    async with teams.deps.uow() as uow:
        sven = await uow.people.by_email(SVEN.email)
        assert sven is not None and sven.name == "Sven Ström"
        accounts = await uow.people.accounts_of(sven.id)
    assert [(a.platform, a.workspace) for a in accounts] == [("teams", TENANT)]
    await teams.platform.idle()
    created = [c for c in teams.connector.calls if c.method == "create"]
    assert created, "a 1:1 chat is created to tell Sven"
    to_sven = [c for c in teams.connector.calls if c.conversation == f"a:{SVEN.teams_id}"]
    assert len(to_sven) == 1 and "thanks for the fix" in card_text(to_sven[0].body)


async def test_the_logs_name_no_chat_when_a_retry_is_ignored_or_an_activity_fails(teams, monkeypatch, caplog):
    """Before: the raw dedup key — the personal chat's id and the message id — was logged for a redelivery ignored,
    an activity that failed and a reply Teams refused. Now a piece of its keyed tag, as in the dedup table."""
    caplog.set_level(logging.DEBUG, logger="adapters")
    fail_once(monkeypatch, "handle_message")
    failing = teams.message(BO, "goal add Ship it by 2027-03-31")
    assert (await teams.post(failing)).status == 201  # fails: nothing saved, the person told
    assert (await teams.post(failing)).status == 201  # redelivered: runs
    assert (await teams.post(failing)).status == 201  # and again: ignored
    teams.connector.refuse(2, status=429, retry_after="0")
    assert (await teams.post(teams.message(BO, "help"))).status == 201  # the reply is refused twice: logged
    ours = [r for r in caplog.records if r.name.startswith("adapters")]
    said = "\n".join(r.getMessage() + (r.exc_text or "") for r in ours)
    assert "handling Teams activity" in said and "was handled before: ignored" in said
    assert "could not answer Teams activity" in said
    chat = failing["conversation"]["id"]
    for secret in (chat, BO.teams_id, f"{chat}|{failing['id']}", str(failing["id"])):
        assert secret not in said, secret
    tag = teams.deps.sealer.tag(f"{chat}|{failing['id']}")
    assert f"Teams activity {tag[:12]} was handled before: ignored" in said
