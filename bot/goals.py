"""Goals: clear, measurable expectations, visible to the person and their manager."""

from __future__ import annotations

import re
from datetime import date, datetime

from bot.kernel.context import Context, Feature
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_, Translator
from bot.kernel.keywords import Keywords
from bot.kernel.parsing import MAX_ID, id_number
from bot.kernel.people import resolve_mention, split_mentions, who
from bot.kernel.views import Text, View, text_view
from bot.kernel.visibility import sees_personal
from storage.models import Goal, GoalUpdate, Person

# Only a date-shaped word at the end, next to a due word in any language, is a due date: "Be trusted by customers"
# keeps its title. `by 2026-12-31`, `senast 2026-12-31`, `截止 2026-12-31`, `2026-12-31之前`.
DUE_WORDS = Keywords({"by": (N_("by"), N_("due"))})
DATE_LAST = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})\s*$")
DATE_THEN_WORD = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})\s*(\S+)\s*$")
PERCENT = re.compile(r"^(\d{1,3})%?$")
SUBCOMMANDS = ("add", "list", "progress", "done", "edit", "drop")
ADD_USAGE = N_("goal add Reduce p95 latency to 200 ms by 2027-03-31")
PROGRESS_USAGE = N_("goal progress 3 40% Caching is live on two services")
DONE_USAGE = "goal done 3"
EDIT_USAGE = N_("goal edit 3 Reduce p95 latency to 150 ms by 2027-06-30")
DROP_USAGE = "goal drop 3"


async def handle(ctx: Context, text: str) -> View:
    word, _, rest = text.partition(" ")
    word = word.lower()
    if word in ("", "list"):
        return await listing(ctx, rest.strip())
    if word == "add":
        return await add(ctx, rest)
    if word == "progress":
        return await progress(ctx, rest)
    if word == "done":
        return await done(ctx, rest)
    if word == "edit":
        return await edit(ctx, rest)
    if word == "drop":
        return await drop(ctx, rest)
    raise UserError("There is no {command}. Use one of: {commands}.", command=ctx.cmd("goal " + word),
                    commands=", ".join(ctx.cmd("goal " + name) for name in SUBCOMMANDS))


async def add(ctx: Context, text: str) -> View:
    title, due = title_and_due(ctx, text, ADD_USAGE)
    goal = Goal(person_id=ctx.me.id, title=title, due_date=due, progress=0, status="open", created_at=ctx.now,
                updated_at=ctx.now)
    ctx.uow.goals.add(goal)
    await ctx.uow.goals.flush()  # the reply needs the goal's number
    added = ctx.t("Goal #{id} added: {title} (due {due}).", id=goal.id, title=title, due=due.isoformat()) if due \
        else ctx.t("Goal #{id} added: {title}.", id=goal.id, title=title)
    return View(blocks=[Text(text=added), Text(text=ctx.t("Report progress with {command}.", command=ctx.cmd(
        f"goal progress {goal.id} 40%")))])


def title_and_due(ctx: Context, text: str, usage: str, *, title_optional: bool = False) -> tuple[str, date | None]:
    """The title and the due date after a final due word ("by", "senast", "截止", …); with `title_optional`,
    "by 2027-03-31" alone is a new due date (the title comes back empty)."""
    title = ctx.require_text(text, usage)
    found = due_at_end(ctx, title)
    if not found:
        return title, None
    rest, day = found
    due = parse_due(ctx, day)
    if title_optional and not rest.strip():
        return "", due
    return ctx.require_text(rest, usage), due


def due_at_end(ctx: Context, text: str) -> tuple[str, str] | None:
    """(the title, the due date as typed) when `text` ends with a due word and a date, in either order."""
    match = DATE_LAST.search(text)
    if match:
        word, title = DUE_WORDS.trailing(ctx.deps.catalogs, text[:match.start()])
        return (title, match.group(1)) if word else None
    match = DATE_THEN_WORD.search(text)
    if match and DUE_WORDS.read(ctx.deps.catalogs, match.group(2)):
        return text[:match.start()].rstrip(), match.group(1)
    return None


def parse_due(ctx: Context, text: str) -> date:
    try:
        due = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise UserError("{date} is not a real date. Write the due date as YYYY-MM-DD: {example}", date=text,
                        example=ctx.cmd(ADD_USAGE)) from None
    today = date.fromisoformat(ctx.local_date(ctx.now))
    if due < today:
        raise UserError("The due date {date} has already passed. Pick today or a later day: {example}",
                        date=due.isoformat(), example=ctx.cmd(ADD_USAGE))
    return due


