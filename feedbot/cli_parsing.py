"""Argument parsing for `feedbot`: no abbreviations, and a mistyped option names the one meant."""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Sequence
from typing import Any


class Parser(argparse.ArgumentParser):
    """argparse without abbreviations: `--no` is not taken for `--now`, and `--a` is not `--at` (a misspelling must
    never run the command with a flag the operator did not write). Unknown options are named, with the closest
    option of the command that was meant."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            chosen = chosen_parser(self, parsed)
            chosen.error(unrecognized(extras, chosen))
        return parsed


def chosen_parser(top: argparse.ArgumentParser, parsed: argparse.Namespace) -> argparse.ArgumentParser:
    """The (sub)command the arguments chose: `feedbot db upgrade` → the parser of `db upgrade`."""
    parser = top
    while True:
        subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        name = getattr(parsed, subparsers[0].dest, None) if subparsers else None
        if name is None:
            return parser
        parser = subparsers[0].choices[name]


def unrecognized(extras: list[str], parser: argparse.ArgumentParser) -> str:
    # --org, like --config, is taken by every data command: never offered for another option's misspelling.
    options = [option for action in parser._actions for option in action.option_strings
               if option.startswith("--") and option != "--org"]
    unknown = [extra for extra in extras if extra.startswith("-")] or extras
    message = f"unrecognized argument {unknown[0]}"
    close = difflib.get_close_matches(unknown[0].split("=")[0], options, n=1, cutoff=0.6)
    if close:
        return f"{message} (did you mean {close[0]}?)"
    named = [option for option in options if option not in ("--help", "--config")]
    return f"{message} ({parser.prog} takes {', '.join(named)})" if named else message


class Subcommands:
    """Subcommand parsers that each take --config too, nested ones included."""

    def __init__(self, action: argparse._SubParsersAction, after: argparse.ArgumentParser) -> None:
        self.action, self.after = action, after

    def add_parser(self, name: str, **kwargs: str) -> argparse.ArgumentParser:
        return self.action.add_parser(name, parents=[self.after], **kwargs)

    def nested(self, parent: argparse.ArgumentParser, dest: str) -> Subcommands:
        return Subcommands(parent.add_subparsers(dest=dest, required=True), self.after)
