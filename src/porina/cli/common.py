"""What the one-shot commands share: running a coroutine with domain errors printed, the
running parts built for one command and released after it, and finding a local user."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import func, select

from porina.accounts.errors import AccountNotFound
from porina.accounts.models import Account, User
from porina.core.errors import PorinaError
from porina.services import Services, build
from porina.settings import Settings
from porina.storage.db import Tx


def run(coro: Coroutine[Any, Any, int]) -> int:
    """The command's exit status; a domain error is printed and exits 1."""
    try:
        return asyncio.run(coro)
    except PorinaError as exc:
        print(f"porina: {exc.message}", file=sys.stderr)
        return 1


@asynccontextmanager
async def services(settings: Settings) -> AsyncIterator[Services]:
    """The running parts for one command; its connections (database, Redis) closed after."""
    svc = build(settings)
    try:
        yield svc
    finally:
        await svc.stop()


async def local_user(tx: Tx, username: str) -> tuple[Account, User]:
    """The local account called ``username`` (any case) and its login."""
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
