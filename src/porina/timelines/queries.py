"""Read-only questions the timelines ask: who receives a status, what a timeline holds.

Recipients are computed in SQL, one query per status however many followers the author has.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    exists,
    literal,
    or_,
    select,
    union,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from porina.accounts.models import Account, Block, Follow, Mute
from porina.core.clock import now
from porina.interactions.models import FollowedTag
from porina.lists.models import ListAccount
from porina.posts.models import Mention, Status, StatusTag
from porina.posts.queries import R, S
from porina.posts.visibility import visible_clause

if TYPE_CHECKING:
    from porina.settings import Settings

F2 = aliased(Follow, name="f2")


def silencing(author_id: Any) -> CompoundSelect[Any]:
    """Accounts that block or mute ``author_id`` (unexpired mutes), or that the author blocks:
    those whose feeds never take the author's statuses. Used as ``NOT IN``: the database
    builds the (small) set once, instead of three lookups per recipient of a fan-out."""
    return union(
        select(Block.account_id).where(Block.target_account_id == author_id),
        select(Block.target_account_id).where(Block.account_id == author_id),
        select(Mute.account_id).where(
            Mute.target_account_id == author_id,
            or_(Mute.expires_at.is_(None), Mute.expires_at > now()),
        ),
    )


def _followers(status: Status, target: Status | None) -> Select[Any]:
    query = select(Follow.account_id.label("id")).where(
        Follow.target_account_id == status.account_id
    )
    if target is not None:
        query = query.where(Follow.show_reblogs.is_(True))
    reply_to = status.in_reply_to_account_id
    if target is None and reply_to is not None and reply_to != status.account_id:
        query = query.where(
            exists().where(F2.account_id == Follow.account_id, F2.target_account_id == reply_to)
        )
    return query


def _group_members(group_id: int) -> Select[Any]:
    """The members of a group: the followers of its account (``groups``)."""
    return select(Follow.account_id.label("id")).where(Follow.target_account_id == group_id)


def _mentioned(status: Status) -> Select[Any]:
    return select(Mention.account_id.label("id")).where(Mention.status_id == status.id)


def _tag_followers(status: Status) -> Select[Any]:
    return (
        select(FollowedTag.account_id.label("id"))
        .join(StatusTag, StatusTag.tag_id == FollowedTag.tag_id)
        .where(StatusTag.status_id == status.id)
    )


def active_since(settings: Settings) -> datetime | None:
    """Followers last seen before this moment get no fan-out (``timelines/activity.py``);
    None: every follower does."""
    if settings.feed_active_days <= 0:
        return None
    return now() - timedelta(days=settings.feed_active_days)


def recipients_select(
    status: Status, target: Status | None, *, active_since: datetime | None = None
) -> Select[Any]:
    """Local accounts whose home feed takes ``status`` (``target``: the reblogged status).
    With ``active_since``, followers last seen before it are left out (their feeds are
    rebuilt when they return, ``timelines/activity.py``); the author and mentioned accounts
    never are."""
    parts: list[Select[Any]] = [select(literal(status.account_id).label("id"))]
    if status.visibility == "private" and status.group_id is not None:
        parts.append(_group_members(status.group_id))  # a private group's post: members only
    elif status.visibility == "direct":
        parts.append(_mentioned(status))
    else:
        parts.append(_followers(status, target))
        if status.visibility == "private":
            parts.append(_mentioned(status))
        if status.visibility == "public" and target is None:
            parts.append(_tag_followers(status))
    candidates = union(*parts).subquery()
    query = (
        select(Account.id)
        .where(Account.id.in_(select(candidates.c.id)))
        .where(Account.domain.is_(None), Account.suspended_at.is_(None))
    )
    author = status.account_id
    query = query.where(or_(Account.id == author, Account.id.not_in(silencing(author))))
    if target is not None and target.account_id != author:
        query = query.where(
            or_(Account.id == target.account_id, Account.id.not_in(silencing(target.account_id)))
        )
    if active_since is not None:
        seen = or_(Account.last_active_at.is_(None), Account.last_active_at >= active_since)
        kept = [Account.id == author, seen]
        if status.visibility in {"private", "direct"}:
            kept.append(Account.id.in_(_mentioned(status)))
        query = query.where(or_(*kept))
    return query


async def recipients(session: AsyncSession, status: Status, target: Status | None) -> list[int]:
    return list(await session.scalars(recipients_select(status, target)))


async def recipients_in_chunks(
    session: AsyncSession,
    status: Status,
    target: Status | None,
    size: int,
    *,
    active_since: datetime | None = None,
) -> AsyncIterator[list[int]]:
    """``recipients`` read through a cursor, ``size`` at a time: a fan-out starts delivering
    to the first followers while the database still reads the rest."""
    chosen = recipients_select(status, target, active_since=active_since)
    result = await session.stream_scalars(chosen)
    async for chunk in result.partitions(size):
        yield list(chunk)


async def lists_with(session: AsyncSession, author_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(ListAccount.list_id).where(ListAccount.account_id == author_id)
        )
    )


def hidden_by(viewer_id: Any, moment: Any) -> CompoundSelect[Any]:
    """Accounts ``viewer_id`` mutes (mutes that have not expired at ``moment``) or blocks."""
    return union(
        select(Mute.target_account_id).where(
            Mute.account_id == viewer_id,
            or_(Mute.expires_at.is_(None), Mute.expires_at > moment),
        ),
        select(Block.target_account_id).where(Block.account_id == viewer_id),
    )


def not_muted(viewer_id: Any, moment: Any = None) -> ColumnElement[bool]:
    """SQL on ``S``/``R`` (posts.queries aliases): neither author is muted or blocked by
    ``viewer_id`` (read-time filter for home, public and tag timelines). ``viewer_id`` and
    ``moment`` (default: now) may be bound parameters, for prebuilt statements. The muted
    set is an ``IN`` subquery, evaluated once per statement rather than once per row."""
    when = now() if moment is None else moment
    own = S.account_id == viewer_id
    return and_(
        or_(own, S.account_id.not_in(hidden_by(viewer_id, when))),
        or_(
            S.reblog_of_id.is_(None),
            R.account_id == viewer_id,
            R.account_id.not_in(hidden_by(viewer_id, when)),
        ),
    )


def rebuild_select(account_id: int, limit: int) -> Select[int, int | None, int]:
    """Recent statuses for a rebuilt home feed: own and followed accounts' (visible ones)."""
    followed = select(Follow.target_account_id).where(Follow.account_id == account_id)
    show_reblogs = exists().where(
        Follow.account_id == account_id,
        Follow.target_account_id == Status.account_id,
        Follow.show_reblogs.is_(True),
    )
    reply_ok = or_(
        Status.in_reply_to_account_id.is_(None),
        Status.in_reply_to_account_id == Status.account_id,
        Status.in_reply_to_account_id == account_id,
        Status.in_reply_to_account_id.in_(followed),
    )
    own = Status.account_id == account_id
    return (
        select(Status.id, Status.reblog_of_id, Status.account_id)
        .where(or_(own, Status.account_id.in_(followed)))
        .where(visible_clause(Status, account_id))
        .where(or_(own, Status.account_id.not_in(hidden_by(account_id, now()))))
        .where(or_(Status.reblog_of_id.is_(None), own, show_reblogs))
        .where(reply_ok)
        .order_by(Status.id.desc())
        .limit(limit)
    )


def by_author_select(follower_id: int, author_id: int, limit: int) -> Select[int, int | None, int]:
    """An author's recent statuses that ``follower_id`` may see (merged in on follow)."""
    return (
        select(Status.id, Status.reblog_of_id, Status.account_id)
        .where(Status.account_id == author_id, Status.visibility != "direct")
        .where(visible_clause(Status, follower_id))
        .order_by(Status.id.desc())
        .limit(limit)
    )
