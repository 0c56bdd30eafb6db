"""A local account's aliases: the accounts elsewhere it is also known as (Mastodon's
``AccountAlias``), published as ``alsoKnownAs`` on its actor document. Adding one is the
first half of moving an account here: the old server sends its ``Move`` only to a target
that lists the old account, and ``moves.move`` checks the same on this side.

The alias is the remote account as fetched (its actor id is what ``alsoKnownAs`` lists);
the caller resolves it before ``add`` writes. At most ``MAX_ALIASES``; adding one twice
keeps the first. A change is a ``ProfileUpdated`` (``changed="aliases"``): followers'
servers get the actor's ``Update``, as Mastodon sends.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import NotFound, Unprocessable
from porina.core.events import ProfileUpdated
from porina.core.ids import new_id
from porina.federation.alias_models import AccountAlias
from porina.federation.remote import resolve_actor, resolve_handle
from porina.http.client import OutboundClient
from porina.jobs.events import emit
from porina.storage.db import Database, Tx

MAX_ALIASES = 10
NOT_FOUND = "the account could not be found"
ELSEWHERE = "an alias must be an account on another server"


async def find(db: Database, client: OutboundClient, acct: str) -> Account:
    """The account ``acct`` names (``user@host``, or an actor URL), fetched when unknown;
    422 when it names nothing (before any write)."""
    acct = acct.strip()
    if not acct:
        raise Unprocessable("Validation failed: acct can't be blank")
    try:
        if acct.startswith(("https://", "http://")):
            return await resolve_actor(db, client, acct)
        return await resolve_handle(db, client, acct)
    except NotFound:
        raise Unprocessable(f"Validation failed: {NOT_FOUND}") from None


async def listed(session: AsyncSession, account_id: int) -> list[AccountAlias]:
    rows = await session.scalars(
        select(AccountAlias).where(AccountAlias.account_id == account_id).order_by(AccountAlias.id)
    )
    return list(rows)


async def also_known_as(session: AsyncSession, account_id: int) -> list[str]:
    """The actor ids ``account_id`` is also known as (``alsoKnownAs``)."""
    return [alias.uri for alias in await listed(session, account_id)]


async def moved_to(session: AsyncSession, account: Account) -> str | None:
    """The actor id of the account ``account`` moved to (its actor document's ``movedTo``)."""
    if account.moved_to_account_id is None:
        return None
    uri = await session.scalar(select(Account.uri).where(Account.id == account.moved_to_account_id))
    return str(uri) if uri else None


async def add(tx: Tx, actor: Actor, target: Account) -> AccountAlias:
    """``actor``'s account is also known as the remote account ``target``."""
    if target.domain is None or not target.uri:
        raise Unprocessable(f"Validation failed: {ELSEWHERE}")
    found = await tx.session.scalar(
        select(AccountAlias).where(
            AccountAlias.account_id == actor.account_id, AccountAlias.uri == target.uri
        )
    )
    if found is not None:
        return found
    count = await tx.session.scalar(
        select(func.count()).where(AccountAlias.account_id == actor.account_id)
    )
    if (count or 0) >= MAX_ALIASES:
        raise Unprocessable(f"Validation failed: too many aliases (maximum is {MAX_ALIASES})")
    alias = AccountAlias(
        id=new_id(),
        account_id=actor.account_id,
        uri=target.uri,
        acct=f"{target.username}@{target.domain}",
        created_at=now(),
    )
    tx.session.add(alias)
    await tx.session.flush()
    await emit(tx, ProfileUpdated(actor=actor, account_id=actor.account_id, changed="aliases"))
    return alias


async def remove(tx: Tx, actor: Actor, alias_id: int) -> None:
    alias = await tx.session.get(AccountAlias, alias_id)
    if alias is None or alias.account_id != actor.account_id:
        raise NotFound()
    await tx.session.delete(alias)
    await tx.session.flush()
    await emit(tx, ProfileUpdated(actor=actor, account_id=actor.account_id, changed="aliases"))
