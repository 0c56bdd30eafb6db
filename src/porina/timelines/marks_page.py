"""The viewer's favourites or bookmarks (``GET /api/v1/favourites``, ``/api/v1/bookmarks``)
in one prebuilt statement: the page of marks by their own id (Mastodon pages these lists on
the favourite's or bookmark's id, so the ``Link`` header carries those), newest first, joined
with each status's page row (``page.py``). A status the viewer may no longer see keeps its
place in the paging but is not shown; mutes hide nothing here."""

from __future__ import annotations

import functools
from typing import Any, Literal

from sqlalchemy import select

from porina.interactions.models import Bookmark, Favourite
from porina.posts.queries import VIEWER
from porina.storage.db import Database
from porina.storage.fastread import Prebuilt
from porina.timelines import bounds
from porina.timelines import page as pages
from porina.timelines.home import Window
from porina.timelines.public import ABOVE, BELOW, FETCH

Kind = Literal["favourites", "bookmarks"]


@functools.cache
def statement(kind: Kind, *, ascending: bool) -> Prebuilt:
    mark: Any = Favourite if kind == "favourites" else Bookmark
    candidates = (
        select(mark.id.label("mark_id"), mark.status_id.label("status_id"))
        .where(mark.account_id == VIEWER, mark.id < BELOW, mark.id > ABOVE)
        .order_by(mark.id.asc() if ascending else mark.id.desc())
        .limit(FETCH)
        .subquery("candidates")
    )
    return pages.from_candidates(
        candidates, ascending=ascending, mutes=False, cursor=candidates.c.mark_id
    )


async def rows(
    db: Database, viewer_id: int, kind: Kind, window: Window
) -> tuple[list[int], list[pages.PageRow]]:
    """The page's mark ids (for the ``Link`` header) and the rows of those statuses the
    viewer may see, both newest first."""
    found = pages.cursor_rows(
        await db.fast.fetch(
            statement(kind, ascending=window.upwards), bounds.params(viewer_id, window)
        )
    )
    found = bounds.newest_first(found, window)
    return [mark for mark, _ in found], [row for _, row in found if row.visible]
