"""Expectations through the console, on real storage: the role's by kind with kudos as evidence, proposals agreed by
the other side in both directions, who may see what, odd input, the settings' checks and the migration."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.datarights import export_person
from bot.kernel.settings import Settings
from bot.orgdir import import_people
from storage.models import Delivery, Expectation

LEA, MAX, BO, ADMIN, CY = "lea@example.com", "max@example.com", "bo@example.com", "admin@example.com", "cy@example.com"
ORG = ("email,name,manager_email,team,timezone,locale,role,level\n"
       "max@example.com,Max,,Apps,Europe/Stockholm,en,manager,\n"
       "lea@example.com,Lea,max@example.com,Apps,Europe/Stockholm,en,developer,senior\n"
       "bo@example.com,Bo,max@example.com,Apps,Europe/Stockholm,en,developer,junior\n"
       "cy@example.com,Cy,,Platform,Europe/Stockholm,en,,\n"
       "admin@example.com,Admin,,,Europe/Stockholm,en,,\n")
EXPECTATIONS = [
    {"role": "developer", "kind": "result", "text": "Features shipped as planned each quarter"},
    {"role": "developer", "level": "senior", "kind": "action", "text": "Mentors a junior developer"},
    {"role": "developer", "level": "junior", "kind": "action", "text": "Pairs on every larger change"},
    {"role": "developer", "kind": "behaviour", "text": {"en": "Helps the team", "sv": "Hjälper teamet"},
     "value": "teamwork"},
]


@pytest.fixture
def settings() -> Settings:
    return Settings.model_validate({"org": {"admins": [ADMIN]}, "privacy": {"secret_key": "test-secret"},
                                    "expectations": {"catalogue": EXPECTATIONS}})


async def org(deps, tmp_path: Path) -> None:
    (tmp_path / "org.csv").write_text(ORG, encoding="utf-8")
    await import_people(deps, tmp_path / "org.csv")


async def rows(deps) -> list[tuple]:
    async with deps.uow() as uow:
        return [(e.person_id, e.proposed_by_id, e.kind, e.text, e.value, e.status) for e in (await uow.session.scalars(
            select(Expectation).order_by(Expectation.id))).all()]


async def deliveries(deps) -> int:
    async with deps.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(Delivery))


async def test_my_expectations_are_my_roles_and_levels_by_kind_with_kudos_as_evidence(deps, console, clock, tmp_path):
    await org(deps, tmp_path)
    await console.type("/kudos @lea Thanks for the old review #teamwork", as_=BO)
    clock.advance(timedelta(days=91))  # out of the evidence window
    await console.type("/kudos @lea Thanks for the review #teamwork", as_=BO)
    await console.type("/kudos @lea Great release notes #quality", as_=MAX)
    clock.advance(timedelta(days=1))
    await console.type("/kudos @lea @bo Fixed the build together #teamwork", as_=MAX)
    out = await console.type("/expectations", as_=LEA)
    assert ("Your expectations\nRole: developer, level senior\n"
            "Results — what is produced\n• Features shipped as planned each quarter\n"
            "Actions — how the work is done\n• Mentors a junior developer\n"
            "Behaviours — the values shown\n• Helps the team\n"
            "    #teamwork: 2 kudos in the last 90 days; the latest from @Max on 2027-02-23: Fixed the build together "
            "#teamwork\n") in out
    assert "Pairs on every larger change" not in out  # the junior level's
    out = await console.type("/expectations", as_=BO)
    assert "Role: developer, level junior" in out and "Pairs on every larger change" in out
    assert "Mentors a junior developer" not in out and "#teamwork: 1 kudos in the last 90 days" in out
    out = await console.type("/expectations", as_=CY)
    assert "No role in the org directory yet: your role's expectations come with it.\nNo expectations yet." in out
    (tmp_path / "no-role.csv").write_text("email,name,role,level\nbo@example.com,Bo,,\n", encoding="utf-8")
    await import_people(deps, tmp_path / "no-role.csv")  # an empty cell clears the role
    out = await console.type("/expectations @bo", as_=MAX)
    assert "Expectations of @Bo\n@Bo has no role in the org directory yet: their role's expectations come with it." \
           in out and "Pairs on every larger change" not in out
    await console.type("/language sv", as_=LEA)
    out = await console.type("/expectations", as_=LEA)
    assert "• Hjälper teamet" in out and "Beteenden" in out


async def test_a_person_proposes_their_own_and_their_manager_agrees(deps, console, tmp_path):
    await org(deps, tmp_path)
    out = await console.type("/expectations propose Review two pull requests a day --action", as_=LEA)
    assert "Proposed as #1: Review two pull requests a day (action).\nIt becomes one of your expectations when @Max " \
           "agrees; until then it is on your next 1:1's agenda." in out
    assert "→ max@example.com: @Lea proposes an expectation of their own\n  #1 Review two pull requests a day " \
           "(action)\n  [Agree: /expectations agree 1]  [Decline: /expectations decline 1]" in out
    assert "#1 waits for @Max to agree or decline it." in await console.type("/expectations agree 1", as_=LEA)
    out = await console.type("/expectations @lea", as_=MAX)
    assert "Proposed, waiting for agreement\n• #1 Review two pull requests a day (action) — proposed by @Lea\n" \
           "[Agree to #1: /expectations agree 1]  [Decline #1: /expectations decline 1]" in out
    out = await console.type("/expectations agree 1", as_=MAX)
    assert "Agreed: #1 Review two pull requests a day is now one of @Lea's expectations." in out
    assert "→ lea@example.com: @Max agreed to expectation #1: Review two pull requests a day" in out
    out = await console.type("/expectations", as_=LEA)
    assert "Actions — how the work is done\n• Mentors a junior developer\n• #1 Review two pull requests a day " \
           "(agreed)\n" in out and "waiting for agreement" not in out
    assert await rows(deps) == [(2, 2, "action", "Review two pull requests a day", None, "agreed")]


async def test_a_manager_proposes_a_behaviour_and_the_person_declines(deps, console, tmp_path):
    await org(deps, tmp_path)
    out = await console.type("/expectations propose @lea Welcomes newcomers #learning", as_=MAX)
    assert "Proposed as #1: Welcomes newcomers #learning (behaviour)." in out
    assert "→ lea@example.com: @Max proposes an expectation for you\n  #1 Welcomes newcomers #learning " \
           "(behaviour)" in out
    assert "#1 waits for @Lea to agree or decline it." in await console.type("/expectations decline 1", as_=MAX)
    out = await console.type("/expectations decline 1", as_=LEA)
    assert "You declined #1: Welcomes newcomers #learning. It stays out of the expectations." in out
    assert "→ max@example.com: @Lea declined expectation #1: Welcomes newcomers #learning" in out
    assert "Welcomes newcomers" not in await console.type("/expectations", as_=LEA)
    assert await rows(deps) == [(2, 1, "behaviour", "Welcomes newcomers #learning", "learning", "declined")]
    await console.type("/expectations propose @lea Shares what they learn --behaviour #learning", as_=MAX)
    await console.type("/expectations agree 2", as_=LEA)
    await console.type("/kudos @lea Thanks for the talk #learning", as_=BO)
    out = await console.type("/expectations", as_=LEA)
    assert "• #2 Shares what they learn #learning (agreed)\n    #learning: 1 kudos in the last 90 days; the latest " \
           "from @Bo on 2026-11-23: Thanks for the talk #learning" in out


async def test_only_the_person_and_their_manager_see_them_and_admins_get_totals(deps, console, tmp_path):
    await org(deps, tmp_path)
    await console.type("/expectations propose Review two pull requests a day --action", as_=LEA)
    await console.type("/expectations propose @bo Pairs with Lea", as_=MAX)
    await console.type("/expectations agree 2", as_=BO)
    before, sent = await rows(deps), await deliveries(deps)
    refused = "Expectations are seen by the person and their manager only; admins see the totals with " \
              "/expectations totals."
    cases = {
        (BO, "/expectations @lea"): refused,  # a peer
        (CY, "/expectations @lea"): refused,  # another manager
        (ADMIN, "/expectations @lea"): refused,
        (BO, "/expectations agree 1"): "There is no proposal #1 waiting for an answer in expectations you can see.",
        (ADMIN, "/expectations decline 1"): "There is no proposal #1 waiting for an answer in expectations you can "
                                           "see.",
        (BO, "/expectations propose @lea Reviews my code"): "You propose expectations for yourself or for someone "
                                                             "who reports to you; @Lea does not.",
        (ADMIN, "/expectations propose @lea Reviews"): "You propose expectations for yourself or for someone who "
                                                       "reports to you; @Lea does not.",
        (LEA, "/expectations totals"): "Only admins see the totals. Your own expectations: /expectations",
    }
    for (who, line), error in cases.items():
        out = await console.type(line, as_=who)
        assert f"⚠ {error}" in out and "Review two pull requests" not in out, line
    assert (await rows(deps), await deliveries(deps)) == (before, sent)
    out = await console.type("/expectations totals", as_=ADMIN)
    assert "Role expectations in the settings    4\n  Roles they cover                     1\n" \
           "  People with a role                   3\n  Agreed expectations of people's own  1\n" \
           "  Proposals waiting for agreement      1" in out
    assert "Review two pull requests" not in out and "Pairs with Lea" not in out


async def test_odd_input_gets_a_clear_reply_in_the_persons_language_and_nothing_is_written(deps, console, tmp_path):
    await org(deps, tmp_path)
    await console.type("/expectations propose Review two pull requests a day --action", as_=LEA)
    await console.type("/expectations agree 1", as_=MAX)
    before, sent = await rows(deps), await deliveries(deps)
    cases = {
        (LEA, "/expectations agree"): "Which proposal? Give its number from /expectations: /expectations agree 3",
        (LEA, "/expectations agree x"): "Which proposal? Give its number from /expectations: /expectations agree 3",
        (MAX, "/expectations agree 1"): "There is no proposal #1 waiting for an answer",  # agreed already
        (MAX, "/expectations agree 99999999999999"): "There is no proposal #99999999999999 waiting",
        (MAX, "/expectations agree 1 now"): "Just the proposal's number: /expectations agree 3",
        (LEA, "/expectations propose Ship it --fast"): "--fast is not a kind of expectation. Use --result, --action "
                                                       "or --behaviour",
        (LEA, "/expectations propose Shows grit #grit"): "#grit is not one of our values. Use one of: #teamwork",
        (LEA, "/expectations propose --action"): "Please add some text: /expectations propose Review two pull "
                                                 "requests a day --action",
        (LEA, "/expectations propose @bo @max Reviews"): "Propose for yourself or for one person who reports to you",
        (CY, "/expectations propose Keep the lights on"): "Your expectations of your own are agreed with your "
                                                          "manager, and the org directory shows none for you.",
        (LEA, "/expectations teach"): "There is no /expectations teach. Use one of: /expectations , /expectations "
                                      "propose, /expectations agree, /expectations decline, /expectations totals.",
        (LEA, "/expectations @bo extra"): "To see your expectations type /expectations; a report's, "
                                          "/expectations @lea.",
    }
    for (who, line), error in cases.items():
        assert f"⚠ {error}" in await console.type(line, as_=who), line
    await console.type("/language sv", as_=LEA)
    out = await console.type("/expectations agree x", as_=LEA)
    assert "⚠ Vilket förslag?" in out
    assert (await rows(deps), await deliveries(deps)) == (before, sent)


async def test_propose_alone_asks_in_a_form_and_checks_every_answer(deps, console, tmp_path):
    await org(deps, tmp_path)
    out = await console.type("/expectations propose @lea", as_=MAX)
    assert "An expectation for @Lea" in out and "? The expectation" in out
    await console.type("Helps newcomers")
    out = await console.type("behaviour")
    assert "? Company value (behaviours)" in out
    out = await console.type("teamwork")
    assert "Proposed as #1: Helps newcomers (behaviour)." in out and "→ lea@example.com" in out
    assert await rows(deps) == [(2, 1, "behaviour", "Helps newcomers", "teamwork", "proposed")]


async def test_proposals_waiting_come_onto_the_next_1on1_agenda(deps, console, tmp_path):
    await org(deps, tmp_path)
    await console.type("/expectations propose Review two pull requests a day --action", as_=LEA)
    await console.type("/expectations propose @lea Welcomes newcomers", as_=MAX)
    out = await console.type("/1on1 agenda @lea", as_=MAX)
    assert "Expectations proposed for @Lea: agree together\n• #1 Review two pull requests a day — proposed by " \
           "@Lea; /expectations agree 1 or /expectations decline 1\n" \
           "• #2 Welcomes newcomers — proposed by @Max; /expectations agree 2 or /expectations decline 2" in out
    await console.type("/expectations agree 1", as_=MAX)
    await console.type("/expectations decline 2", as_=LEA)
    assert "Expectations proposed" not in await console.type("/1on1 agenda @max", as_=LEA)


async def test_a_development_plan_item_serves_an_expectation_of_ones_own(deps, console, tmp_path):
    await org(deps, tmp_path)
    await console.type("/grow add Learn to mentor — the mentoring course", as_=LEA)
    await console.type("/expectations propose Mentors one newcomer a quarter --action", as_=LEA)
    await console.type("/expectations agree 1", as_=MAX)
    await console.type("/expectations propose @bo Pairs with Lea", as_=MAX)
    cases = {
        (LEA, "/grow link 1 5"): "Say which item serves which of your expectations: /grow link 3 to 5",
        (LEA, "/grow link 1 to 9"): "You have no expectation #9 of your own. Their numbers are in /expectations.",
        (LEA, "/grow link 1 to 2"): "You have no expectation #2 of your own.",  # Bo's
        (MAX, "/grow link 1 to 1"): "Only @Lea changes their plan",
    }
    for (who, line), error in cases.items():
        assert f"⚠ {error}" in await console.type(line, as_=who), line
    out = await console.type("/grow link 1 to 1", as_=LEA)
    assert "#1 of your plan now serves expectation #1: Mentors one newcomer a quarter" in out
    assert "#1 Learn to mentor (for expectation #1) — the mentoring course — not agreed yet" in await console.type(
        "/grow", as_=LEA)
    out = await console.type("/expectations @lea", as_=MAX)
    assert "• #1 Mentors one newcomer a quarter (agreed)\n    development plan: #1 Learn to mentor\n" in out
    assert [i["expectation"] for i in (await export_person(deps, LEA))["development_plan"]] == [1]
