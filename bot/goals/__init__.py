"""Goals: objectives at company, team and personal level, aligned to one another, measured by key results; visible
to the person and their manager (company and team objectives to everyone).

- `common`: due dates and quarters, finding an objective or key result, who may change or see one, the roll-up
- `objectives`: add, list, done, edit, drop, carry over
- `keyresults`: key results and their updates (and the 0–100 % `/goal progress`)
- `tree`: alignment and the tree
- `forms`: `/goal add` and `/goal kr 12` typed, or alone as a form
- `periods`: the end of a period asks the owner to close, carry over or drop each open objective
"""

from __future__ import annotations

from bot.goals import forms, keyresults, objectives, periods, tree
from bot.kernel.context import Context, Feature
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.views import View

SUBCOMMANDS = ("add", "list", "kr", "update", "progress", "align", "tree", "done", "edit", "drop", "carry")
due = periods.due


async def handle(ctx: Context, text: str) -> View:
    word, _, rest = text.partition(" ")
    word = word.lower()
    first = rest.strip().partition(" ")[0]
    if word in ("", "list"):
        return await objectives.listing(ctx, rest.strip())
    simple = {"add": forms.add, "kr": forms.kr, "update": keyresults.update,
              "progress": keyresults.progress, "align": tree.align, "tree": tree.tree, "done": objectives.done,
              "carry": objectives.carry}
    if word in simple:
        return await simple[word](ctx, rest)
    if word in ("edit", "drop"):
        if keyresults.is_kr_ref(first):
            return await (keyresults.edit if word == "edit" else keyresults.drop)(ctx, rest)
        return await (objectives.edit if word == "edit" else objectives.drop)(ctx, rest)
    raise UserError("There is no {command}. Use one of: {commands}.", command=ctx.cmd("goal " + word),
                    commands=", ".join(ctx.cmd("goal " + name) for name in SUBCOMMANDS))


FEATURE = Feature(
    handle=handle,
    summary=N_("Your measurable goals, their key results and how they serve the company's: {p}goal add Reduce p95 "
               "latency by 2027-03-31"),
    usage=N_("{p}goal add Reduce p95 latency to 200 ms by 2027-03-31 — a new goal; the due date (or a quarter, "
             "by 2027-Q1) after \"by\" is optional; {p}goal add alone opens a form\n"
             "{p}goal add --team … — a team objective (a team's manager); {p}goal add --company … — a company "
             "objective (admins)\n"
             "{p}goal list — your goals with their key results, open ones first (also {p}goal)\n"
             "{p}goal list @lea — the goals of someone who reports to you\n"
             "{p}goal kr 12 Cut p95 latency from 900 to 200 ms — a key result; add weight 2 to count it double, by "
             "2027-03-31 for a due date of its own; {p}goal kr 12 alone opens a form\n"
             "{p}goal update 12.1 450 at risk Cache not warm yet — a new value, optionally on track, at risk or "
             "off track, and a note\n"
             "{p}goal progress 3 40% Caching is live — report progress from 0 to 100%, with an optional note\n"
             "{p}goal align 12 to 3 — goal 12 serves objective 3; {p}goal tree — from the company's objectives "
             "down to yours\n"
             "{p}goal done 3 — close a goal; your manager hears about it\n"
             "{p}goal edit 3 New title by 2027-06-30 — change its title, its due date or both; "
             "{p}goal edit 12.1 … — a key result\n"
             "{p}goal drop 3 — archive a goal you no longer pursue (kept, not deleted); {p}goal drop 12.2 — a key "
             "result\n"
             "{p}goal carry 3 — carry an open goal over into the next quarter\n"
             "Goals are visible to you and your manager; company and team objectives to everyone."),
)
