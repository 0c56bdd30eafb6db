"""The ``porina`` command: serve | worker | migrate | demo | admin | bench."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from porina import __version__
from porina import settings as settings_module
from porina.cli import admin, demo_cmd, runtime


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="porina", description="Porina: a social platform for businesses and their audiences."
    )
    parser.add_argument("--version", action="version", version=f"porina {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser(
        "serve",
        help="serve HTTP (API, streaming, pages) and, by default, background jobs",
    )
    serve.add_argument("--host", help="listen address (default PORINA_HOST)")
    serve.add_argument("--port", type=int, help="listen port (default PORINA_PORT)")
    serve.add_argument("--workers", type=int, help="HTTP worker processes (default PORINA_WORKERS)")
    serve.set_defaults(run=runtime.serve)

    worker = sub.add_parser("worker", help="run background jobs only (scale-out)")
    worker.add_argument("--concurrency", type=int, default=4, help="jobs run at once")
    worker.set_defaults(run=runtime.worker)

    migrate = sub.add_parser("migrate", help="bring the database schema up to date")
    migrate.set_defaults(run=runtime.migrate)

    demo = sub.add_parser("demo", help="seed a small demo world")
    demo.add_argument(
        "--if-empty", action="store_true", help="only when the database has no accounts"
    )
    demo.set_defaults(run=demo_cmd.demo)

    admin.add_parser(sub)

    bench = sub.add_parser("bench", help="run the benchmark (see docs/performance.md)")
    bench.add_argument("rest", nargs=argparse.REMAINDER, help="options passed to the benchmark")
    bench.set_defaults(run=runtime.bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
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
    run: Callable[[settings_module.Settings, argparse.Namespace], int] = args.run
    return run(settings, args)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
