"""An idea's measured effect: its measure (baseline, target, unit) with the latest result, read and said.

Numbers are typed as people write them (`6.5`, Swedish `6,5`) and shown in the reader's own notation. The arithmetic
is `bot.kernel.quality.Effect`; this module only reads the rows and words the figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.kernel.i18n import Translator
from bot.kernel.numbers import number
from bot.kernel.quality import Effect
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Measured:
    """An idea's measure and its latest result (None before the first re-measurement)."""

    baseline: float
    target: float
    unit: str
    result: float | None = None

    @property
    def effect(self) -> Effect | None:
        return None if self.result is None else Effect(self.baseline, self.target, self.result)


async def read_measured(uow: UnitOfWork, idea_id: int) -> Measured | None:
    measure = await uow.ideas.measure(idea_id)
    if measure is None:
        return None
    latest = await uow.ideas.latest_result(idea_id)
    return Measured(measure.baseline, measure.target, measure.unit, None if latest is None else latest.value)


def describe(t: Translator, measured: Measured) -> str:
    """"11 → 6.5 minutes against a target of 6: -41%; the target is not met." in the reader's language."""
    params = {"baseline": number(t, measured.baseline), "target": number(t, measured.target), "unit": measured.unit}
    effect = measured.effect
    if effect is None:
        return t("Baseline {baseline} {unit}, target {target} {unit}; no result yet.", **params)
    params["result"] = number(t, effect.result)
    if effect.change is None:  # from a baseline of zero no percentage exists
        if effect.met:
            return t("{baseline} → {result} {unit} against a target of {target}; the target is met.", **params)
        return t("{baseline} → {result} {unit} against a target of {target}; the target is not met.", **params)
    params["change"] = f"{round(effect.change * 100):+d}%"
    if effect.met:
        return t("{baseline} → {result} {unit} against a target of {target}: {change}; the target is met.", **params)
    return t("{baseline} → {result} {unit} against a target of {target}: {change}; the target is not met.", **params)
