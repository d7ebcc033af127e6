"""Alignment: each objective may serve one parent (`/goal align 12 to 3`); `/goal tree` shows the company's
objectives down to the viewer's own, with progress rolled up where an objective has no key results of its own.

Company and team objectives are everyone's to see; a personal one is named only to its owner and their manager,
and counted for everyone else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from bot.goals.common import find_goal, may_see, my_goal
from bot.goals.keyresults import TO
from bot.kernel.context import Context
from bot.kernel.errors import UserError
from bot.kernel.i18n import Translator
from bot.kernel.people import who
from bot.kernel.views import Text, View, text_view
from storage.models import Goal
from storage.repositories.goals import Node

ALIGN_USAGE = "goal align 12 to 3"
RANK = {"personal": 0, "team": 1, "company": 2}
MAX_LINES = 60


async def align(ctx: Context, text: str) -> View:
    words = text.split()
    if len(words) != 3 or not TO.read(ctx.deps.catalogs, words[1]):
        raise UserError("Say which goal serves which: {example}", example=ctx.cmd(ALIGN_USAGE))
    goal = await my_goal(ctx, words[0], ALIGN_USAGE)
    parent = await aligning_to(ctx, words[2], ALIGN_USAGE)
    if not may_serve(goal.level, parent):
        raise UserError("Goal #{id} is a {level} objective: it can serve a company objective or one at its own "
                        "level, not #{parent}.", id=goal.id, level=level_name(ctx.t, goal.level), parent=parent.id)
    path = await chain(ctx, parent)
    if goal.id in [g.id for g in path]:
        raise UserError("Goal #{parent} already serves #{id}: aligning them both ways would make a circle.",
                        parent=parent.id, id=goal.id)
    goal.parent_id, goal.updated_at = parent.id, ctx.now
    line = " → ".join(f"#{g.id} {g.title}" for g in [goal, *path])
    return text_view(ctx.t("Goal #{id} now serves #{parent}: {path}", id=goal.id, parent=parent.id, path=line))


async def aligning_to(ctx: Context, number: str, usage: str) -> Goal:
    """The objective `number`, if the sender may align one to it: one they see, not dropped."""
    parent = await find_goal(ctx, number, usage)
    owner = await ctx.uow.people.get(parent.person_id)
    if parent.status == "dropped" or not may_see(ctx.me.id, parent, owner):
        raise UserError("There is no goal #{id} you can align to. See {tree}", id=parent.id,
                        list=ctx.cmd("goal list"), tree=ctx.cmd("goal tree"))
    return parent


def may_serve(level: str, parent: Goal) -> bool:
    """An objective serves a company objective or one at its own level (a personal one also a team one)."""
    return RANK[parent.level] >= RANK[level]


async def chain(ctx: Context, goal: Goal) -> list[Goal]:
    """The goal and every objective above it, up to the one that serves nothing (a company objective, usually)."""
    path, seen = [goal], {goal.id}
    while path[-1].parent_id is not None and path[-1].parent_id not in seen:
        parent = await ctx.uow.goals.get(path[-1].parent_id)
        if parent is None or parent.status == "dropped":
            break
        path.append(parent)
        seen.add(parent.id)
    return path


def level_name(t: Translator, level: str) -> str:
    return {"company": t("company"), "team": t("team")}.get(level, t("personal"))


def rolled_progress(nodes: Mapping[int, Node], children: Mapping[int, Sequence[int]]) -> dict[int, int]:
    """Each objective's progress: its own (from its key results) when it has key results, else the mean of the
    objectives aligned to it, recursively; else what it was given."""
    done: dict[int, int] = {}
    for root in nodes:
        stack = [(root, False)]
        while stack:
            node_id, expanded = stack.pop()
            if node_id in done:
                continue
            kids = [k for k in children.get(node_id, ()) if k in nodes]
            if nodes[node_id].measured or not kids:
                done[node_id] = nodes[node_id].progress
            elif expanded:
                done[node_id] = round(sum(done[k] for k in kids) / len(kids))
            else:
                stack.append((node_id, True))
                stack.extend((k, False) for k in kids if k not in done)
    return done


async def tree(ctx: Context, text: str) -> View:
    if text.strip():
        raise UserError("Just {command}: it shows every objective you may see, from the company's down.",
                        command=ctx.cmd("goal tree"))
    reports = await ctx.uow.people.reports_of(ctx.me.id)
    visible = {ctx.me.id, *(p.id for p in reports)}
    nodes = {n.id: n for n in await ctx.uow.goals.alignment(visible)}
    children: dict[int, list[int]] = defaultdict(list)
    for node in nodes.values():
        if node.parent_id in nodes:
            children[node.parent_id].append(node.id)
    progress = rolled_progress(nodes, children)
    owners = await ctx.uow.people.by_ids(sorted({n.person_id for n in nodes.values() if n.person_id in visible}))
    lines: list[str] = []

    def shown(node: Node) -> bool:
        return node.level != "personal" or node.person_id in visible

    def walk(node_id: int, depth: int) -> None:
        node = nodes[node_id]
        owner = f" ({who(owners[node.person_id])})" if node.level == "personal" and node.person_id in owners else ""
        tag = {"company": ctx.t("[company] "), "team": ctx.t("[team] ")}.get(node.level, "")
        lines.append("  " * depth + ctx.t("{tag}#{id} {title} — {progress}%", tag=tag, id=node.id, title=node.title,
                                          progress=progress[node_id]) + owner)
        hidden = 0
        for kid in children.get(node_id, []):
            if shown(nodes[kid]):
                walk(kid, depth + 1)
            else:
                hidden += 1 + count_below(kid)
        if hidden:
            lines.append("  " * (depth + 1) + ctx.t("… and {n} objectives of others", n=hidden))

    def count_below(node_id: int) -> int:
        return sum(1 + count_below(k) for k in children.get(node_id, []))

    roots = [n for n in nodes.values() if n.parent_id not in nodes and n.level != "personal"]
    for root in sorted(roots, key=lambda n: (-RANK[n.level], n.id)):
        walk(root.id, 0)
    loose = [n for n in nodes.values() if n.parent_id not in nodes and n.level == "personal" and shown(n)]
    if loose:
        lines.append(ctx.t("Not aligned yet:"))
        for node in loose:
            walk(node.id, 1)
    if not lines:
        return text_view(ctx.t("No objectives yet. Add one: {example}", example=ctx.cmd("goal add …")))
    cut = lines[:MAX_LINES] + ([ctx.t("… and {n} more", n=len(lines) - MAX_LINES)] if len(lines) > MAX_LINES else [])
    return View(title=ctx.t("Objectives, from the company's down"), blocks=[Text(text="\n".join(cut))])
