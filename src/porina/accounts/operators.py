"""Team-operated accounts: a brand account run by several staff users, each with a role.

A staff member gets a token that acts *as* the brand account (``oauth_tokens.account_id``)
while ``user_id`` stays the staff member, so every action's event records who did it
(``operator_user_id``). Roles (issue 16; migration 0019 renamed the old ones):

- owner: everything the account can do, and managing its team, owners included (the
  account's own login is always an owner, and the last owner stays);
- manager (was admin, editor): everything except appointing, demoting or removing owners;
- agent (was responder): replies and direct messages as the brand, favourites, bookmarks,
  desk work; no top-level posts, boosts, deletions or edits of posts others wrote, or
  profile changes;
- analyst: reads the desk's metrics only; no conversation content.

The API still accepts the old names (``ALIASES``: admin and editor mean manager, responder
means agent) and answers with the new ones. ``role_of`` is the stable question other domains
(the desk) ask. The token's scopes (``ROLE_SCOPES``) are the first fence; the actions check
the role again (``check_post``, ``check_edit``, ``refuse_limited``), so a limit holds
whatever the token says. Removing an operator, or changing their role, revokes their tokens
for the account in the same transaction (and every serving process forgets them after
commit); it also ends their web sessions' acting as the account (``web.sessions`` checks the
role on every request).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import BigInteger, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from porina.accounts.actions import issue_token
from porina.accounts.errors import (
    AccountNotFound,
    LastOwner,
    NotTeamManager,
    OperatorNotFound,
    RoleLimit,
)
from porina.accounts.models import Account, AccountOperator, OAuthToken, User, WebSession
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import Forbidden, Unprocessable
from porina.core.events import OperatorAdded, OperatorRemoved
from porina.jobs.events import emit
from porina.storage import invalidation
from porina.storage.db import Tx
from porina.storage.fastread import Prebuilt

Role = Literal["owner", "manager", "agent", "analyst"]
ROLES: tuple[Role, ...] = ("owner", "manager", "agent", "analyst")
ALIASES: dict[str, Role] = {"admin": "manager", "editor": "manager", "responder": "agent"}
ROLE_SCOPES: dict[str, str] = {
    "owner": "read write follow push",
    "manager": "read write follow push",
    "agent": "read write:statuses write:favourites write:bookmarks write:conversations "
    "write:notifications write:media",
    "analyst": "read:accounts",
}
MANAGERS = {"owner", "manager"}
NOT_MANAGER = "Only the account's owners and managers can manage its team"
AGENT_POSTS = (
    "An agent can only post replies and direct messages as this account "
    "(set in_reply_to_id, or visibility direct)"
)
ANALYST = "An analyst can only read the metrics of this account"
LOGIN_STAYS = (
    "Validation failed: the account's own login is always an owner; "
    "it cannot be removed or given another role"
)


@dataclass(frozen=True, slots=True)
class Member:
    """One person of an account's team. ``login`` marks the account's own sign-in (always an
    owner, never removed); ``account_id``/``username`` are the person's own account."""

    user_id: int
    account_id: int
    username: str
    role: str
    created_at: datetime
    added_by_user_id: int | None
    added_by: str | None
    login: bool = False


async def _login_user(session: AsyncSession, account_id: int) -> int | None:
    return await session.scalar(select(User.id).where(User.account_id == account_id))


def role_named(name: str | None) -> Role | None:
    """The role ``name`` means: a current name, or an old one (``ALIASES``); None if neither."""
    if name is None:
        return None
    for role in ROLES:
        if role == name:
            return role
    return ALIASES.get(name)


async def role_of(session: AsyncSession, account_id: int, user_id: int) -> Role | None:
    """The role ``user_id`` holds on ``account_id`` (``owner``, ``manager``, ``agent``,
    ``analyst``), or None if they are not on its team; an account's own user is its owner.
    A stable question for other domains (the desk)."""
    if await _login_user(session, account_id) == user_id:
        return "owner"
    stored = await session.scalar(
        select(AccountOperator.role).where(
            AccountOperator.account_id == account_id, AccountOperator.user_id == user_id
        )
    )
    return role_named(stored)


async def require_manager(session: AsyncSession, account_id: int, user_id: int) -> str:
    """``user_id``'s role on ``account_id`` if it manages the team. Someone outside the team
    learns nothing (404, as for an account that does not exist); a member who does not
    manage it gets a 403."""
    role = await role_of(session, account_id, user_id)
    if role is None:
        raise AccountNotFound()
    if role not in MANAGERS:
        raise NotTeamManager(NOT_MANAGER)
    return role