async def listing(ctx: Context, text: str) -> View:
    """My goals, or a report's goals for their manager: open ones first."""
    tokens, rest = split_mentions(text, ctx.mentions)
    if rest or len(tokens) > 1:
        raise UserError("To see your goals type {mine}; to see a report's goals type {theirs}.",
                        mine=ctx.cmd("goal list"), theirs=ctx.cmd("goal list @lea"))
    person = await resolve_mention(ctx.uow, tokens[0], ctx.mentions) if tokens else ctx.me
    if not sees_personal(ctx.me.id, person):  # admins too: they get counts in the digest, not titles
        raise UserError("You are not allowed to see {name}'s goals: goals are visible to the person and their "
                        "manager.", name=who(person))
    goals = await ctx.uow.goals.of(person.id)
    if not goals:
        if person == ctx.me:
            return text_view(ctx.t("You have no goals yet. Add one: {example}", example=ctx.cmd(ADD_USAGE)))
        return text_view(ctx.t("{name} has no goals yet.", name=who(person)))
    today = date.fromisoformat(ctx.local_date(ctx.now))
    lines = "\n".join(describe(ctx, goal, today) for goal in goals)
    title = ctx.t("Your goals") if person == ctx.me else ctx.t("Goals of {name}", name=who(person))
    return View(title=title, blocks=[Text(text=lines)])


def describe(ctx: Context, goal: Goal, today: date) -> str:
    if goal.status == "done":
        return ctx.t("#{id} {title} — done on {date} ✓", id=goal.id, title=goal.title,
                     date=ctx.local_date(goal.completed_at or goal.updated_at))
    if goal.due_date is None:
        return ctx.t("#{id} {title} — {progress}%", id=goal.id, title=goal.title, progress=goal.progress)
    if goal.due_date < today:
        return ctx.t("#{id} {title} — {progress}% (due {due}, overdue)", id=goal.id, title=goal.title,
                     progress=goal.progress, due=goal.due_date.isoformat())
    return ctx.t("#{id} {title} — {progress}% (due {due})", id=goal.id, title=goal.title, progress=goal.progress,
                 due=goal.due_date.isoformat())


async def progress(ctx: Context, text: str) -> View:
    number, _, rest = text.strip().partition(" ")
    goal = await my_open_goal(ctx, number, PROGRESS_USAGE)
    value, _, note = rest.strip().partition(" ")
    if not value:
        raise UserError("How far along is it? Give a number from 0 to 100: {example}",
                        example=ctx.cmd(f"goal progress {goal.id} 40%"))
    match = PERCENT.match(value)
    percent = int(match.group(1)) if match else -1
    if not 0 <= percent <= 100:
        raise UserError("{value} is not a progress I understand: give a number from 0 to 100, like 40%: {example}",
                        value=value, example=ctx.cmd(f"goal progress {goal.id} 40%"))
    note = ctx.require_text(note, PROGRESS_USAGE) if note.strip() else ""
    goal.progress, goal.updated_at = percent, ctx.now
    ctx.uow.goals.add(GoalUpdate(goal_id=goal.id, progress=percent, note=note, created_at=ctx.now))
    reply = ctx.t("Goal #{id} is at {progress}% now: {title}", id=goal.id, progress=percent, title=goal.title)
    if percent < 100:
        return text_view(reply)
    return View(blocks=[Text(text=reply), Text(text=ctx.t("Finished? Type {command} to close it.",
                                                          command=ctx.cmd(f"goal done {goal.id}")))])


async def done(ctx: Context, text: str) -> View:
    number, _, note = text.strip().partition(" ")
    goal = await my_open_goal(ctx, number, DONE_USAGE)
    note = ctx.require_text(note, DONE_USAGE) if note.strip() else ""
    goal.status, goal.progress, goal.completed_at, goal.updated_at = "done", 100, ctx.now, ctx.now
    ctx.uow.goals.add(GoalUpdate(goal_id=goal.id, progress=100, note=note, created_at=ctx.now))
    reply = ctx.t("Goal #{id} is done: {title}. Well done!", id=goal.id, title=goal.title)
    manager = await ctx.uow.people.get(ctx.me.manager_id) if ctx.me.manager_id else None
    if manager is None:
        return text_view(reply)
    tell_manager(ctx, manager, goal, note)
    return View(blocks=[Text(text=reply), Text(text=ctx.t("I let {manager} know.", manager=who(manager)))])


def tell_manager(ctx: Context, manager: Person, goal: Goal, note: str) -> None:
    """A manager hears when a report closes a goal: the moment to recognise it."""
    name, title, goal_id = who(ctx.me), goal.title, goal.id
    ctx.tell(manager, "goal.done", lambda t: View(
        title=t("{name} completed goal #{id}", name=name, id=goal_id),
        blocks=[Text(text=title)] + ([Text(text=note)] if note else [])), subject=f"goal:{goal.id}")


