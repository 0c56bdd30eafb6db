"""Lists: a person's hand-picked groups of followed accounts (the only writers)."""

from __future__ import annotations

from sqlalchemy import delete, select

from porina.accounts.models import Account, Follow
from porina.core.clock import now
from porina.core.errors import NotFound, Unprocessable
from porina.core.ids import new_id
from porina.lists.models import List, ListAccount
from porina.lists.queries import own_list
from porina.storage.db import Tx

REPLIES_POLICIES = ("followed", "list", "none")
MAX_TITLE = 255


def _title(title: str | None) -> str:
    cleaned = (title or "").strip()
    if not cleaned:
        raise Unprocessable("Validation failed: Title can't be blank")
    if len(cleaned) > MAX_TITLE:
        raise Unprocessable(f"Validation failed: Title is too long (maximum is {MAX_TITLE})")
    return cleaned


def _policy(policy: str) -> str:
    if policy not in REPLIES_POLICIES:
        raise Unprocessable("Validation failed: Replies policy is not included in the list")
    return policy


async def create(
    tx: Tx,
    account_id: int,
    title: str | None,
    replies_policy: str = "list",
    exclusive: bool = False,
) -> List:
    row = List(
        id=new_id(),
        account_id=account_id,
        title=_title(title),
        replies_policy=_policy(replies_policy),
        exclusive=exclusive,
        created_at=now(),
    )
    tx.session.add(row)
    await tx.session.flush()
    return row


async def _owned(tx: Tx, account_id: int, list_id: int) -> List:
    row = await own_list(tx.session, account_id, list_id)
    if row is None:
        raise NotFound()
    return row


async def update(
    tx: Tx,
    account_id: int,
    list_id: int,
    *,
    title: str | None = None,
    replies_policy: str | None = None,
    exclusive: bool | None = None,
) -> List:
    row = await _owned(tx, account_id, list_id)
    if title is not None:
        row.title = _title(title)
    if replies_policy is not None:
        row.replies_policy = _policy(replies_policy)
    if exclusive is not None:
        row.exclusive = exclusive
    await tx.session.flush()
    return row


async def remove(tx: Tx, account_id: int, list_id: int) -> None:
    row = await _owned(tx, account_id, list_id)
    await tx.session.delete(row)


async def add_accounts(tx: Tx, account_id: int, list_id: int, member_ids: list[int]) -> None:
    """Add accounts; each must exist (404) and be followed by the list's owner (422)."""
    await _owned(tx, account_id, list_id)
    wanted = list(dict.fromkeys(member_ids))
    if not wanted:
        raise Unprocessable("Validation failed: account_ids must not be empty")
    known = set(await tx.session.scalars(select(Account.id).where(Account.id.in_(wanted))))
    if len(known) != len(wanted):
        raise NotFound()
    followed = set(
        await tx.session.scalars(
            select(Follow.target_account_id).where(
                Follow.account_id == account_id, Follow.target_account_id.in_(wanted)
            )
        )
    )
    if followed != known:
        raise Unprocessable("Validation failed: Account has not been followed")
    present = set(
        await tx.session.scalars(
            select(ListAccount.account_id).where(
                ListAccount.list_id == list_id, ListAccount.account_id.in_(wanted)
            )
        )
    )
    for member in wanted:
        if member not in present:
            tx.session.add(ListAccount(list_id=list_id, account_id=member))
    await tx.session.flush()


async def remove_accounts(tx: Tx, account_id: int, list_id: int, member_ids: list[int]) -> None:
    await _owned(tx, account_id, list_id)
    if member_ids:
        await tx.session.execute(
            delete(ListAccount).where(
                ListAccount.list_id == list_id, ListAccount.account_id.in_(member_ids)
            )
        )
