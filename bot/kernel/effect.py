"""An improvement's measured effect worded in the reader's language: its measure (baseline, target, unit) and the
latest result. In the kernel because an idea's page and a recognition kudos (read by any feature) both say it.

Numbers are shown in the reader's own notation; the arithmetic is `bot.kernel.quality.Effect`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.kernel.i18n import Translator
from bot.kernel.numbers import number
from bot.kernel.quality import Effect


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
