"""What every platform's edge shares to check the shape of what it reads: strict small models (extra keys are
left alone), ids that fit their column and hold no character a database refuses, and one line saying what is
wrong — for a warning, never a traceback."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, ValidationError

from bot.kernel.messages import clean


class Shape(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")


def _printable(value: str) -> str:
    if clean(value) != value:  # a NUL or a lone surrogate: no platform makes such an id
        raise ValueError("holds a control character or a lone surrogate")
    return value


def ident(max_length: int, min_length: int = 1) -> object:
    """A platform id stored in a column of `max_length`: longer, empty or unprintable ones are not real."""
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length),
                     AfterValidator(_printable)]


def problem(exc: ValidationError) -> str:
    """The first thing wrong, as `where: what` (`event.user: Input should be a valid string`)."""
    first = exc.errors()[0]
    return f"{'.'.join(str(part) for part in first['loc']) or 'body'}: {first['msg']}"
