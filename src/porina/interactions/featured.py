"""Featured hashtags (the only writers), and what a profile shows of them: each with how many
of the person's public and unlisted posts carry it and the day of the last one, as Mastodon
counts them. Counted when read: a person features at most ``LIMIT`` tags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.clock import now
from porina.core.errors import NotFound, Unprocessable
from porina.core.ids import new_id
from porina.interactions import tags
from porina.posts.featured_models import FeaturedTag
from porina.posts.models import Status, StatusTag, Tag
from porina.posts.visibility import PUBLIC
from porina.storage.db import Tx

LIMIT = 10
SUGGESTIONS = 10


@dataclass(frozen=True, slots=True)
class Featured:
    id: int
    tag: Tag
    statuses_count: int
    last_status_at: datetime | None


def _name(name: str) -> str:
    """The hashtag a name asks for; 422 as Mastodon's validation when it cannot be one."""
    if not name.strip().lstrip("#"):
        raise Unprocessable("Validation failed: Name can't be blank")
    try:
        return tags.normalise(name)
    except NotFound as exc:
        raise Unprocessable("Validation failed: Name is invalid") from exc


async def _existing(session: AsyncSession, account_id: int, tag_id: int) -> FeaturedTag | None:
    found: FeaturedTag | None = await session.scalar(
        select(FeaturedTag).where(
            FeaturedTag.account_id == account_id, FeaturedTag.tag_id == tag_id
        )
    )
    return found


async def feature(tx: Tx, account_id: int, name: str) -> Tag:
    """Feature ``name`` on the account's profile; featuring it again changes nothing, as
    Mastodon's ``CreateFeaturedTagService`` (forced) returns the one already there."""
    tag = await tags.find_or_create(tx, _name(name))
    if await _existing(tx.session, account_id, tag.id) is not None:
        return tag
    count = await tx.session.scalar(
        select(func.count()).select_from(FeaturedTag).where(FeaturedTag.account_id == account_id)
    )
    if int(count or 0) >= LIMIT:
        raise Unprocessable(
            "Validation failed: You have already featured the maximum number of hashtags"
        )
    tx.session.add(FeaturedTag(id=new_id(), account_id=account_id, tag_id=tag.id, created_at=now()))
    await tx.session.flush()
    return tag


async def unfeature(tx: Tx, account_id: int, featured_id: int | None) -> None:
    """Remove one of the account's featured tags by its id; another's or none is a 404."""
    if featured_id is None:
        raise NotFound()
    done = await tx.session.execute(
        delete(FeaturedTag).where(
            FeaturedTag.id == featured_id, FeaturedTag.account_id == account_id
        )
    )
    if not getattr(done, "rowcount", 0):
        raise NotFound()


async def unfeature_tag(tx: Tx, account_id: int, name: str) -> Tag | None:
    """Stop featuring the tag; a tag never used or not featured is no error (Mastodon)."""
    tag = await tags.find(tx.session, name)
    if tag is None:
        return None
    await tx.session.execute(
        delete(FeaturedTag).where(
            FeaturedTag.account_id == account_id, FeaturedTag.tag_id == tag.id
        )
    )
    return tag


async def is_featuring(session: AsyncSession, account_id: int, tag_id: int) -> bool:
    return await _existing(session, account_id, tag_id) is not None


async def of_account(session: AsyncSession, account_id: int) -> list[Featured]:
    """The account's featured tags, most used first, with their counts."""
    counted = (
        select(
            StatusTag.tag_id,
            func.count().label("n"),
            func.max(Status.created_at).label("last"),
        )
        .join(Status, Status.id == StatusTag.status_id)
        .where(
            # only the featured tags: without it every tagged post of the server was read
            StatusTag.tag_id.in_(
                select(FeaturedTag.tag_id).where(FeaturedTag.account_id == account_id)
            ),
            Status.account_id == account_id,
            Status.visibility.in_(PUBLIC),
            Status.deleted_at.is_(None),
            Status.reblog_of_id.is_(None),
        )
        .group_by(StatusTag.tag_id)
        .subquery()
    )
    rows = await session.execute(
        select(FeaturedTag.id, Tag, counted.c.n, counted.c.last)
        .join(Tag, Tag.id == FeaturedTag.tag_id)
        .outerjoin(counted, counted.c.tag_id == FeaturedTag.tag_id)
        .where(FeaturedTag.account_id == account_id)
    )
    found = [Featured(fid, tag, int(n or 0), last) for fid, tag, n, last in rows]
    return sorted(found, key=lambda f: (-f.statuses_count, -f.id))


async def suggestions(session: AsyncSession, account_id: int) -> list[Tag]:
    """Tags of the account's own recent posts it does not feature yet, most used first."""
    featured = select(FeaturedTag.tag_id).where(FeaturedTag.account_id == account_id)
    recent = (
        select(StatusTag.tag_id, func.count().label("n"), func.max(Status.id).label("latest"))
        .join(Status, Status.id == StatusTag.status_id)
        .where(
            Status.account_id == account_id,
            Status.deleted_at.is_(None),
            StatusTag.tag_id.not_in(featured),
        )
        .group_by(StatusTag.tag_id)
        .subquery()
    )
    rows = await session.scalars(
        select(Tag)
        .join(recent, recent.c.tag_id == Tag.id)
        .order_by(recent.c.n.desc(), recent.c.latest.desc())
        .limit(SUGGESTIONS)
    )
    return list(rows)
