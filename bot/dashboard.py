"""A personal dashboard (Slack App Home, later a Teams personal tab): the person's own read-only views,
one after another — open goals, recent kudos, their ideas, their 1:1s, surveys waiting, and a check-in button.

It is built from the commands people already type, so it says exactly what those say, in their language.
"""

from __future__ import annotations

from bot.core import handle_command
from bot.kernel.context import Deps
from bot.kernel.messages import Actor, Command
from bot.kernel.views import Block, Button, Buttons, Divider, Text, View

# (command, text): each one read-only and about the person themselves.
SECTIONS = (("goal", "list"), ("kudos", ""), ("idea", "list mine"), ("1on1", ""), ("pulse", ""))
CHECKIN = ("Check in", "checkin")  # msgid of checkins' own button, and the command it stands for


async def dashboard(deps: Deps, actor: Actor, prefixes: dict[str, str] | None = None,
                    without: frozenset[str] = frozenset()) -> View:
    """The dashboard as one neutral view; an error (unknown person) is returned as it is. `prefixes`: how the
    platform spells commands in the sections' hints (see Command.prefixes); `without`: sections (by command) a
    surface shows its own way (the web dashboard draws goals with progress bars)."""
    spelling = prefixes or {}
    # /help makes sure the person exists (first contact) and gives the title in their language.
    heading = await handle_command(deps, Command(actor=actor, name="help", prefixes=spelling))
    if heading[0].is_error:
        return heading[0]
    t = deps.catalogs.translator(heading[0].locale)
    blocks: list[Block] = [Buttons(buttons=[Button(label=t(CHECKIN[0]), command=CHECKIN[1], style="primary")])]
    for name, text in (section for section in SECTIONS if section[0] not in without):
        for view in await handle_command(deps, Command(actor=actor, name=name, text=text, prefixes=spelling)):
            blocks.append(Divider())
            if view.title:
                blocks.append(Text(text=view.title))
            blocks.extend(view.blocks)
    return View(title=heading[0].title, blocks=blocks, locale=heading[0].locale)
