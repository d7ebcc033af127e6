"""Weeks of check-ins for the sample organisation (`feedbot console --demo`), so its manager's digest has a history
to chart: a steady team mood for two months, then a drop in the last two weeks that the control chart flags.

The check-ins are written once, on the first start (the import created everyone), as the check-in form writes them:
the same table, the same answers and mood; the digest then reads them like any others. They are sent to nobody
(the managers were not told about them at the time, so nothing is queued for them now).
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.kernel.calendar import iso_week
from bot.kernel.context import Deps
from bot.orgdir import ImportReport
from storage.models import Checkin

# Each report's mood (1-5), one digit a week, oldest first, ending the week before the current one; "." is a week
# without a check-in (Bo answers that one in examples/session.txt). Six reports, so every week meets the anonymity
# threshold of 5; the team's mean stays within 3.8-4.2 for nine weeks, then falls to 3.3 and 3.2 (with Bo's 3 from
# the session): a shift down that the control chart flags, as it would in any team's history.
MOODS = {
    "bo@example.com": "4445444443.",
    "cy@example.com": "45444344443",
    "lea@example.com": "54444454433",
    "ines@example.com": "34344444334",
    "ola@example.com": "44445444443",
    "mei@example.com": "44443444433",
}
WENT_WELL = ["Closed the last bugs of the sprint", "Paired on the search page", "Reviewed the API changes",
             "Tidied the test fixtures", "Demoed the new settings page"]
NEXT = ["The settings page", "Faster builds", "The release checklist", "Onboarding notes for the new joiner"]


def fresh(report: ImportReport) -> bool:
    """The import created everyone in the file: the database was empty, so there is no history to add to."""
    return bool(report.created) and not report.updated and not report.unchanged and not report.missing


async def seed_history(deps: Deps) -> str:
    """Write the sample check-ins in one transaction; returns the line that says what was written."""
    now = deps.clock.now()
    weeks = len(next(iter(MOODS.values())))
    written: list[str] = []  # the weeks of the check-ins written
    async with deps.uow() as uow:
        for row, (email, moods) in enumerate(MOODS.items()):
            person = await uow.people.by_email(email)
            if person is None:  # the sample file no longer has them: nothing to seed for them
                continue
            local = now.astimezone(ZoneInfo(person.timezone or deps.settings.org.default_timezone))
            for n, mood in enumerate(moods):
                if mood == ".":
                    continue
                # Whole weeks back on the person's wall clock: the same weekday and hour each week. Weeks back in UTC
                # would cross local midnight where a summer time ends between them, and two check-ins fall in one week.
                submitted = local - timedelta(weeks=weeks - n)
                answers = {"well": WENT_WELL[(row + n) % len(WENT_WELL)], "next": NEXT[(row + n) % len(NEXT)],
                           "blockers": "", "mood": mood}
                period = iso_week(submitted.date())
                uow.checkins.add(Checkin(person_id=person.id, period=period, answers=answers, mood=int(mood),
                                         submitted_at=submitted))
                written.append(period)
    if not written:
        return "added no sample check-ins: none of their people is in the directory"
    first, last = (week.split("-W")[1] for week in (min(written), max(written)))
    return f"added {len(written)} sample check-ins, weeks {first}–{last}, from the reports of ana@example.com"

