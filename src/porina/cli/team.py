"""``porina admin operators`` and ``remove-operator``: a team-run account's operators."""

from __future__ import annotations

import argparse

from porina.accounts import operators
from porina.cli.common import local_user, run, services
from porina.core.clock import iso
from porina.settings import Settings


def list_operators(settings: Settings, args: argparse.Namespace) -> int:
    """Every person who operates the account: user, role, and when and by whom added."""

    async def go() -> int:
        async with services(settings) as svc, svc.db.transaction() as tx:
            account, _ = await local_user(tx, args.account)
            members = await operators.team(tx.session, account.id)
        for m in members:
            added = "the account's own login" if m.login else f"added {iso(m.created_at)}"
            by = f" by @{m.added_by}" if m.added_by else (" from the CLI" if not m.login else "")
            print(f"@{m.username}\t{m.role}\t{added}{by}")
        print(f"{len(members)} operator(s) of @{account.username}")
        return 0

    return run(go())


def remove_operator(settings: Settings, args: argparse.Namespace) -> int:
    """Take USER off ACCOUNT's team and revoke their tokens for it at once."""

    async def go() -> int:
        async with services(settings) as svc, svc.db.transaction() as tx:
            account, _ = await local_user(tx, args.account)
            _, user = await local_user(tx, args.user)
            revoked = await operators.remove_operator(tx, account.id, user.id, by_user_id=None)
        print(f"@{args.user} no longer operates @{account.username} ({revoked} token(s) revoked)")
        return 0

    return run(go())
