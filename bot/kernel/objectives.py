"""Objectives and key results as every feature reads them: a key result's progress, an objective's roll-up, the
confidence words, and when a key result needs attention (the check-in asks, the digest and the 1:1 agenda show).

Pure arithmetic and keywords; the goals feature owns the commands, the check-in and the agenda only read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from bot.kernel.i18n import N_, Catalogs, Translator
from bot.kernel.keywords import Keywords
from bot.kernel.numbers import number, parse_number
from bot.kernel.quality import Effect
from storage.models import Goal, GoalUpdate, KeyResult, KeyResultUpdate
from storage.uow import UnitOfWork

STALE_AFTER = timedelta(weeks=3)  # a key result with no update for this long needs attention
CONFIDENCE = Keywords({"on-track": (N_("on track"),), "at-risk": (N_("at risk"),), "off-track": (N_("off track"),)})
NO_CHANGE = Keywords({"no-change": (N_("no change"), N_("same"))})


def plain(goal: Goal, kr: KeyResult) -> bool:
    """The goal's own 0–100 % (a goal from before key results, or one without key results of its own)."""
    return (kr.title, kr.unit, kr.start, kr.target) == (goal.title, "%", 0, 100)


def is_plain(goal: Goal, krs: list[KeyResult]) -> bool:
    """Measured only by its default 0–100 % key result, so listing it would say the same twice."""
    return len(krs) == 1 and plain(goal, krs[0])


def kr_progress(start: float, target: float, current: float) -> float:
    """From start to target in either direction, 0..1 (beyond the target counts as reached, behind start as 0)."""
    progress = Effect(baseline=start, target=target, result=current).progress
    return 1.0 if progress is None else min(1.0, max(0.0, progress))


def rolled_up(parts: Iterable[tuple[float, float]]) -> float | None:
    """The weighted mean of (progress 0..1, weight) pairs; None when there are none (or all weigh nothing)."""
    pairs = list(parts)
    total = sum(weight for _, weight in pairs)
    return sum(progress * weight for progress, weight in pairs) / total if total > 0 else None


def percent(progress: float) -> int:
    return round(progress * 100)


def attention(confidence: str | None, updated_at: datetime, now: datetime) -> str | None:
    """Why a key result needs attention: "off-track" (as its owner said), "stale" (no update for three weeks)."""
    if confidence == "off-track":
        return "off-track"
    return "stale" if now - updated_at >= STALE_AFTER else None


def attention_text(t: Translator, reason: str, updated_on: str) -> str:
    return t("off track") if reason == "off-track" else t("no update since {date}", date=updated_on)


def confidence_text(t: Translator, confidence: str | None) -> str:
    return CONFIDENCE.shown(t, confidence) if confidence else ""


def measured(t: Translator, value: float, unit: str) -> str:
    """450 ms, 40 %, 6,5 h: the number in the reader's notation and the unit."""
    return f"{number(t, value)}%" if unit == "%" else f"{number(t, value)} {unit}".rstrip()


def read_update(catalogs: Catalogs, text: str) -> tuple[float | None, str | None, str] | None:
    """`450 at risk Caching helps` → (450, "at-risk", "Caching helps"); `no change` → (None, None, ""); a value may
    end in % and use a decimal comma. None when it does not start with a number or "no change"."""
    keyword, rest = NO_CHANGE.leading(catalogs, text)
    if keyword:
        value = None
    else:
        word, _, rest = text.strip().partition(" ")
        value = parse_number(word.removesuffix("%"))
        if value is None:
            return None
    confidence, note = CONFIDENCE.leading(catalogs, rest)
    return value, confidence, note.strip()


def kr_text(t: Translator, ref: str, title: str, start: float, target: float, unit: str, current: float,
            confidence: str | None, due: date | None = None) -> str:
    """"12.1 Cut p95 latency: 450 ms (900 → 200 ms, 64%) — at risk — due 2027-03-31" in the reader's language."""
    text = t("{ref} {title}: {current} ({start} → {target}, {progress}%)", ref=ref, title=title,
             current=measured(t, current, unit), start=number(t, start), target=measured(t, target, unit),
             progress=percent(kr_progress(start, target, current)))
    text += " — " + confidence_text(t, confidence) if confidence else ""
    return text + (" — " + t("due {due}", due=due.isoformat()) if due else "")


def record(uow: UnitOfWork, now: datetime, kr: KeyResult, value: float | None, confidence: str | None,
           note: str) -> None:
    """An update of a key result: a new value (None: no change), the confidence (None: as before), a note."""
    if value is not None:
        kr.current = value
    kr.confidence = confidence or kr.confidence
    kr.updated_at = now
    uow.goals.add(KeyResultUpdate(key_result_id=kr.id, value=kr.current, confidence=kr.confidence, note=note,
                                  created_at=now))


async def roll_up(uow: UnitOfWork, now: datetime, goal: Goal, note: str | None = None) -> int:
    """The objective's progress from its open key results (weighted; equal unless given), kept in `progress` and,
    after an update, recorded with its `note` in the objective's history; without key results it keeps what it had."""
    krs = await uow.goals.key_results([goal.id])
    progress = rolled_up((kr_progress(kr.start, kr.target, kr.current), kr.weight) for kr in krs)
    if progress is not None:
        goal.progress = percent(progress)
    goal.updated_at = now
    if note is not None:
        uow.goals.add(GoalUpdate(goal_id=goal.id, progress=goal.progress, note=note, created_at=now))
    return goal.progress
