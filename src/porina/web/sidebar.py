"""The side column of wide screens, loaded after the page (``hx-trigger="load"``) so no page
pays for it: trending hashtags and, for people who operate brand accounts, those accounts with
their tools (post as, profile, team). Without JavaScript the column keeps its static links.

``POST /web/theme`` keeps the reader's light/dark choice in a cookie (``theme``: ``light``,
``dark``, or none to follow the system); ``base.html`` sets ``data-theme`` from it.
"""

from __future__ import annotations

import time
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template

from porina.accounts import operators
from porina.posts.trending import trending_tags
from porina.web.common import form, reader, render, safe_next, see_other, text
from porina.web.runtime import services
from porina.web.team_pages import role_names

TRENDS_TTL = 60.0
THEMES = ("light", "dark")
_trends: dict[str, Any] = {"at": -TRENDS_TTL, "tags": []}


async def _trending(request: Request[Any, Any, Any]) -> list[tuple[str, int, int]]:
    """Trending tags, read at most once a minute per process (the same for every reader)."""
    if time.monotonic() - _trends["at"] >= TRENDS_TTL:
        async with services(request).db.read() as session:
            _trends["tags"] = await trending_tags(session, 8)
        if _trends["tags"]:  # an empty answer is read again (a new server's first posts)
            _trends["at"] = time.monotonic()
    tags: list[tuple[str, int, int]] = _trends["tags"]
    return tags


@get("/web/sidebar", name="web:sidebar")
async def sidebar(request: Request[Any, Any, Any]) -> Template:
    me = await reader(request)
    brands: list[tuple[Any, operators.Role]] = []
    if me is not None:
        async with services(request).db.read() as session:
            brands = await operators.operated_by(session, me.user.id)
    return render(
        request,
        "partials/sidebar.html",
        me=me,
        tags=await _trending(request),
        brands=brands,
        role_names=role_names(),
    )


@post("/web/theme", name="web:theme")
async def theme(request: Request[Any, Any, Any]) -> Redirect:
    data = await form(request)
    chosen = text(data, "theme")
    back = safe_next(text(data, "next") or None, "/")
    if chosen in THEMES:
        cookie = Cookie(
            key="theme", value=chosen, max_age=365 * 86400, httponly=True, samesite="lax"
        )
    else:
        cookie = Cookie(key="theme", value="", max_age=0, httponly=True, samesite="lax")
    return see_other(back, cookies=[cookie])


ROUTES = [sidebar, theme]
