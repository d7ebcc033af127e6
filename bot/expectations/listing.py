"""`/expectations`: the person's role expectations grouped by kind, their own agreed ones, kudos as evidence beside
each behaviour, and proposals waiting for agreement; `/expectations totals` for admins."""

from __future__ import annotations

from datetime import timedelta

from bot.expectations.common import (
    HEADINGS,
    KIND_NAMES,
    KINDS,
    PROPOSE_USAGE,
    decider_id,
    may_see,
    of_role,
)
from bot.kernel.context import Context
from bot.kernel.errors import UserError
from bot.kernel.kudos_text import giver_name, kudos_text
from bot.kernel.lookup import person_or_me
from bot.kernel.people import who
from bot.kernel.settings import pick_text
from bot.kernel.views import Block, Button, Buttons, Fields, Text, View
from storage.models import Expectation, Kudos, Person

Evidence = dict[str, tuple[int, Kudos]]


async def listing(ctx: Context, text: str) -> View:
    person, _ = await person_or_me(ctx, text, UserError("To see your expectations type {mine}; a report's, {theirs}.",
                                                        mine=ctx.cmd("expectations"),
                                                        theirs=ctx.cmd("expectations @lea")))
    may_see(ctx, person)
    own = list(await ctx.uow.expectations.of(person.id))
    since = ctx.now - timedelta(days=ctx.deps.settings.expectations.evidence_days)
    evidence = {value: (n, k) for value, n, k in await ctx.uow.expectations.evidence(person.id, since)}
    people = await ctx.uow.people.by_ids([k.giver_id for _, k in evidence.values() if k.giver_id is not None] +
                                         [e.proposed_by_id for e in own if e.proposed_by_id])
    lines: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for item in of_role(ctx.deps.settings.expectations.catalogue, person):
        lines[item.kind] += ["• " + pick_text(item.text, ctx.t.locale),
                             *proof(ctx, item.value, evidence, people)]
    growth = [item for item in await ctx.uow.growth.of(person.id) if item.expectation_id]
    for mine in (e for e in own if e.status == "agreed"):
        lines[mine.kind] += [ctx.t("• #{id} {text} (agreed)", id=mine.id, text=mine.text),
                             *proof(ctx, mine.value, evidence, people),
                             *["    " + ctx.t("development plan: #{id} {what}", id=item.id, what=item.what)
                               for item in growth if item.expectation_id == mine.id]]
    blocks: list[Block] = [Text(text=role_line(ctx, person))]
    blocks += [Text(text="\n".join([ctx.t(HEADINGS[kind]), *lines[kind]])) for kind in KINDS if lines[kind]]
    if not any(lines.values()):
        blocks.append(Text(text=ctx.t("No expectations yet.")))
    blocks += proposals(ctx, person, [e for e in own if e.status == "proposed"], people)
    example = ctx.cmd(PROPOSE_USAGE)
    blocks.append(Text(text=ctx.t("Propose one of your own, to agree on together: {example}", example=example)
                       if person == ctx.me else ctx.t("Propose one for {name}, to agree on together: {example}",
                                                      name=who(person), example=example.replace(
                                                          " propose ", f" propose @{person.handle} ", 1))))
    title = ctx.t("Your expectations") if person == ctx.me else ctx.t("Expectations of {name}", name=who(person))
    return View(title=title, blocks=blocks)


def role_line(ctx: Context, person: Person) -> str:
    if not person.role and person != ctx.me:
        return ctx.t("{name} has no role in the org directory yet: their role's expectations come with it.",
                     name=who(person))
    if not person.role:
        return ctx.t("No role in the org directory yet: your role's expectations come with it.")
    if person.level:
        return ctx.t("Role: {role}, level {level}", role=person.role, level=person.level)
    return ctx.t("Role: {role}", role=person.role)


def proof(ctx: Context, value: str | None, evidence: Evidence, people: dict[int, Person]) -> list[str]:
    """A behaviour's evidence: kudos received with its value, the latest one quoted."""
    if not value:
        return []
    days = ctx.deps.settings.expectations.evidence_days
    if value not in evidence:
        return ["    " + ctx.t("#{value}: no kudos in the last {days} days", value=value, days=days)]
    count, latest = evidence[value]
    return ["    " + ctx.t("#{value}: {n} kudos in the last {days} days; the latest from {giver} on {date}: {message}",
                          value=value, n=count, days=days, giver=giver_name(ctx.t, latest.giver_id, people),
                          date=ctx.local_date(latest.created_at),
                          message=kudos_text(ctx.t, latest.message, latest.idea_id, latest.effect))]


def proposals(ctx: Context, person: Person, waiting: list[Expectation], people: dict[int, Person]) -> list[Block]:
    if not waiting:
        return []
    lines, buttons = [ctx.t("Proposed, waiting for agreement")], []
    for item in waiting:
        by = who(people[item.proposed_by_id]) if item.proposed_by_id in people else ctx.t("a former colleague")
        lines.append(ctx.t("• #{id} {text} ({kind}) — proposed by {name}", id=item.id, text=item.text,
                           kind=ctx.t(KIND_NAMES[item.kind]), name=by))
        if decider_id(item, person) == ctx.me.id:
            buttons += [Button(label=ctx.t("Agree to #{id}", id=item.id), command=f"expectations agree {item.id}",
                               style="primary"),
                        Button(label=ctx.t("Decline #{id}", id=item.id), command=f"expectations decline {item.id}")]
    return [Text(text="\n".join(lines)), *([Buttons(buttons=buttons[:10])] if buttons else [])]


async def totals(ctx: Context, text: str) -> View:
    """Admins see how expectations are used across the organisation, as counts: never whose or what."""
    if text:
        raise UserError("Just {command}.", command=ctx.cmd("expectations totals"))
    if not ctx.is_admin:
        raise UserError("Only admins see the totals. Your own expectations: {mine}", mine=ctx.cmd("expectations"))
    roles, agreed, proposed = await ctx.uow.expectations.totals()
    defined = ctx.deps.settings.expectations.catalogue
    return View(title=ctx.t("Expectations across the organisation"), blocks=[Fields(fields=[
        (ctx.t("Role expectations in the settings"), str(len(defined))),
        (ctx.t("Roles they cover"), str(len({e.role.casefold() for e in defined}))),
        (ctx.t("People with a role"), str(roles)),
        (ctx.t("Agreed expectations of people's own"), str(agreed)),
        (ctx.t("Proposals waiting for agreement"), str(proposed))])])
