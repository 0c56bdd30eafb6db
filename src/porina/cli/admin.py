"""``porina admin ...``: operator commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from porina.accounts import actions as account_actions
from porina.accounts import operators
from porina.accounts.actions import NewAccount, issue_token
from porina.cli.common import local_user, run, services
from porina.core.clock import iso
from porina.core.errors import PorinaError
from porina.jobs import queue
from porina.jobs import recurring as recurring_jobs
from porina.mail import dkim
from porina.settings import Settings
from porina.timelines import activity

DEFAULT_SCOPES = "read write follow push"


def create_account(settings: Settings, args: argparse.Namespace) -> int:
    async def go() -> int:
        async with services(settings) as svc:
            new = await account_actions.hashed(
                NewAccount(
                    username=args.username,
                    email=args.email,
                    password=args.password,
                    display_name=args.display_name,
                    role="admin" if args.admin else "user",
                    locked=args.locked,
                    bot=args.bot,
                    allow_reserved=args.admin,
                )
            )
            async with svc.db.transaction() as tx:
                account, user = await account_actions.create_account(tx, new)
                token = None
                if args.token:
                    token, _ = await issue_token(tx, user=user, app_id=None, scopes=DEFAULT_SCOPES)
        print(f"created @{account.username} (id {account.id})")
        if token:
            print(token)
        return 0

    return run(go())


def add_operator(settings: Settings, args: argparse.Namespace) -> int:
    async def go() -> int:
        async with services(settings) as svc, svc.db.transaction() as tx:
            account, _ = await local_user(tx, args.account)
            _, user = await local_user(tx, args.user)
            role = operators.role_named(args.role) or "analyst"
            await operators.add_operator(tx, account.id, user.id, role, by_user_id=None)
            token = await operators.operator_token(tx, account.id, user.id) if args.token else None
        print(f"@{args.user} now operates @{account.username} as {role}")
        if token:
            print(token)
        return 0

    return run(go())


def failed_jobs(settings: Settings, args: argparse.Namespace) -> int:
    async def go() -> int:
        async with services(settings) as svc:
            jobs = await queue.failed_jobs(svc.db)
        for job in jobs:
            last = (job.last_error or "").strip().splitlines()[-1:] or [""]
            print(f"{job.id}\t{job.kind}\tattempts={job.attempts}\t{last[0]}")
        print(f"{len(jobs)} failed job(s)")
        return 0

    return run(go())


def retry_jobs(settings: Settings, args: argparse.Namespace) -> int:
    async def go() -> int:
        async with services(settings) as svc:
            count = await queue.retry_failed(svc.db, args.id)
        print(f"{count} job(s) queued again")
        return 0

    return run(go())


def drop_idle_feeds(settings: Settings, args: argparse.Namespace) -> int:
    async def go() -> int:
        async with services(settings) as svc:
            count = await activity.drop_idle_feeds(svc)
        print(f"{count} idle feed(s) dropped")
        return 0

    return run(go())


def recurring(settings: Settings, args: argparse.Namespace) -> int:
    """Every recurring job: its period, when it last ran and when it runs next (UTC)."""

    async def go() -> int:
        async with services(settings) as svc:
            rows = await recurring_jobs.overview(svc.db)
        for row in rows:
            last = iso(row.finished_at) or "never"
            print(f"{row.name}\tevery {row.every} from {row.at}\tlast run {last}", end="")
            print(f"\tnext run {iso(row.next_run)}")
        print(f"{len(rows)} recurring job(s)")
        return 0

    return run(go())


def dkim_record(settings: Settings, args: argparse.Namespace) -> int:
    """The DNS TXT record that publishes the public half of PORINA_DKIM_KEY_FILE."""
    if not settings.dkim_key_file:
        print("porina: PORINA_DKIM_KEY_FILE is not set", file=sys.stderr)
        return 1
    try:
        key = dkim.load_key(Path(settings.dkim_key_file))
    except PorinaError as exc:
        print(f"porina: {exc.message}", file=sys.stderr)
        return 1
    print(dkim.zone_line(key, settings.dkim_selector, settings.mail_domain))
    return 0
