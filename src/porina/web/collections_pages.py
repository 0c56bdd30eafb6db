"""``/bookmarks`` and ``/favourites``: the posts the reader saved or liked, newest mark first,
as cards like the timeline's (``partials/status_list.html``). Only ever the reader's own
(``interactions.saved``); each post is read through the visibility-checked queries, so a post
the reader may no longer see is left out."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from porina.core.ids import parse_id
from porina.interactions import saved
from porina.posts.queries import bundles_by_id
from porina.web import i18n
from porina.web.common import render, signed_in, statuses
from porina.web.runtime import services

PAGE = 20


async def _collection(
    request: Request[Any, Any, Any], kind: saved.Kind, max_id: str | None
) -> Template:
    me = await signed_in(request)
    async with services(request).db.read() as session:
        marks = await saved.saved(session, me.id, kind, max_id=parse_id(max_id), limit=PAGE)
        found = await bundles_by_id(session, me.id, [status_id for _, status_id in marks])
        shown = await statuses(request, session, me, found)
    more = f"/{kind}?max_id={marks[-1][0]}" if len(marks) >= PAGE else None
    if kind == "bookmarks":
        title = i18n._("Bookmarks")
        empty = i18n._("You have no bookmarks yet. Bookmark a post to find it here later.")
    else:
        title = i18n._("Favourites")
        empty = i18n._("You have not favourited any posts yet.")
    return render(
        request,
        "pages/collection.html",
        me=me,
        title=title,
        kind=kind,
        statuses=shown,
        more=more,
        empty_text=empty,
    )


@get("/bookmarks", name="web:bookmarks")
async def bookmarks(request: Request[Any, Any, Any], max_id: str | None = None) -> Template:
    return await _collection(request, "bookmarks", max_id)


@get("/favourites", name="web:favourites")
async def favourites(request: Request[Any, Any, Any], max_id: str | None = None) -> Template:
    return await _collection(request, "favourites", max_id)


ROUTES = [bookmarks, favourites]