async def _owners(tx: Tx, account_id: int) -> int:
    """How many owners ``account_id`` has, its own login included (rows locked)."""
    rows = await tx.session.scalars(
        select(AccountOperator.user_id)
        .where(AccountOperator.account_id == account_id, AccountOperator.role == "owner")
        .with_for_update()
    )
    login = await _login_user(tx.session, account_id)
    return len(list(rows)) + (1 if login is not None else 0)


async def _revoke_tokens(tx: Tx, account_id: int, user_id: int) -> int:
    """Revoke every token ``user_id`` holds acting as ``account_id``; announced after commit
    so each process's token cache (and the streams it feeds) forgets them."""
    tokens = list(
        await tx.session.scalars(
            select(OAuthToken).where(
                OAuthToken.account_id == account_id,
                OAuthToken.user_id == user_id,
                OAuthToken.revoked_at.is_(None),
            )
        )
    )
    moment = now()
    for token in tokens:
        token.revoked_at = moment
        invalidation.after_commit(tx, invalidation.token_revoked(token.token_hash))
    return len(tokens)


def _by(account_id: int, by_user_id: int | None) -> Actor | None:
    return Actor(account_id, by_user_id) if by_user_id is not None else None


async def _check_add(
    tx: Tx, account_id: int, user_id: int, role: str, by_user_id: int | None
) -> str | None:
    """Validate an appointment; returns the manager's role (None: the CLI)."""
    if role_named(role) is None:
        raise Unprocessable(f"Validation failed: role must be one of {', '.join(ROLES)}")
    if await tx.session.get(Account, account_id) is None:
        raise AccountNotFound()
    by_role = None
    if by_user_id is not None:
        by_role = await require_manager(tx.session, account_id, by_user_id)
    if await tx.session.get(User, user_id) is None:
        raise Unprocessable("Validation failed: no such user")
    if await _login_user(tx.session, account_id) == user_id:
        raise LastOwner(LOGIN_STAYS)
    return by_role


async def add_operator(
    tx: Tx, account_id: int, user_id: int, role: Role, *, by_user_id: int | None
) -> AccountOperator:
    """Give ``user_id`` a role on ``account_id``, or change it. ``by_user_id`` must manage
    the account (None: the instance operator, from the CLI); only owners appoint or demote
    owners, and the last owner stays one. A changed role revokes the person's tokens for the
    account (they carry the old role's scopes)."""
    by_role = await _check_add(tx, account_id, user_id, role, by_user_id)
    role = role_named(role) or role  # an old name (``ALIASES``) means the role it became
    existing = await tx.session.get(AccountOperator, (account_id, user_id))
    previous = existing.role if existing is not None else None
    if by_role == "manager" and "owner" in (role, previous):
        raise NotTeamManager("Only the account's owners can appoint or demote an owner")
    if previous == role and existing is not None:
        return existing
    if previous == "owner" and await _owners(tx, account_id) <= 1:
        raise LastOwner("Validation failed: the last owner cannot stop being an owner")
    if existing is not None:
        existing.role = role
        await _revoke_tokens(tx, account_id, user_id)
        row = existing
    else:
        row = AccountOperator(
            account_id=account_id,
            user_id=user_id,
            role=role,
            created_at=now(),
            added_by_user_id=by_user_id,
        )
        tx.session.add(row)
    await tx.session.flush()
    added = OperatorAdded(
        actor=_by(account_id, by_user_id),
        account_id=account_id,
        user_id=user_id,
        role=role,
        previous_role=previous,
    )
    await emit(tx, added)
    return row


async def remove_operator(tx: Tx, account_id: int, user_id: int, *, by_user_id: int | None) -> int:
    """Take the role away and revoke, in this transaction, every token that acted as the
    account for that user; returns how many. The account's own login and the last owner
    cannot be removed (422); only owners remove owners."""
    by_role = None
    if by_user_id is not None:
        by_role = await require_manager(tx.session, account_id, by_user_id)
    if await _login_user(tx.session, account_id) == user_id:
        raise LastOwner(LOGIN_STAYS)
    row = await tx.session.get(AccountOperator, (account_id, user_id))
    if row is None:
        raise OperatorNotFound()
    if row.role == "owner":
        if by_role == "manager":
            raise NotTeamManager("Only the account's owners can remove an owner")
        if await _owners(tx, account_id) <= 1:
            raise LastOwner("Validation failed: the last owner cannot be removed")
    role = row.role
    await tx.session.delete(row)
    revoked = await _revoke_tokens(tx, account_id, user_id)
    await tx.session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.acting_account_id == account_id)
        .values(acting_account_id=None)
    )
    await tx.session.flush()
    removed = OperatorRemoved(
        actor=_by(account_id, by_user_id),
        account_id=account_id,
        user_id=user_id,
        role=role,
        tokens_revoked=revoked,
    )
    await emit(tx, removed)
    return revoked


