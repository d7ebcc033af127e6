"""Errors a person can cause. The message is a msgid, translated into their language when answered."""

from __future__ import annotations


class UserError(Exception):
    """Answered to the person in their language; the whole transaction is rolled back."""

    def __init__(self, message: str, /, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params
