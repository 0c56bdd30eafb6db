"""Accounts as moderators see them: the filtered list of the admin API (Mastodon's
``AccountFilter``), and approving or rejecting a sign-up waiting for approval.

Porina keeps no sign-in addresses, so an ``ip`` filter finds no one (as Mastodon's finds no
one for an address nobody used).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, exists, false, select

from porina.accounts.models import Account, User
from porina.core.errors import BadRequest, Forbidden, NotFound
from porina.storage.db import Tx

STATUSES = ("active", "pending", "disabled", "silenced", "suspended", "sensitized")
ORIGINS = ("local", "remote")
STAFF_ROLES = ("admin", "moderator")
ROLE_IDS = {"1": "moderator", "2": "admin"}
"""The role ids the admin API shows (``api.mastodon.admin.ROLES``)."""


@dataclass(frozen=True, slots=True)
class AccountQuery:
    """Mastodon's ``AccountFilter`` keys; None (or empty) filters nothing."""

    origin: str | None = None
    status: str | None = None
    role_ids: tuple[str, ...] = ()
    username: str | None = None
    display_name: str | None = None
    by_domain: str | None = None
    email: str | None = None
    ip: str | None = None


def _prefix(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


def _user(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(User.account_id == Account.id, *conditions)


def _status(value: str) -> ColumnElement[bool]:
    if value == "active":
        return Account.suspended_at.is_(None)
    if value == "pending":
        return _user(User.approved.is_(False))
    if value == "disabled":
        return and_(_user(User.disabled.is_(True)), Account.suspended_at.is_(None))
    if value == "silenced":
        return Account.silenced_at.is_not(None)
    if value == "suspended":
        return Account.suspended_at.is_not(None)
    if value == "sensitized":
        return Account.sensitized_at.is_not(None)
    raise BadRequest(f"Unknown status: {value}")


def accounts_select(wanted: AccountQuery) -> Select[Any]:
    """The accounts matching every given filter (text filters match a prefix, ignoring case)."""
    query = select(Account)
    if wanted.origin is not None:
        if wanted.origin not in ORIGINS:
            raise BadRequest(f"Unknown origin: {wanted.origin}")
        local = wanted.origin == "local"
        query = query.where(Account.domain.is_(None) if local else Account.domain.is_not(None))
    if wanted.status is not None:
        query = query.where(_status(wanted.status))
    if wanted.role_ids:
        roles = sorted({ROLE_IDS[r] for r in wanted.role_ids if r in ROLE_IDS})
        query = query.where(_user(User.role.in_(roles)) if roles else false())
    if wanted.username:
        query = query.where(Account.username.ilike(_prefix(wanted.username), escape="\\"))
    if wanted.display_name:
        query = query.where(Account.display_name.ilike(_prefix(wanted.display_name), escape="\\"))
    if wanted.by_domain:
        query = query.where(Account.domain == wanted.by_domain.strip().lower())
    if wanted.email:
        query = query.where(_user(User.email.ilike(_prefix(wanted.email), escape="\\")))
    if wanted.ip:
        query = query.where(false())  # no sign-in addresses are kept
    return query


async def _pending_user(tx: Tx, account_id: int) -> User:
    """The local user of ``account_id``, which must still wait for approval (403 otherwise,
    as Mastodon's policy: a remote account, or one approved already)."""
    if await tx.session.get(Account, account_id) is None:
        raise NotFound()
    user: User | None = await tx.session.scalar(select(User).where(User.account_id == account_id))
    if user is None or user.approved:
        raise Forbidden("This action is not allowed")
    return user


async def approve(tx: Tx, account_id: int) -> User:
    """Let a sign-up waiting for approval sign in."""
    user = await _pending_user(tx, account_id)
    user.approved = True
    await tx.session.flush()
    return user


async def reject(tx: Tx, account_id: int) -> None:
    """Refuse a sign-up waiting for approval: the account and its user are deleted (it could
    not sign in, so it holds nothing else), and the username and e-mail are free again."""
    await _pending_user(tx, account_id)
    await tx.session.execute(delete(Account).where(Account.id == account_id))