async def operator_token(tx: Tx, account_id: int, user_id: int) -> str:
    """A token for ``user_id`` acting as ``account_id``, with the scopes their role allows."""
    role = await role_of(tx.session, account_id, user_id)
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


_ADDER = aliased(User, name="adder")
_ADDER_ACCOUNT = aliased(Account, name="adder_account")


async def team(session: AsyncSession, account_id: int) -> list[Member]:
    """Everyone who operates ``account_id``: its own login first, then the operators in
    the order they were added."""
    members: list[Member] = []
    login = (
        await session.execute(
            select(User, Account)
            .join(Account, Account.id == User.account_id)
            .where(User.account_id == account_id)
        )
    ).first()
    if login is not None:
        user, account = login
        members.append(
            Member(
                user.id, account.id, account.username, "owner", user.created_at, None, None, True
            )
        )
    rows = await session.execute(
        select(AccountOperator, User.account_id, Account.username, _ADDER_ACCOUNT.username)
        .join(User, User.id == AccountOperator.user_id)
        .join(Account, Account.id == User.account_id)
        .outerjoin(_ADDER, _ADDER.id == AccountOperator.added_by_user_id)
        .outerjoin(_ADDER_ACCOUNT, _ADDER_ACCOUNT.id == _ADDER.account_id)
        .where(AccountOperator.account_id == account_id)
        .order_by(AccountOperator.created_at, AccountOperator.user_id)
    )
    for op, own_account_id, username, adder in rows:
        members.append(
            Member(
                op.user_id,
                own_account_id,
                username,
                role_named(op.role) or op.role,
                op.created_at,
                op.added_by_user_id,
                adder,
            )
        )
    return members


# --- what a role allows ----------------------------------------------------------------------


async def acting_role(tx: Tx, actor: Actor) -> Role | None:
    """The role of the person operating ``actor.account_id`` for someone else's account;
    None when they act as their own account (or no person is named)."""
    if actor.user_id is None:
        return None
    params = {"porina_account": actor.account_id, "porina_user": actor.user_id}
    row = (await tx.run(_role_statement(), params)).first()
    return None if row is None else role_named(str(row[0]))


@functools.cache
def _role_statement() -> Prebuilt:
    """Built and compiled once: every post and boost asks it."""
    return Prebuilt(
        select(AccountOperator.role).where(
            AccountOperator.account_id == bindparam("porina_account", type_=BigInteger),
            AccountOperator.user_id == bindparam("porina_user", type_=BigInteger),
        )
    )


async def check_post(tx: Tx, actor: Actor, *, reply: bool, visibility: str) -> None:
    """An agent posts replies and direct messages only; an analyst nothing."""
    refuse_post(await acting_role(tx, actor), reply=reply, visibility=visibility)


def refuse_post(role: Role | None, *, reply: bool, visibility: str) -> None:
    """``check_post`` for a role already read (``posts.compose`` reads it with the author's
    settings in one statement)."""
    if role == "agent" and not reply and visibility != "direct":
        raise RoleLimit(AGENT_POSTS)
    if role == "analyst":
        raise RoleLimit(ANALYST)


async def check_edit(tx: Tx, actor: Actor, created_by_user_id: int | None) -> None:
    """An agent edits only what they wrote themselves as the account."""
    role = await acting_role(tx, actor)
    if role == "agent" and created_by_user_id != actor.user_id:
        raise RoleLimit("An agent can only edit posts they wrote themselves as this account")
    if role == "analyst":
        raise RoleLimit(ANALYST)


async def refuse_limited(tx: Tx, actor: Actor, what: str) -> None:
    """Refuse ``what`` (``"delete posts"``, ``"boost posts"``) to an agent or analyst."""
    refuse_role(await acting_role(tx, actor), what)


def refuse_role(role: Role | None, what: str) -> None:
    """``refuse_limited`` for a role already read (a boost reads it with its other facts)."""
    if role in ("agent", "analyst"):
        raise RoleLimit(f"An {role} cannot {what} as this account")


async def operated_by(session: AsyncSession, user_id: int) -> list[tuple[Account, Role]]:
    """The accounts ``user_id`` operates besides their own, with their role, by username."""
    rows = await session.execute(
        select(Account, AccountOperator.role)
        .join(AccountOperator, AccountOperator.account_id == Account.id)
        .where(AccountOperator.user_id == user_id)
        .order_by(Account.username)
    )
    return [(account, role_named(role) or "analyst") for account, role in rows]
