"""Hashtags people used most in the last week: the distinct accounts that used a tag in public
posts, then its uses (the rule of ``/api/v1/trends/tags``, the web's side column and Explore).
Ids are time-sortable, so "the last week" is an id range. Silenced and suspended accounts'
uses do not count (as Mastodon's trends leave out limited accounts)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.core.clock import now
from porina.core.ids import id_at
from porina.posts.models import Status, StatusTag, Tag

WINDOW = timedelta(days=7)


def _restricted() -> Select[int]:
    """Silenced or suspended accounts (few rows: one uncorrelated subquery)."""
    return select(Account.id).where(
        or_(Account.silenced_at.is_not(None), Account.suspended_at.is_not(None))
    )


async def trending_tag_rows(
    session: AsyncSession, limit: int, offset: int = 0
) -> list[tuple[Tag, int, int]]:
    """``(tag, people, uses)`` of the top tags from ``offset``, most people first (one query)."""
    people = func.count(func.distinct(Status.account_id))
    query = (
        select(Tag, people.label("people"), func.count().label("uses"))
        .join(StatusTag, StatusTag.tag_id == Tag.id)
        .join(Status, Status.id == StatusTag.status_id)
        .where(
            Status.id >= id_at(now() - WINDOW),
            Status.visibility == "public",
            Status.deleted_at.is_(None),
            Tag.trendable.is_(True),
            Tag.usable.is_(True),
            Status.account_id.not_in(_restricted()),
        )
        .group_by(Tag.id)
        .order_by(people.desc(), func.count().desc(), Tag.name)
        .offset(offset)
        .limit(limit)
    )
    rows = (await session.execute(query)).all()
    return [(tag, int(who), int(uses)) for tag, who, uses in rows]


async def trending_tags(session: AsyncSession, limit: int) -> list[tuple[str, int, int]]:
    """``(name, people, uses)`` of the top ``limit`` tags, most people first."""
    return [(t.name, who, uses) for t, who, uses in await trending_tag_rows(session, limit)]
