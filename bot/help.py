"""/help: the overview, and the full usage of one command."""

from __future__ import annotations

from bot.kernel.context import Context, Feature
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.views import Fields, Text, View

CONSOLE = "console"  # Actor.platform of the terminal chat
TEAMS = "teams"  # Actor.platform of Teams, whose command menu cannot hold every command


async def handle(ctx: Context, text: str) -> View:
    name = text.strip().lstrip("/").split(" ")[0].lower()
    if not name:
        rows = [(ctx.cmd(n), ctx.t(f.summary, p=ctx.prefix_for(n))) for n, f in ctx.deps.commands.items()
                if n != "help"]
        blocks = [Fields(fields=rows),
                  Text(text=ctx.t("Type {example} for details of one command.", example=ctx.cmd("help kudos")))]
        if ctx.actor.platform == TEAMS:  # its menu holds ten commands (adapters/teams/package.py)
            blocks.append(Text(text=ctx.t("The Teams command menu shows ten of these; every command here works when "
                                          "typed, with or without the menu.")))
        if ctx.actor.platform == CONSOLE:  # the terminal's own commands, which no chat platform has
            blocks.append(Text(text=ctx.t(
                "In this terminal: /as EMAIL types as someone else, /cancel leaves a form (any other command is "
                "answered and the form goes on), /quit (or Ctrl-D) leaves; Ctrl-C cancels a form at once.")))
        return View(title=ctx.t("feedbot — continuous feedback"), blocks=blocks)
    feature = ctx.deps.commands.get(name)
    if feature is None:
        raise UserError("There is no command {command}. Type {help} for the list of commands.",
                        command=ctx.cmd(name), help=ctx.cmd("help"))
    return feature_help(ctx, name, feature)


def feature_help(ctx: Context, name: str, feature: Feature) -> View:
    """`/help idea` and `/idea help` alike. A usage may name `{values}`: the company values configured."""
    values = " ".join("#" + value for value in ctx.deps.settings.kudos.values)
    return View(title=ctx.cmd(name), blocks=[Text(text=ctx.t(feature.summary, p=ctx.prefix_for(name))),
                                             Text(text=ctx.t(feature.usage, p=ctx.prefix_for(name), values=values))])


FEATURE = Feature(
    handle=handle,
    summary=N_("Show the commands, or the details of one: {p}help kudos"),
    usage=N_("{p}help — all commands\n{p}help kudos — how one command works"),
)
