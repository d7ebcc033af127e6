"""What the expectation commands share: the kinds, who may see a person's and who agrees to a proposal."""

from __future__ import annotations

from bot.kernel.context import Context
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.lookup import by_number
from bot.kernel.people import who
from bot.kernel.settings import ExpectationSettings
from bot.kernel.visibility import sees_personal
from storage.models import Expectation, Person

KINDS = ("result", "action", "behaviour")
KIND_NAMES = {"result": N_("result"), "action": N_("action"), "behaviour": N_("behaviour")}
HEADINGS = {"result": N_("Results — what is produced"), "action": N_("Actions — how the work is done"),
            "behaviour": N_("Behaviours — the values shown")}
PROPOSE_USAGE = N_("expectations propose Review two pull requests a day --action")


def of_role(expectations: list[ExpectationSettings], person: Person) -> list[ExpectationSettings]:
    """The settings' expectations of the person's role: those for every level of it, and those for their level."""
    role, level = (person.role or "").casefold(), (person.level or "").casefold()
    if not role:
        return []
    return [e for e in expectations if e.role.casefold() == role and (not e.level or e.level.casefold() == level)]


def may_see(ctx: Context, person: Person) -> None:
    """A person's expectations are seen by them and their direct manager; admins get totals."""
    if not sees_personal(ctx.me.id, person):
        raise UserError("Expectations are seen by the person and their manager only; admins see the totals with "
                        "{totals}.", totals=ctx.cmd("expectations totals"))


def decider_id(expectation: Expectation, person: Person) -> int | None:
    """Who agrees: the manager to what the person proposed, the person to anything else."""
    return person.manager_id if expectation.proposed_by_id == person.id else person.id


async def waiting(ctx: Context, number: str, usage: str) -> tuple[Expectation, Person]:
    """The proposal `number`, waiting for my answer; one I cannot see is reported exactly as one that does not
    exist, so the reply never tells who has proposals."""
    expectation_id, found = await by_number(number, ctx.uow.expectations.get, UserError(
        "Which proposal? Give its number from {list}: {example}", list=ctx.cmd("expectations"),
        example=ctx.cmd(usage)))
    person = await ctx.uow.people.get(found.person_id) if found else None
    if found is None or person is None or found.status != "proposed" or not sees_personal(ctx.me.id, person):
        raise UserError("There is no proposal #{id} waiting for an answer in expectations you can see. See {list}",
                        id=expectation_id, list=ctx.cmd("expectations"))
    decider = decider_id(found, person)
    if decider != ctx.me.id:
        other = await ctx.uow.people.get(decider) if decider is not None else None
        if other is None:
            raise UserError("#{id} waits for a manager to agree, and the org directory shows none for {name}.",
                            id=found.id, name=who(person))
        raise UserError("#{id} waits for {name} to agree or decline it.", id=found.id, name=who(other))
    return found, person