async def edit(ctx: Context, text: str) -> View:
    """A new title, due date or both; whoever was told of the goal sees the edit."""
    number, _, rest = text.strip().partition(" ")
    goal = await my_goal(ctx, number, EDIT_USAGE)
    title, due = title_and_due(ctx, rest, EDIT_USAGE, title_optional=True)
    goal.title, goal.due_date, goal.updated_at = title or goal.title, due or goal.due_date, ctx.now
    name, goal_id, title = who(ctx.me), goal.id, goal.title
    told = await ctx.amend(f"goal:{goal.id}", lambda t: View(
        title=t("{name} completed goal #{id} (edited)", name=name, id=goal_id), blocks=[Text(text=title)]),
        lambda t: text_view(t("{name} edited goal #{id}: {title}", name=name, id=goal_id, title=title)))
    reply = ctx.t("Goal #{id} is now: {title}.", id=goal.id, title=goal.title) if goal.due_date is None else \
        ctx.t("Goal #{id} is now: {title} (due {due}).", id=goal.id, title=goal.title, due=goal.due_date.isoformat())
    return text_view(reply + (" " + ctx.t("Those who were told of it see the edit.") if told else ""))


async def drop(ctx: Context, text: str) -> View:
    """Archived, never deleted: it leaves the lists, the check-in and the 1:1 agenda; export keeps it."""
    number, _, rest = text.strip().partition(" ")
    if rest.strip():
        raise UserError("Just the goal's number: {example}", example=ctx.cmd(DROP_USAGE))
    goal = await my_goal(ctx, number, DROP_USAGE)
    goal.status, goal.updated_at = "dropped", ctx.now
    name, goal_id, title = who(ctx.me), goal.id, goal.title

    def dropped(t: Translator) -> View:
        return text_view(t("{name} dropped goal #{id}: {title}", name=name, id=goal_id, title=title))

    told = await ctx.amend(f"goal:{goal.id}", dropped, dropped)
    reply = ctx.t("Goal #{id} dropped: {title}. It is archived, no longer in your lists.", id=goal.id,
                  title=goal.title)
    return text_view(reply + (" " + ctx.t("Those who were told of it see the edit.") if told else ""))


async def my_goal(ctx: Context, number: str, usage: str) -> Goal:
    """My goal with that number, open or done; not one I dropped."""
    goal = await find_my_goal(ctx, number, usage)
    if goal.status == "dropped":
        raise UserError("There is no goal #{id} of yours. See {list}", id=goal.id, list=ctx.cmd("goal list"))
    return goal


async def my_open_goal(ctx: Context, number: str, usage: str) -> Goal:
    """My goal with that number, still open; otherwise the error that says what to type."""
    goal = await my_goal(ctx, number, usage)
    if goal.status == "done":
        raise UserError("Goal #{id} is already done. For a new target, add a goal: {example}", id=goal.id,
                        example=ctx.cmd(ADD_USAGE))
    return goal


async def find_my_goal(ctx: Context, number: str, usage: str) -> Goal:
    if not number:
        raise UserError("Which goal? Give its number: {example}. See {list}", example=ctx.cmd(usage),
                        list=ctx.cmd("goal list"))
    goal_id = id_number(number)
    if goal_id is None:
        raise UserError("{value} is not a goal number. Give the number from {list}: {example}", value=number,
                        list=ctx.cmd("goal list"), example=ctx.cmd(usage))
    goal = await ctx.uow.goals.get(goal_id) if goal_id <= MAX_ID else None
    if goal is None or goal.person_id != ctx.me.id:
        raise UserError("There is no goal #{id} of yours. See {list}", id=goal_id, list=ctx.cmd("goal list"))
    return goal


FEATURE = Feature(
    handle=handle,
    summary=N_("Your measurable goals and their progress: {p}goal add Reduce p95 latency by 2027-03-31"),
    usage=N_("{p}goal add Reduce p95 latency to 200 ms by 2027-03-31 — a new goal; the due date after "
             "\"by\" is optional\n"
             "{p}goal list — your goals, open ones first (also {p}goal)\n"
             "{p}goal list @lea — the goals of someone who reports to you\n"
             "{p}goal progress 3 40% Caching is live — report progress from 0 to 100%, with an optional note\n"
             "{p}goal done 3 — close a goal; your manager hears about it\n"
             "{p}goal edit 3 New title by 2027-06-30 — change its title, its due date or both\n"
             "{p}goal drop 3 — archive a goal you no longer pursue (kept, not deleted)\n"
             "Goals are visible to you and your manager."),
)
