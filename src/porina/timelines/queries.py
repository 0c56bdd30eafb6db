"""Read-only questions the timelines ask: who receives a status, what a timeline holds.

Recipients are computed in SQL, one query per status however many followers the author has.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    bindparam,
    exists,
    literal,
    or_,
    select,
    union,
)
from sqlalchemy.orm import aliased

from porina.accounts.models import Account, Block, Follow, Mute
from porina.core.clock import now
from porina.interactions.models import FollowedTag
from porina.lists.models import ListAccount
from porina.posts.models import Mention, Status, StatusTag
from porina.posts.queries import R, S
from porina.posts.visibility import visible_clause
from porina.storage.db import Database
from porina.storage.fastread import Prebuilt

if TYPE_CHECKING:
    from porina.settings import Settings

F2 = aliased(Follow, name="f2")


def silencing(author_id: Any, moment: Any = None) -> CompoundSelect[Any]:
    """Accounts that block or mute ``author_id`` (mutes unexpired at ``moment``, default now),
    or that the author blocks: those whose feeds never take the author's statuses. Used as
    ``NOT IN``: the database builds the (small) set once, instead of three lookups per
    recipient of a fan-out."""
    when = now() if moment is None else moment
    return union(
        select(Block.account_id).where(Block.target_account_id == author_id),
        select(Block.target_account_id).where(Block.account_id == author_id),
        select(Mute.account_id).where(
            Mute.target_account_id == author_id,
            or_(Mute.expires_at.is_(None), Mute.expires_at > when),
        ),
    )


@dataclass(frozen=True, slots=True)
class Audience:
    """What decides who receives a status: the status, and (for a boost) the status it
    reblogs, as read for a fan-out (``post_of``) or from loaded rows (``of``)."""

    status_id: int
    author_id: int
    reblog_of_id: int | None
    visibility: str
    group_id: int | None
    reply_to: int | None
    """``in_reply_to_account_id``."""
    target_author: int | None
    """The reblogged status's author; None when the status is no boost, or its target is gone."""
    reblog: bool
    """The reblogged status was found (a boost whose target is gone fans out as a post)."""

    @classmethod
    def of(cls, status: Status, target: Status | None) -> Audience:
        return cls(
            status.id,
            status.account_id,
            status.reblog_of_id,
            status.visibility,
            status.group_id,
            status.in_reply_to_account_id,
            target.account_id if target is not None else None,
            target is not None,
        )

    def shape(self, *, active: bool) -> Shape:
        followers = not (self.visibility == "private" and self.group_id is not None)
        followers = followers and self.visibility != "direct"
        return Shape(
            group=self.visibility == "private" and self.group_id is not None,
            direct=self.visibility == "direct",
            reblog=self.reblog,
            reply_filter=not self.reblog
            and self.reply_to is not None
            and self.reply_to != self.author_id,
            private_mentions=followers and self.visibility == "private",
            tags=followers and self.visibility == "public" and not self.reblog,
            other_target=self.reblog and self.target_author != self.author_id,
            active=active,
            keep_mentioned=active and self.visibility in {"private", "direct"},
        )


@dataclass(frozen=True, slots=True)
class Shape:
    """The parts of the recipients statement a status needs (one prebuilt statement each)."""

    group: bool
    direct: bool
    reblog: bool
    reply_filter: bool
    private_mentions: bool
    tags: bool
    other_target: bool
    active: bool
    keep_mentioned: bool


@dataclass(frozen=True, slots=True)
class Values:
    """The statement's values: Python values, or bound parameters for a prebuilt one."""

    author: Any
    status: Any
    group: Any
    reply_to: Any
    target_author: Any
    since: Any
    moment: Any


PARAMS = Values(
    author=bindparam("porina_author", type_=BigInteger),
    status=bindparam("porina_status", type_=BigInteger),
    group=bindparam("porina_group", type_=BigInteger),
    reply_to=bindparam("porina_reply_to", type_=BigInteger),
    target_author=bindparam("porina_target_author", type_=BigInteger),
    since=bindparam("porina_since", type_=Account.__table__.c.last_active_at.type),
    moment=bindparam("porina_moment", type_=Mute.__table__.c.expires_at.type),
)


