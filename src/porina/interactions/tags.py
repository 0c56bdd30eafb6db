"""Hashtags a person follows (the only writers), and finding tags by name."""

from __future__ import annotations

import re

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.clock import now
from porina.core.errors import NotFound
from porina.core.ids import new_id
from porina.interactions.models import FollowedTag
from porina.posts.models import Tag
from porina.storage.db import Tx

TAG_NAME = re.compile(r"^\w{1,255}$")


def normalise(name: str) -> str:
    """``#Cats`` -> ``Cats``; a name that cannot be a hashtag is a 404, as in Mastodon."""
    cleaned = name.strip().lstrip("#")
    if not TAG_NAME.match(cleaned) or cleaned.isdigit():
        raise NotFound()
    return cleaned


async def find(session: AsyncSession, name: str) -> Tag | None:
    found: Tag | None = await session.scalar(select(Tag).where(Tag.name == normalise(name).lower()))
    return found


async def is_following(session: AsyncSession, account_id: int, tag_id: int) -> bool:
    return await session.get(FollowedTag, (account_id, tag_id)) is not None


async def find_or_create(tx: Tx, name: str) -> Tag:
    existing = await find(tx.session, name)
    if existing is not None:
        return existing
    cleaned = normalise(name)
    tag = Tag(id=new_id(), name=cleaned.lower(), display_name=cleaned, created_at=now())
    try:
        async with tx.session.begin_nested():
            tx.session.add(tag)
    except IntegrityError:
        again = await find(tx.session, name)
        if again is None:
            raise
        return again
    return tag


async def follow(tx: Tx, account_id: int, name: str) -> Tag:
    tag = await find_or_create(tx, name)
    if not await is_following(tx.session, account_id, tag.id):
        tx.session.add(FollowedTag(account_id=account_id, tag_id=tag.id, created_at=now()))
        await tx.session.flush()
    return tag


async def unfollow(tx: Tx, account_id: int, name: str) -> Tag:
    tag = await find(tx.session, name)
    if tag is None:
        raise NotFound()
    await tx.session.execute(
        delete(FollowedTag).where(
            FollowedTag.account_id == account_id, FollowedTag.tag_id == tag.id
        )
    )
    return tag
