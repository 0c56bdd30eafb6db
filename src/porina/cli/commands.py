"""The ``porina`` command line: every command and its options.

Each command names its implementation as ``"module:function"``, imported only when that
command runs. So ``porina serve`` loads nothing but Granian and the settings in its supervisor
process (the app itself loads in Granian's workers), which keeps its memory small.
"""

from __future__ import annotations

import argparse

from porina import __version__

ROLES = ("owner", "manager", "agent", "analyst", "admin", "editor", "responder")
"""The team roles; the last three are the old names (admin, editor: manager; responder: agent)."""


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="porina", description="Porina: a social platform for businesses and their audiences."
    )
    root.add_argument("--version", action="version", version=f"porina {__version__}")
    sub = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser(
        "serve", help="serve HTTP (API, streaming, pages) and, by default, background jobs"
    )
    serve.add_argument("--host", help="listen address (default PORINA_HOST)")
    serve.add_argument("--port", type=int, help="listen port (default PORINA_PORT)")
    serve.add_argument("--workers", type=int, help="HTTP worker processes (default PORINA_WORKERS)")
    serve.set_defaults(run="porina.cli.serve:serve")

    worker = sub.add_parser("worker", help="run background jobs only (scale-out)")
    worker.add_argument("--concurrency", type=int, default=4, help="jobs run at once")
    worker.add_argument(
        "--nice",
        type=int,
        default=0,
        help="run at a lower CPU priority (os.nice), e.g. 10 beside `porina serve` on shared cores",
    )
    worker.set_defaults(run="porina.cli.runtime:worker")

    migrate = sub.add_parser("migrate", help="bring the database schema up to date")
    migrate.set_defaults(run="porina.cli.runtime:migrate")

    demo = sub.add_parser("demo", help="seed a small demo world")
    demo.add_argument(
        "--if-empty", action="store_true", help="only when the database has no accounts"
    )
    demo.set_defaults(run="porina.cli.demo_cmd:demo")

    _admin(sub)
    _bounces(sub)

    verify = sub.add_parser(
        "verify-draw", help="recompute a contest's draw proof (docs/draws.md); exit 0 when OK"
    )
    verify.add_argument("source", help="the proof: a file path or an http(s) URL")
    verify.set_defaults(run="porina.cli.verify_draw:verify_draw")

    bench = sub.add_parser("bench", help="run the benchmark (see docs/performance.md)")
    bench.add_argument("rest", nargs=argparse.REMAINDER, help="options passed to the benchmark")
    bench.set_defaults(run="porina.cli.runtime:bench")
    return root


def _admin(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    admin = sub.add_parser("admin", help="operator commands")
    cmds = admin.add_subparsers(dest="admin_command", required=True, metavar="ADMIN_COMMAND")

    create = cmds.add_parser("create-account", help="create a local account")
    create.add_argument("username")
    create.add_argument("--email", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--display-name", default="")
    create.add_argument("--admin", action="store_true", help="give the admin role")
    create.add_argument("--locked", action="store_true", help="followers must be approved")
    create.add_argument("--bot", action="store_true", help="mark as an automated account")
    create.add_argument(
        "--token", action="store_true", help="print an access token (read write follow push)"
    )
    create.set_defaults(run="porina.cli.admin:create_account")

    _team(cmds)

    failed = cmds.add_parser("failed-jobs", help="list background jobs that gave up")
    failed.set_defaults(run="porina.cli.admin:failed_jobs")
    retry = cmds.add_parser("retry-jobs", help="queue failed jobs again")
    retry.add_argument("--id", type=int, default=None, help="only this job")
    retry.set_defaults(run="porina.cli.admin:retry_jobs")
    idle = cmds.add_parser(
        "drop-idle-feeds",
        help="forget the home feeds of accounts idle longer than PORINA_FEED_ACTIVE_DAYS",
    )
    idle.set_defaults(run="porina.cli.admin:drop_idle_feeds")
    periodic = cmds.add_parser(
        "recurring", help="list recurring jobs with their last and next run (UTC)"
    )
    periodic.set_defaults(run="porina.cli.admin:recurring")
    record = cmds.add_parser(
        "dkim-record", help="print the DNS TXT record for PORINA_DKIM_KEY_FILE's public key"
    )
    record.set_defaults(run="porina.cli.admin:dkim_record")


def _bounces(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bounces = sub.add_parser("bounces", help="the newsletter's bounce receiver (SMTP)")
    cmds = bounces.add_subparsers(dest="bounces_command", required=True, metavar="BOUNCES_COMMAND")
    receive = cmds.add_parser(
        "serve", help="receive bounces and complaints for the VERP return paths by SMTP"
    )
    receive.add_argument("--host", help="listen address (default PORINA_BOUNCE_SMTP_HOST)")
    receive.add_argument("--port", type=int, help="listen port (default PORINA_BOUNCE_SMTP_PORT)")
    receive.set_defaults(run="porina.cli.bounces:serve")


def _team(cmds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """A team-run account's operators: add (or change a role), list, remove."""
    operator = cmds.add_parser(
        "add-operator", help="let a user operate an account (a team-run brand account)"
    )
    operator.add_argument("account", help="username of the operated account")
    operator.add_argument("user", help="username of the staff member's own account")
    operator.add_argument("--role", choices=ROLES, default="manager")
    operator.add_argument(
        "--token", action="store_true", help="print a token acting as the account"
    )
    operator.set_defaults(run="porina.cli.admin:add_operator")
    team = cmds.add_parser(
        "operators", help="list who operates an account: user, role, added when and by whom"
    )
    team.add_argument("account", help="username of the operated account")
    team.set_defaults(run="porina.cli.team:list_operators")
    remove = cmds.add_parser(
        "remove-operator", help="take a user off an account's team and revoke their tokens for it"
    )
    remove.add_argument("account", help="username of the operated account")
    remove.add_argument("user", help="username of the staff member's own account")
    remove.set_defaults(run="porina.cli.team:remove_operator")
