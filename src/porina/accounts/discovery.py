"""Finding people: the profile directory (``/api/v1/directory``) and follow suggestions
(``/api/v2/suggestions``), with the one writer here, dismissing a suggestion.

Both show only accounts that chose to be found (``discoverable``) and are in good standing
(not suspended, silenced or moved; a local one approved), as Mastodon's
``Account.discoverable``. For a signed-in viewer neither shows anyone the viewer blocks, is
blocked by or mutes; the directory leaves out the domains the viewer blocks, suggestions also
whoever the viewer follows or asked to follow, themself, and suggestions they dismissed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import ColumnElement, Select, and_, exists, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, Block, DomainBlock, Follow, FollowRequest, Mute, User
from porina.accounts.suggestion_models import SuggestionDismissal
from porina.core.clock import now
from porina.storage.db import Tx, insert_if_absent

Order = Literal["active", "new"]
Source = Literal["friends_of_friends", "most_followed"]


def discoverable() -> ColumnElement[bool]:
    unapproved = exists().where(User.account_id == Account.id, not_(User.approved))
    return and_(
        Account.discoverable.is_(True),
        Account.suspended_at.is_(None),
        Account.silenced_at.is_(None),
        Account.moved_to_account_id.is_(None),
        not_(unapproved),
    )


def not_excluded_by(viewer_id: int) -> ColumnElement[bool]:
    """Nobody the viewer blocks, is blocked by, or mutes (an expired mute no longer counts)."""
    blocks = select(Block.target_account_id).where(Block.account_id == viewer_id)
    blocked_by = select(Block.account_id).where(Block.target_account_id == viewer_id)
    mutes = select(Mute.target_account_id).where(
        Mute.account_id == viewer_id, or_(Mute.expires_at.is_(None), Mute.expires_at > now())
    )
    return and_(Account.id.not_in(blocks), Account.id.not_in(blocked_by), Account.id.not_in(mutes))


def not_domain_blocked_by(viewer_id: int) -> ColumnElement[bool]:
    domains = select(DomainBlock.domain).where(DomainBlock.account_id == viewer_id)
    return or_(Account.domain.is_(None), Account.domain.not_in(domains))


async def directory(
    session: AsyncSession,
    viewer_id: int | None,
    *,
    local: bool,
    order: Order,
    offset: int,
    limit: int,
) -> list[Account]:
    query: Select[Account] = select(Account).where(discoverable())
    if local:
        query = query.where(Account.domain.is_(None))
    if viewer_id is not None:
        query = query.where(not_excluded_by(viewer_id))
        if not local:
            query = query.where(not_domain_blocked_by(viewer_id))
    if order == "new":
        query = query.order_by(Account.id.desc())
    else:
        query = query.order_by(Account.last_status_at.desc().nulls_last(), Account.id.desc())
    return list(await session.scalars(query.offset(offset).limit(limit)))


@dataclass
class Suggestion:
    account: Account
    sources: list[Source] = field(default_factory=list)


def _candidates(viewer_id: int) -> ColumnElement[bool]:
    following = select(Follow.target_account_id).where(Follow.account_id == viewer_id)
    requested = select(FollowRequest.target_account_id).where(FollowRequest.account_id == viewer_id)
    dismissed = select(SuggestionDismissal.target_account_id).where(
        SuggestionDismissal.account_id == viewer_id
    )
    return and_(
        discoverable(),
        not_excluded_by(viewer_id),
        not_domain_blocked_by(viewer_id),
        Account.id != viewer_id,
        Account.id.not_in(following),
        Account.id.not_in(requested),
        Account.id.not_in(dismissed),
    )


async def suggestions(session: AsyncSession, viewer_id: int, limit: int) -> list[Suggestion]:
    """Accounts followed by those the viewer follows (most such follows first), then the
    most followed accounts of this server; each once, with every reason it is suggested."""
    mine = select(Follow.target_account_id).where(Follow.account_id == viewer_id)
    shared = func.count(Follow.id)
    friends = await session.execute(
        select(Account, shared)
        .join(Follow, Follow.target_account_id == Account.id)
        .where(Follow.account_id.in_(mine), _candidates(viewer_id))
        .group_by(Account.id)
        .order_by(shared.desc(), Account.id.desc())
        .limit(limit)
    )
    out = {a.id: Suggestion(a, ["friends_of_friends"]) for a, _count in friends.all()}
    popular = await session.scalars(
        select(Account)
        .where(Account.domain.is_(None), Account.followers_count > 0, _candidates(viewer_id))
        .order_by(Account.followers_count.desc(), Account.id.desc())
        .limit(limit)
    )
    for account in popular:
        out.setdefault(account.id, Suggestion(account)).sources.append("most_followed")
    return list(out.values())[:limit]


async def dismiss(tx: Tx, account_id: int, target_ids: Sequence[int]) -> None:
    """Never suggest these accounts to ``account_id`` again (an unknown id is no error, as
    Mastodon's ``render_empty``)."""
    known = await tx.session.scalars(select(Account.id).where(Account.id.in_(list(target_ids))))
    for target in known:
        await insert_if_absent(
            tx.session,
            SuggestionDismissal,
            {"account_id": account_id, "target_account_id": target, "created_at": now()},
            unique=("account_id", "target_account_id"),
        )
