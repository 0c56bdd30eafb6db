"""Team-operated accounts: a brand account run by several staff users, each with a role.

A staff member gets a token that acts *as* the brand account (``oauth_tokens.account_id``)
while ``user_id`` stays the staff member, so every action's analytics event records who did
it (``operator_user_id``). Roles bound what the token may do:

- owner, admin: everything the account can do, and managing operators;
- editor: post, reply, interact;
- responder: reply and interact (the desk), no profile changes;
- analyst: read only.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import delete, select

from porina.accounts.actions import issue_token
from porina.accounts.errors import AccountNotFound
from porina.accounts.models import Account, AccountOperator, OAuthToken, User
from porina.core.clock import now
from porina.core.errors import Forbidden, Unprocessable
from porina.storage import invalidation
from porina.storage.db import Tx

Role = Literal["owner", "admin", "editor", "responder", "analyst"]
ROLES: tuple[Role, ...] = ("owner", "admin", "editor", "responder", "analyst")
ROLE_SCOPES: dict[str, str] = {
    "owner": "read write follow push",
    "admin": "read write follow push",
    "editor": "read write follow push",
    "responder": "read write:statuses write:favourites write:bookmarks write:conversations "
    "write:notifications write:media",
    "analyst": "read",
}
MANAGERS = {"owner", "admin"}


async def role_of(tx: Tx, account_id: int, user_id: int) -> str | None:
    """The role ``user_id`` holds on ``account_id``; an account's own user is its owner."""
    own = await tx.session.scalar(select(User.id).where(User.account_id == account_id))
    if own == user_id:
        return "owner"
    return await tx.session.scalar(
        select(AccountOperator.role).where(
            AccountOperator.account_id == account_id, AccountOperator.user_id == user_id
        )
    )


async def add_operator(
    tx: Tx, account_id: int, user_id: int, role: Role, *, by_user_id: int | None
) -> AccountOperator:
    """Give ``user_id`` a role on ``account_id``. ``by_user_id`` must manage the account
    (None: the instance operator, from the CLI)."""
    if role not in ROLES:
        raise Unprocessable(f"Validation failed: role must be one of {', '.join(ROLES)}")
    if await tx.session.get(Account, account_id) is None:
        raise AccountNotFound()
    if await tx.session.get(User, user_id) is None:
        raise Unprocessable("Validation failed: no such user")
    if by_user_id is not None and await role_of(tx, account_id, by_user_id) not in MANAGERS:
        raise Forbidden("Only the account's owners and admins can manage its team")
    existing = await tx.session.get(AccountOperator, (account_id, user_id))
    if existing is not None:
        existing.role = role
        return existing
    row = AccountOperator(
        account_id=account_id,
        user_id=user_id,
        role=role,
        created_at=now(),
        added_by_user_id=by_user_id,
    )
    tx.session.add(row)
    return row


async def remove_operator(tx: Tx, account_id: int, user_id: int, *, by_user_id: int | None) -> None:
    """Take the role away and revoke the tokens that acted as the account for that user."""
    if by_user_id is not None and await role_of(tx, account_id, by_user_id) not in MANAGERS:
        raise Forbidden("Only the account's owners and admins can manage its team")
    await tx.session.execute(
        delete(AccountOperator).where(
            AccountOperator.account_id == account_id, AccountOperator.user_id == user_id
        )
    )
    tokens = await tx.session.scalars(
        select(OAuthToken).where(
            OAuthToken.account_id == account_id,
            OAuthToken.user_id == user_id,
            OAuthToken.revoked_at.is_(None),
        )
    )
    for token in tokens:
        token.revoked_at = now()
        invalidation.after_commit(tx, invalidation.token_revoked(token.token_hash))


async def operator_token(tx: Tx, account_id: int, user_id: int) -> str:
    """A token for ``user_id`` acting as ``account_id``, with the scopes their role allows."""
    role = await role_of(tx, account_id, user_id)
    if role is None:
        raise Forbidden("This user does not operate that account")
    user = await tx.session.get(User, user_id)
    plain, _ = await issue_token(
        tx, user=user, app_id=None, scopes=ROLE_SCOPES[role], account_id=account_id
    )
    return plain


async def operators(tx: Tx, account_id: int) -> list[tuple[AccountOperator, User]]:
    rows = await tx.session.execute(
        select(AccountOperator, User)
        .join(User, User.id == AccountOperator.user_id)
        .where(AccountOperator.account_id == account_id)
        .order_by(AccountOperator.created_at)
    )
    return [(op, user) for op, user in rows]
