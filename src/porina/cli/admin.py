"""``porina admin ...``: operator commands."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from sqlalchemy import func, select

from porina.accounts import operators
from porina.accounts.actions import NewAccount, create_account, issue_token
from porina.accounts.errors import AccountNotFound
from porina.accounts.models import Account, User
from porina.core.errors import PorinaError
from porina.jobs import queue
from porina.services import build
from porina.settings import Settings
from porina.storage.db import Tx

DEFAULT_SCOPES = "read write follow push"


def add_parser(sub: Any) -> None:
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
    create.set_defaults(run=_create_account)

    operator = cmds.add_parser(
        "add-operator", help="let a user operate an account (a team-run brand account)"
    )
    operator.add_argument("account", help="username of the operated account")
    operator.add_argument("user", help="username of the staff member's own account")
    operator.add_argument("--role", choices=operators.ROLES, default="editor")
    operator.add_argument(
        "--token", action="store_true", help="print a token acting as the account"
    )
    operator.set_defaults(run=_add_operator)

    failed = cmds.add_parser("failed-jobs", help="list background jobs that gave up")
    failed.set_defaults(run=_failed_jobs)
    retry = cmds.add_parser("retry-jobs", help="queue failed jobs again")
    retry.add_argument("--id", type=int, default=None, help="only this job")
    retry.set_defaults(run=_retry_jobs)


def _run(coro: Any) -> int:
    try:
        result: int = asyncio.run(coro)
    except PorinaError as exc:
        print(f"porina: {exc.message}", file=sys.stderr)
        return 1
    return result


def _create_account(settings: Settings, args: argparse.Namespace) -> int:
    async def go() -> int:
        svc = build(settings)
        try:
            async with svc.db.transaction() as tx:
                account, user = await create_account(
                    tx,
                    NewAccount(
                        username=args.username,
                        email=args.email,
                        password=args.password,
                        display_name=args.display_name,
                        role="admin" if args.admin else "user",
                        locked=args.locked,
                        bot=args.bot,
                        allow_reserved=args.admin,
                    ),
                )
                token = None
                if args.token:
                    token, _ = await issue_token(tx, user=user, app_id=None, scopes=DEFAULT_SCOPES)
        finally:
            await svc.db.dispose()
        print(f"created @{account.username} (id {account.id})")
        if token:
            print(token)
        return 0

    return _run(go())


async def _local_user(tx: Tx, username: str) -> tuple[Account, User]:
    row = (
        await tx.session.execute(
            select(Account, User)
            .join(User, User.account_id == Account.id)
            .where(func.lower(Account.username) == username.lower(), Account.domain.is_(None))
        )
    ).first()
    if row is None:
        raise AccountNotFound(f"no local account @{username}")
    return row[0], row[1]


def _add_operator(settings: Settings, args: argparse.Namespace) -> int:
    async def go() -> int:
        svc = build(settings)
        try:
            async with svc.db.transaction() as tx:
                account, _ = await _local_user(tx, args.account)
                _, user = await _local_user(tx, args.user)
                await operators.add_operator(tx, account.id, user.id, args.role, by_user_id=None)
                token = (
                    await operators.operator_token(tx, account.id, user.id) if args.token else None
                )
        finally:
            await svc.db.dispose()
        print(f"@{args.user} now operates @{account.username} as {args.role}")
        if token:
            print(token)
        return 0

    return _run(go())


def _failed_jobs(settings: Settings, args: argparse.Namespace) -> int:
    async def go() -> int:
        svc = build(settings)
        try:
            jobs = await queue.failed_jobs(svc.db)
        finally:
            await svc.db.dispose()
        for job in jobs:
            last = (job.last_error or "").strip().splitlines()[-1:] or [""]
            print(f"{job.id}\t{job.kind}\tattempts={job.attempts}\t{last[0]}")
        print(f"{len(jobs)} failed job(s)")
        return 0

    return _run(go())


def _retry_jobs(settings: Settings, args: argparse.Namespace) -> int:
    async def go() -> int:
        svc = build(settings)
        try:
            count = await queue.retry_failed(svc.db, args.id)
        finally:
            await svc.db.dispose()
        print(f"{count} job(s) queued again")
        return 0

    return _run(go())
