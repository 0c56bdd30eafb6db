"""The ``porina`` command: serve | worker | migrate | demo | admin | bench (see docs/cli.md)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from porina import settings as settings_module
from porina.cli.commands import parser as command_parser

Command = Callable[[settings_module.Settings, argparse.Namespace], int]


def resolve(target: str) -> Command:
    """``"package.module:function"`` -> the function, importing its module now."""
    module, _, name = target.partition(":")
    command: Command = getattr(importlib.import_module(module), name)
    return command


def main(argv: Sequence[str] | None = None) -> int:
    parser = command_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and getattr(args, "rest", None) is None:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if unknown:  # `porina bench --quick`: options after the command belong to the benchmark
        args.rest = [*unknown, *args.rest]
    try:
        settings = settings_module.load()
    except settings_module.SettingsError as exc:
        print(f"porina: {exc}", file=sys.stderr)
        return 2
    return resolve(args.run)(settings, args)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
