"""5 Whys in one-on-ones: when a report names a blocker of the same kind in 2 of their last 4 check-ins, the pair's
agenda asks why, up to five times, until the root cause is found. Private to the pair like their notes; admins see
only how many root causes were found per kind (the organisation-wide digest)."""

from __future__ import annotations

from bot.kernel.blockers import MAX_WHYS, RECENT, Analysis, category_label, open_analysis
from bot.kernel.context import Context
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_, Translator
from bot.kernel.people import who
from bot.kernel.views import View, text_view
from bot.oneonones.pairs import ADD, Pair, example
from storage.models import OneOnOneEntry, Person
from storage.uow import UnitOfWork

WHY = N_("1on1 why {name} The API keys arrive a week late")
CAUSE = N_("1on1 cause {name} Nobody owns the access requests")


async def analysis_of(uow: UnitOfWork, pair: Pair) -> Analysis | None:  # type: ignore[type-arg]
    recent = await uow.checkins.recent(pair.report.id, RECENT)
    return open_analysis(await uow.oneonones.whys(pair.row.id),
                         [(checkin.blocker_category if checkin.blockers else None, checkin.submitted_at)
                          for checkin in recent])


def agenda_lines(t: Translator, analysis: Analysis, report: Person, other: Person, prefix: str) -> list[str]:
    """The agenda's 5 Whys: the whys so far and what to type next."""
    lines = [t("• Why #{n}: {why}", n=n, why=why) for n, why in enumerate(analysis.whys, start=1)]
    if len(analysis.whys) < MAX_WHYS:
        lines.append(t("Ask why #{n} together and record the answer: {example}", n=len(analysis.whys) + 1,
                       example=example(t, prefix, WHY, other)))
    if analysis.whys:
        lines.append(t("Found the root cause? {example}", example=example(t, prefix, CAUSE, other)))
    return [t("Blockers of the kind “{category}” keep coming back in {name}'s check-ins: ask why, up to five times, "
              "until you find the root cause.", category=category_label(t, analysis.category), name=who(report)),
            *lines]


async def record(ctx: Context, pair: Pair, kind: str, text: str) -> View:  # type: ignore[type-arg]
    """`/1on1 why @lea …` (the next why) or `/1on1 cause @lea …` (the root cause, which closes it)."""
    other = pair.other(ctx.me)
    usage = WHY if kind == "why" else CAUSE
    if not text:
        raise UserError("Please add the answer: {example}", example=example(ctx.t, ctx.prefix, usage, other))
    text = ctx.require_text(text, usage)
    analysis = await analysis_of(ctx.uow, pair)
    if analysis is None:
        raise UserError("There is no 5 Whys open with {name}: it starts when {report} names a blocker of the same "
                        "kind in 2 of their last {n} check-ins. Add a topic instead: {example}", name=who(other),
                        report=who(pair.report), n=RECENT, example=example(ctx.t, ctx.prefix, ADD, other))
    category = category_label(ctx.t, analysis.category)
    if kind == "why" and len(analysis.whys) >= MAX_WHYS:
        raise UserError("Five whys are recorded for “{category}”. Close it with the root cause: {example}",
                        category=category, example=example(ctx.t, ctx.prefix, CAUSE, other))
    if kind == "cause" and not analysis.whys:
        raise UserError("Ask why first: {example}", example=example(ctx.t, ctx.prefix, WHY, other))
    ctx.uow.oneonones.add(OneOnOneEntry(pair_id=pair.row.id, kind=kind, text=text, author_id=ctx.me.id,
                                        created_at=ctx.now, category=analysis.category))
    if kind == "cause":
        return text_view(ctx.t.plural(
            "Root cause of “{category}” recorded after {n} why: {cause}. The 5 Whys is closed; only the two of you "
            "see it.", "Root cause of “{category}” recorded after {n} whys: {cause}. The 5 Whys is closed; only the "
            "two of you see it.", len(analysis.whys), category=category, cause=text))
    n = len(analysis.whys) + 1
    follow = ctx.t("Next: {why} — or, with the root cause, {cause}", why=example(ctx.t, ctx.prefix, WHY, other),
                   cause=example(ctx.t, ctx.prefix, CAUSE, other)) if n < MAX_WHYS else ctx.t(
        "That was the fifth why. Now the root cause: {cause}", cause=example(ctx.t, ctx.prefix, CAUSE, other))
    return text_view(ctx.t("Why #{n} about “{category}” recorded for your 1:1s with {name}; only the two of you see "
                           "it.", n=n, category=category, name=who(other)) + "\n" + follow)
