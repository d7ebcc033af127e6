"""The head `kudos` and `feedback` share (bot/kernel/addressing.py): the same refusals, in the person's language,
with each command's own example, and nothing written; an empty command shows its overview."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.models import Delivery, Feedback, Kudos

ANA, BO = "ana@example.com", "bo@example.com"
EXAMPLES = {"kudos": "/kudos @ana @bo Tack för releasenoterna #teamwork",
            "feedback": "/feedback @bo Din demo var tydlig; frågestunden drog ut på tiden"}


async def written(deps) -> int:
    async with deps.uow() as uow:
        return sum([await uow.session.scalar(select(func.count()).select_from(model))
                    for model in (Kudos, Feedback, Delivery)])


@pytest.mark.parametrize("command", ["kudos", "feedback"])
async def test_both_commands_refuse_alike_in_the_persons_language(deps, console, command):
    await console.people(ANA, BO)
    await console.type("/language sv", as_=ANA)
    example = EXAMPLES[command]
    cases = {f"/{command} Bra jobbat": f"⚠ Vem är det till? Börja med personens @namn: {example}",
             f"/{command} @bo": f"⚠ Lägg till lite text: {example}",
             f"/{command} @bo " + "x" * 2001: "⚠ Texten är 2001 tecken lång"}
    for line, refusal in cases.items():
        assert refusal in await console.type(line, as_=ANA), line
    assert await written(deps) == 0
    assert "⚠" not in await console.type(f"/{command}", as_=ANA)  # nothing typed: the overview


async def test_kudos_still_checks_its_tags_before_looking_people_up(deps, console):
    await console.people(ANA)
    out = await console.type("/kudos @zed Thanks #heroics", as_=ANA)
    assert "#heroics is not one of our values" in out and "@zed" not in out
    assert await written(deps) == 0