def _followers(shape: Shape, v: Values) -> Select[Any]:
    query = select(Follow.account_id.label("id")).where(Follow.target_account_id == v.author)
    if shape.reblog:
        query = query.where(Follow.show_reblogs.is_(True))
    if shape.reply_filter:
        query = query.where(
            exists().where(F2.account_id == Follow.account_id, F2.target_account_id == v.reply_to)
        )
    return query


def _group_members(group_id: Any) -> Select[Any]:
    """The members of a group: the followers of its account (``groups``)."""
    return select(Follow.account_id.label("id")).where(Follow.target_account_id == group_id)


def _mentioned(status_id: Any) -> Select[Any]:
    return select(Mention.account_id.label("id")).where(Mention.status_id == status_id)


def _tag_followers(status_id: Any) -> Select[Any]:
    return (
        select(FollowedTag.account_id.label("id"))
        .join(StatusTag, StatusTag.tag_id == FollowedTag.tag_id)
        .where(StatusTag.status_id == status_id)
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
    audience = Audience.of(status, target)
    values = Values(
        author=audience.author_id,
        status=audience.status_id,
        group=audience.group_id,
        reply_to=audience.reply_to,
        target_author=audience.target_author,
        since=active_since,
        moment=now(),
    )
    return _recipients(audience.shape(active=active_since is not None), values)


def _recipients(shape: Shape, v: Values) -> Select[Any]:
    """The recipients statement of a status of this ``shape``, with these values."""
    author = v.author if isinstance(v.author, BindParameter) else literal(v.author)
    parts: list[Select[Any]] = [select(author.label("id"))]
    if shape.group:
        parts.append(_group_members(v.group))  # a private group's post: members only
    elif shape.direct:
        parts.append(_mentioned(v.status))
    else:
        parts.append(_followers(shape, v))
        if shape.private_mentions:
            parts.append(_mentioned(v.status))
        if shape.tags:
            parts.append(_tag_followers(v.status))
    candidates = union(*parts).subquery()
    query = (
        select(Account.id)
        .where(Account.id.in_(select(candidates.c.id)))
        .where(Account.domain.is_(None), Account.suspended_at.is_(None))
    )
    query = query.where(
        or_(Account.id == v.author, Account.id.not_in(silencing(v.author, v.moment)))
    )
    if shape.other_target:
        query = query.where(
            or_(
                Account.id == v.target_author,
                Account.id.not_in(silencing(v.target_author, v.moment)),
            )
        )
    if shape.active:
        seen = or_(Account.last_active_at.is_(None), Account.last_active_at >= v.since)
        kept = [Account.id == v.author, seen]
        if shape.keep_mentioned:
            kept.append(Account.id.in_(_mentioned(v.status)))
        query = query.where(or_(*kept))
    return query


@functools.cache
def recipients_prebuilt(shape: Shape) -> Prebuilt:
    return Prebuilt(_recipients(shape, PARAMS))


async def audience(db: Database, post: Audience, *, active_since: datetime | None) -> list[int]:
    """``recipients_select``'s answer for ``post``, read on the driver by a prebuilt statement
    (one per ``Shape``): no statement building, cache key or ORM per fan-out."""
    params = {
        "porina_author": post.author_id,
        "porina_status": post.status_id,
        "porina_group": post.group_id,
        "porina_reply_to": post.reply_to,
        "porina_target_author": post.target_author,
        "porina_since": active_since,
        "porina_moment": now(),
    }
    statement = recipients_prebuilt(post.shape(active=active_since is not None))
    return [int(row[0]) for row in await db.fast.fetch(statement, params)]


T = aliased(Status, name="target")


@dataclass(frozen=True, slots=True)
class Post:
    """A status as its timeline jobs read it (``post_of``)."""

    audience: Audience
    deleted: bool
    target_deleted: bool
    """The status it reblogs is deleted (False when it reblogs none, or one that is gone)."""
    local: bool
    """Its author is of this server."""
    tags: list[str]


@functools.cache
def _post_prebuilt() -> Prebuilt:
    columns: list[Any] = [Status.id, Status.account_id, Status.reblog_of_id, Status.visibility]
    columns += [Status.group_id, Status.in_reply_to_account_id, T.id, T.account_id]
    columns += [Status.deleted_at.is_not(None), T.deleted_at.is_not(None)]
    columns += [Account.domain.is_(None), Status.tags]
    query = select(*columns).join(Account, Account.id == Status.account_id)
    query = query.outerjoin(T, T.id == Status.reblog_of_id)
    return Prebuilt(query.where(Status.id == bindparam("porina_status", type_=BigInteger)))


async def post_of(db: Database, status_id: int) -> Post | None:
    """The status and what its jobs need (its audience, whether it or the status it reblogs
    is deleted, whether it is local, its tags); None when it is gone. One prebuilt statement
    on the driver, where ``session.get`` of both statuses and a read of the author were
    three through the ORM."""
    rows = await db.fast.fetch(_post_prebuilt(), {"porina_status": status_id})
    if not rows:
        return None
    sid, author, reblog_of, visibility, group, reply_to, target, target_author = rows[0][:8]
    deleted, target_deleted, local, tags = rows[0][8:]
    audience = Audience(
        int(sid),
        int(author),
        reblog_of,
        visibility,
        group,
        reply_to,
        target_author if target is not None else None,
        target is not None,
    )
    found = json.loads(tags) if isinstance(tags, str) else tags
    gone = target is not None and bool(target_deleted)
    return Post(audience, bool(deleted), gone, bool(local), list(found or []))


@functools.cache
def _lists_prebuilt() -> Prebuilt:
    author = bindparam("porina_author", type_=BigInteger)
    return Prebuilt(select(ListAccount.list_id).where(ListAccount.account_id == author))


async def lists_of(db: Database, author_id: int) -> list[int]:
    """The lists ``author_id`` is on (prebuilt, on the driver)."""
    return [
        int(row[0]) for row in await db.fast.fetch(_lists_prebuilt(), {"porina_author": author_id})
    ]


def hidden_by(viewer_id: Any, moment: Any) -> CompoundSelect[Any]:
    """Accounts ``viewer_id`` mutes (mutes that have not expired at ``moment``) or blocks."""
    return union(
        select(Mute.target_account_id).where(
            Mute.account_id == viewer_id,
            or_(Mute.expires_at.is_(None), Mute.expires_at > moment),
        ),
        select(Block.target_account_id).where(Block.account_id == viewer_id),
    )


def _hidden_pair(viewer_id: Any, author: Any, moment: Any) -> ColumnElement[bool]:
    """``author`` is in ``hidden_by(viewer_id, moment)``, as look-ups of the pair."""
    return or_(
        exists().where(
            Mute.account_id == viewer_id,
            Mute.target_account_id == author,
            or_(Mute.expires_at.is_(None), Mute.expires_at > moment),
        ),
        exists().where(Block.account_id == viewer_id, Block.target_account_id == author),
    )


def not_muted(viewer_id: Any, moment: Any = None, *, per_row: bool = False) -> ColumnElement[bool]:
    """SQL on ``S``/``R`` (posts.queries aliases): neither author is muted or blocked by
    ``viewer_id`` (read-time filter for home, public and tag timelines). ``viewer_id`` and
    ``moment`` (default: now) may be bound parameters, for prebuilt statements. The muted
    set is an ``IN`` subquery, evaluated once per statement rather than once per row.
    ``per_row``: the viewer is a column (the streaming hub's rows of statuses and readers),
    where that subquery is correlated and built again for every row: look-ups of each pair
    instead."""
    when = now() if moment is None else moment
    own = S.account_id == viewer_id
    if per_row:
        hides_s = _hidden_pair(viewer_id, S.account_id, when)
        hides_r = _hidden_pair(viewer_id, R.account_id, when)
    else:
        hides_s = S.account_id.in_(hidden_by(viewer_id, when))
        hides_r = R.account_id.in_(hidden_by(viewer_id, when))
    return and_(
        or_(own, ~hides_s),
        or_(S.reblog_of_id.is_(None), R.account_id == viewer_id, ~hides_r),
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
