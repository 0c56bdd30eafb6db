"""A local account's aliases: the accounts elsewhere it is also known as (Mastodon's
``AccountAlias``), published as ``alsoKnownAs`` on its actor document. Adding one is the
first half of moving an account here: the old server sends its ``Move`` only to a target
that lists the old account, and ``moves.move`` checks the same on this side.

The alias is the account as fetched (its actor id is what ``alsoKnownAs`` lists), or
another local account (named ``name``, ``name@`` this server, or its actor URL: a move from
one local account to another, ``federation/moving.py``); the caller resolves it before
``add`` writes. At most ``MAX_ALIASES``; adding one twice keeps the first; never itself.
A change is a ``ProfileUpdated`` (``changed="aliases"``): followers' servers get the actor's
``Update``, as Mastodon sends.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import queries as account_queries
from porina.accounts.models import Account
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import NotFound, Unprocessable
from porina.core.events import ProfileUpdated
from porina.core.ids import new_id
from porina.federation import documents as doc
from porina.federation.alias_models import AccountAlias
from porina.federation.remote import resolve_actor, resolve_handle
from porina.http.client import OutboundClient
from porina.jobs.events import emit
from porina.storage.db import Database, Tx

MAX_ALIASES = 10
NOT_FOUND = "the account could not be found"
ITSELF = "an alias must be another account"


def _local_name(acct: str, local: Collection[str], base: str) -> str | None:
    """The local username ``acct`` names (``name``, ``name@`` a ``local`` domain, or an actor
    URL under ``base``), None when it names another server's account."""
    if base and acct.startswith(f"{base}/users/"):
        return acct.removeprefix(f"{base}/users/")
    if acct.startswith(("https://", "http://")):
        return None
    name, _, host = acct.lstrip("@").partition("@")
    return name if not host or host.lower() in local else None


async def find(
    db: Database,
    client: OutboundClient,
    acct: str,
    *,
    local: Collection[str] = frozenset(),
    base: str = "",
) -> Account:
    """The account ``acct`` names (``user@host``, or an actor URL), fetched when unknown, or
    the local account it names (see ``_local_name``); 422 when it names nothing (before any
    write)."""
    acct = acct.strip()
    if not acct:
        raise Unprocessable("Validation failed: acct can't be blank")
    name = _local_name(acct, local, base)
    if name is not None:
        async with db.read() as session:
            here = await account_queries.local(session, name) if name else None
        if here is None:
            raise Unprocessable(f"Validation failed: {NOT_FOUND}")
        return here
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


def actor_id(account: Account, base: str) -> str:
    """``account``'s actor id: its ``uri``, or for a local account its URL under ``base``."""
    return doc.actor_url(base, account.username) if account.domain is None else str(account.uri)


def handle(account: Account) -> str:
    """``name`` for a local account, ``name@host`` for another server's."""
    return f"{account.username}@{account.domain}" if account.domain else account.username


async def moved_to(session: AsyncSession, account: Account, base: str) -> str | None:
    """The actor id of the account ``account`` moved to (its actor document's ``movedTo``)."""
    if account.moved_to_account_id is None:
        return None
    target = await session.get(Account, account.moved_to_account_id)
    if target is None or (target.domain is not None and not target.uri):
        return None
    return actor_id(target, base)


async def add(tx: Tx, actor: Actor, target: Account, *, base: str) -> AccountAlias:
    """``actor``'s account is also known as the account ``target`` (here or elsewhere)."""
    if target.id == actor.account_id or (target.domain is not None and not target.uri):
        raise Unprocessable(f"Validation failed: {ITSELF}")
    uri = actor_id(target, base)
    found = await tx.session.scalar(
        select(AccountAlias).where(
            AccountAlias.account_id == actor.account_id, AccountAlias.uri == uri
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
        uri=uri,
        acct=handle(target),
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
