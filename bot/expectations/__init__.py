"""Expectations: what a person is expected to deliver, made measurable as results (what is produced), actions (how
the work is done) and behaviours (the values shown, with kudos as evidence).

- `common`: the kinds, the role's expectations from the settings, who sees and who agrees
- `listing`: `/expectations`, a report's for their manager, and `/expectations totals` for admins
- `proposals`: proposing one of the person's own (typed or in a form), agreeing to and declining it

Role expectations come from `[[expectations.catalogue]]` in the settings and the person's role and level from the org
directory. Visible to the person and their direct manager only; admins see totals.
"""

from __future__ import annotations

from bot.expectations import listing, proposals
from bot.kernel.context import Context, Feature
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.parsing import first_word
from bot.kernel.views import View

SUBCOMMANDS = ("propose", "agree", "decline", "totals")


async def handle(ctx: Context, text: str) -> View:
    word, rest = first_word(text)
    if word.lower() == "propose":
        return await proposals.propose(ctx, rest)
    if word.lower() in ("agree", "decline"):
        return await proposals.decide(ctx, word.lower(), rest)
    if word.lower() == "totals":
        return await listing.totals(ctx, rest)
    if not word or word.startswith("@") or ctx.mentions:
        return await listing.listing(ctx, text)
    raise UserError("There is no {command}. Use one of: {commands}.", command=ctx.cmd("expectations " + word),
                    commands=", ".join(ctx.cmd("expectations " + name) for name in ("", *SUBCOMMANDS)))


FEATURE = Feature(
    handle=handle,
    summary=N_("What you are expected to deliver, and how it is measured: {p}expectations"),
    usage=N_("{p}expectations — yours: your role's results, actions and behaviours, with kudos as evidence beside "
             "each behaviour, and those you agreed on with your manager\n"
             "{p}expectations @lea — a report's\n"
             "{p}expectations propose Review two pull requests a day --action — propose one of your own (--result, "
             "--action or --behaviour; a #value makes it a behaviour); alone it opens a form\n"
             "{p}expectations propose @lea … — propose one for a report\n"
             "{p}expectations agree 3, {p}expectations decline 3 — the other side answers; agreed, it becomes part "
             "of the person's expectations\n"
             "{p}expectations totals — counts across the organisation (admins)\n"
             "Proposals waiting for agreement come onto your next 1:1 agenda. Only you and your manager see your "
             "expectations."),
)
