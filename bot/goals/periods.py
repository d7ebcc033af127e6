"""The end of an objective's period: the working day after its due date (or its quarter's last day), at 10:00 in
the owner's zone, the owner is asked to close it, carry it over or drop it. Once per objective and end date."""

from __future__ import annotations

from datetime import date, timedelta

from bot.goals.common import When, next_quarter, quarter_of
from bot.kernel.calendar import at_local
from bot.kernel.context import Due, Tick
from bot.kernel.i18n import Translator
from bot.kernel.views import Button, Buttons, Text, View

HOUR = 10
LOOK_BACK = timedelta(days=14)  # ends this recent are still asked about (a long weekend, a restart)


async def due(tick: Tick) -> list[Due]:
    today = tick.now.date()
    since = today - LOOK_BACK
    quarters = sorted({quarter_of(since), quarter_of(today - timedelta(days=1))})
    items: list[Due] = []
    for goal, owner in await tick.uow.goals.ending(since, today, quarters):
        end = When(goal.due_date, goal.quarter).end
        if end is None or end >= tick.local_today(owner) or owner.deactivated_at is not None:
            continue
        instant = tick.first_day_on(owner, at_local(end + timedelta(days=1), HOUR, tick.zone(owner)))
        if instant <= tick.now:
            items.append(tick.due(f"goal-period:{goal.id}:{end.isoformat()}", "goal.period", owner,
                                  lambda t, g=goal.id, title=goal.title, end=end: ended(t, g, title, end)))
    return items


def ended(t: Translator, goal_id: int, title: str, end: date) -> View:
    return View(title=t("Goal #{id} has reached the end of its period ({date})", id=goal_id, date=end.isoformat()),
                blocks=[Text(text=title), Text(text=t("Close it, carry it over into {quarter}, or drop it.",
                                                      quarter=next_quarter(end))),
                        Buttons(buttons=[Button(label=t("Done"), command=f"goal done {goal_id}", style="primary"),
                                         Button(label=t("Carry over"), command=f"goal carry {goal_id}"),
                                         Button(label=t("Drop"), command=f"goal drop {goal_id}")])])
