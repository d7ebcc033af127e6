"""Errors a person can cause. The message is a msgid, translated into their language when answered."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.kernel.i18n import N_


class UserError(Exception):
    """Answered to the person in their language; the whole transaction is rolled back."""

    def __init__(self, message: str, /, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


class FieldError(UserError):
    """One form answer that needs correcting; adapters show it next to its input."""

    def __init__(self, field: str, message: str, /, **params: object) -> None:
        super().__init__(message, **params)
        self.field = field


FORM_NEEDS_ANOTHER_LOOK = N_("Some answers need another look.")


class InvalidForm(UserError):
    """Every wrong answer of a submitted form at once (Slack and Teams show them inline)."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(FORM_NEEDS_ANOTHER_LOOK)
        self.errors = errors


def check_form(errors: list[FieldError]) -> None:
    if errors:
        raise InvalidForm(errors)


@contextmanager
def answer_to(errors: list[FieldError], field: str) -> Iterator[None]:
    """A UserError raised inside is the mistake of the form's answer `field`: collected in `errors`, so that every
    mistake is shown at once, beside its answer (the typed command raises the same error on its own)."""
    try:
        yield
    except UserError as exc:
        errors.append(FieldError(field, exc.message, **exc.params))
