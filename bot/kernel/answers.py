"""One form answer checked as it is given, against what its `Input` says: answered if required, one of the choices,
a number in range. The console asks the same question again at once instead of letting a mood of 7 slide into
the next question; the feature still checks the whole form when it is submitted, and stays the authority."""

from __future__ import annotations

import re

from bot.kernel.errors import FieldError
from bot.kernel.keywords import normalized
from bot.kernel.parsing import whole_number
from bot.kernel.views import Input

NOTE = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")  # "accepted (plan)": the note in brackets after a choice's name


def chosen(field: Input, typed: str) -> str | None:
    """The value of the option `typed` names: its value or its label, with or without the note in brackets, in any
    case, or its number in the list (1 = the first) when the values are names; None when it names none."""
    wanted = normalized(typed)
    for value, label in field.options:
        if wanted in (normalized(value), normalized(label), normalized(NOTE.sub("", label))):
            return value
    if wanted.isdecimal() and not any(value.isdecimal() for value, _ in field.options) \
            and 1 <= int(wanted) <= len(field.options):
        return field.options[int(wanted) - 1][0]
    return None


def check_answer(field: Input, typed: str) -> str:
    """The answer as the form sends it (a choice typed by its label becomes its value); a FieldError saying what to
    answer instead."""
    value = typed.strip()
    if not value:
        if field.optional:
            return ""
        raise FieldError(field.name, "Please answer this one.")
    if field.options:
        found = chosen(field, value)
        if found is None:
            raise FieldError(field.name, "Answer with one of: {choices}.",
                             choices=", ".join(label for _, label in field.options))
        return found
    if field.low is not None and field.high is not None and normalized(value) not in field.words:
        number = whole_number(value.removesuffix("%").strip())
        if number is None or not field.low <= number <= field.high:
            raise FieldError(field.name, "Give a whole number from {low} to {high}.", low=field.low, high=field.high)
    return value
