"""Who may fetch a hidden group's ActivityPub documents: its members' servers alone.

A hidden group is unknown to everyone but its members (``accounts.queries.hidden_group``):
no WebFinger, and its actor document and collections are a 404. Its ``Announce``s to its
remote members are signed with the group's key, so their servers must read that key: a GET
carrying a valid HTTP signature (an actor's or an instance actor's) from a domain where the
group has a member or an invitee (a remote account of that domain following the group, or
with an ``active`` or ``invited`` row in ``group_memberships``) is served the documents.
Anyone else, unsigned, badly signed or from another domain, gets the same 404 as for a name
that does not exist. The claimed domain (the ``keyId``'s) is checked before the key is
fetched, so a server with no member sees no fetch of its key either.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, Follow
from porina.core.clock import now
from porina.federation import domains, fetch_auth
from porina.federation.signatures import SignatureError
from porina.federation.verify import key_owner, present
from porina.groups.models import Group, GroupMembership
from porina.http.client import OutboundClient
from porina.storage.db import Database

KNOWING = ("active", "invited")
"""Membership states whose server may read the group's documents (not ``banned``)."""


async def has_member_on(session: AsyncSession, group_account_id: int, domain: str) -> bool:
    """Whether the group (by its account's id) has a follower, member or invitee on
    ``domain``."""
    follower = (
        select(Follow.id)
        .join(Account, Account.id == Follow.account_id)
        .where(Follow.target_account_id == group_account_id, Account.domain == domain)
    )
    member = (
        select(GroupMembership.account_id)
        .join(Group, Group.id == GroupMembership.group_id)
        .join(Account, Account.id == GroupMembership.account_id)
        .where(
            Group.account_id == group_account_id,
            GroupMembership.state.in_(KNOWING),
            Account.domain == domain,
        )
    )
    return bool(await session.scalar(select(exists(follower) | exists(member))))


def _claimed_domain(db: Database, target: str, headers: Mapping[str, str]) -> str:
    """The domain of the ``keyId`` a well-formed signature names; "" for none."""
    if "signature" not in headers and "signature-input" not in headers:
        return ""
    base = db.context.settings.base_url.rstrip("/")
    try:
        presented = present("GET", target, headers, b"", base=base, now=now())
        return domains.domain_of(key_owner(presented.key_id))
    except (SignatureError, ValueError):
        return ""


async def may_fetch(
    db: Database,
    client: OutboundClient,
    group: Account,
    *,
    target: str,
    headers: Mapping[str, str],
    signer: Account | None,
) -> bool:
    """Whether this GET (``headers`` lower-cased) may read the hidden ``group``'s documents:
    signed by an actor of a domain where the group has a member. ``signer`` is the one
    already verified (authorized-fetch mode), else the signature is verified here."""
    claimed = signer.domain if signer is not None else _claimed_domain(db, target, headers)
    if not claimed:
        return False
    async with db.read() as session:
        if not await has_member_on(session, group.id, claimed):
            return False
    if signer is None:
        try:
            signer = await fetch_auth.fetcher(db, client, target=target, headers=headers)
        except SignatureError:
            return False
    return signer is not None and signer.domain == claimed
