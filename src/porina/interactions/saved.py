"""What a person kept: their bookmarks and favourites (newest first, paged by the mark's own
id, as ``/api/v1/bookmarks`` pages them), and the hashtags they follow. Only ever the
person's own; the statuses are then read through the visibility-checked queries.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.interactions.models import Bookmark, Favourite, FollowedTag
from porina.posts.models import Tag

Kind = Literal["bookmarks", "favourites"]
MODELS: dict[Kind, type[Bookmark] | type[Favourite]] = {
    "bookmarks": Bookmark,
    "favourites": Favourite,
}


async def saved(
    session: AsyncSession, account_id: int, kind: Kind, *, max_id: int | None, limit: int
) -> list[tuple[int, int]]:
    """(mark id, status id) of ``account_id``'s bookmarks or favourites, newest first,
    older than the mark ``max_id``."""
    model = MODELS[kind]
    query = select(model.id, model.status_id).where(model.account_id == account_id)
    if max_id is not None:
        query = query.where(model.id < max_id)
    rows = await session.execute(query.order_by(model.id.desc()).limit(limit))
    return [(row[0], row[1]) for row in rows]


async def followed_tags(session: AsyncSession, account_id: int, limit: int = 200) -> list[Tag]:
    """The hashtags ``account_id`` follows, by name."""
    return list(
        await session.scalars(
            select(Tag)
            .join(FollowedTag, FollowedTag.tag_id == Tag.id)
            .where(FollowedTag.account_id == account_id)
            .order_by(Tag.name)
            .limit(limit)
        )
    )
