"""``/settings/tags``: the hashtags the reader follows (``interactions.saved.followed_tags``),
each with an unfollow button, and a form to follow one more. Writes are
``interactions.tags.follow`` / ``unfollow``, the actions ``/api/v1/tags/:name/{follow,
unfollow}`` use."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from porina.core.errors import NotFound
from porina.interactions import saved, tags
from porina.web import i18n
from porina.web.common import Me, form, is_htmx, render, see_other, signed_in, text
from porina.web.runtime import services

HOME = "/settings/tags"


async def _page(
    request: Request[Any, Any, Any],
    me: Me,
    *,
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    async with services(request).db.read() as session:
        found = await saved.followed_tags(session, me.id)
    return render(
        request,
        "pages/followed_tags.html",
        me=me,
        tags=[t.display_name or t.name for t in found],
        notice=notice,
        error=error,
        status_code=status_code,
    )


@get(HOME, name="web:followed-tags")
async def tags_page(request: Request[Any, Any, Any], done: str | None = None) -> Template:
    me = await signed_in(request)
    notice = {
        "followed": i18n._("You follow the hashtag now: its posts show in your home timeline."),
        "unfollowed": i18n._("You no longer follow the hashtag."),
    }.get(done or "")
    return await _page(request, me, notice=notice)


@post(HOME, name="web:followed-tags-follow")
async def follow(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await signed_in(request)
    data = await form(request)
    try:
        async with services(request).db.transaction() as tx:
            await tags.follow(tx, me.id, text(data, "name"))
    except NotFound:
        message = i18n._("That is not a hashtag: use letters, numbers and underscores.")
        return await _page(request, me, error=message, status_code=422)
    return see_other(HOME + "?done=followed")


@post(HOME + "/{name:str}/unfollow", name="web:followed-tags-unfollow")
async def unfollow(request: Request[Any, Any, Any], name: str) -> Template | Redirect:
    """htmx gets the row saying so; a form post, the page."""
    me = await signed_in(request)
    async with services(request).db.transaction() as tx:
        tag = await tags.unfollow(tx, me.id, name)
    if is_htmx(request):
        message = i18n._("You no longer follow #%(tag)s.") % {"tag": tag.display_name or tag.name}
        return render(request, "partials/done_row.html", me=me, message=message)
    return see_other(HOME + "?done=unfollowed")


ROUTES = [tags_page, follow, unfollow]
