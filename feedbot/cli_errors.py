"""What an operator reads when a command cannot do its work: one line, never a traceback, for everything expected."""

from __future__ import annotations

import os
import sys

from feedbot.privacy_key import PrivacyKeyError
from storage.db import unavailable

FILE_PROBLEMS: dict[type[OSError], str] = {
    IsADirectoryError: "is a directory, not a file",
    NotADirectoryError: "a part of this path is a file, not a directory",
    FileNotFoundError: "no such file or directory",
    FileExistsError: "already exists",
    PermissionError: "permission denied",
}


class CliError(Exception):
    """An operator mistake: printed without a traceback."""


def explain(exc: BaseException, database_url: str) -> str | None:
    """The line for an expected failure (an operator mistake, the database, a file); None for a bug, which keeps
    its traceback."""
    from adapters.platform import PlatformError  # the adapters load only for commands that need them

    if isinstance(exc, CliError | PlatformError | PrivacyKeyError):
        return str(exc)
    reason = unavailable(exc, database_url)
    if reason is not None:
        return reason
    if isinstance(exc, OSError) and exc.filename is not None:
        problem = next((text for kind, text in FILE_PROBLEMS.items() if isinstance(exc, kind)), exc.strerror)
        return f"{exc.filename}: {problem}"
    return None


def leave_quietly_on_broken_pipe() -> int:
    """Output piped into `head` (or a closed pager): stop at once and say nothing, as `cat` would.

    Standard output is pointed at /dev/null so the interpreter's last flush cannot fail too."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 141  # 128 + SIGPIPE, what a shell reports for a command stopped by a closed pipe
