"""Hashtags: ``/api/v1/tags/:name`` (with seven days of history), following them, and
``/api/v1/followed_tags``; featured tags are ``featured_tags.py``."""

from __future__ import annotations

from typing import Any, cast

from litestar import Request, Response, get, post
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.api.mastodon.auth import optional, require, services_of
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.interactions import featured, tags
from porina.interactions import queries as q
from porina.interactions.models import FollowedTag
from porina.posts.models import Tag
from porina.render import entities as e


async def tag_entity(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    tag: Tag | None,
    name: str,
    viewer_id: int | None,
) -> e.Tag:
    base = services_of(request).settings.base_url.rstrip("/")
    shown = tag.display_name if tag is not None else tags.normalise(name)
    history: list[dict[str, str]] = []
    if tag is not None:
        history = [
            {"day": str(int(d.day.timestamp())), "uses": str(d.uses), "accounts": str(d.accounts)}
            for d in await q.tag_history(session, tag.id)
        ]
    entity = e.Tag(name=shown, url=f"{base}/tags/{shown}", history=history)
    if tag is not None:
        entity.id = str(tag.id)
    if viewer_id is not None:
        entity.following = tag is not None and await tags.is_following(session, viewer_id, tag.id)
        entity.featuring = tag is not None and await featured.is_featuring(
            session, viewer_id, tag.id
        )
    return entity


@get("/api/v1/tags/{name:str}")
async def show(request: Request[Any, Any, Any], name: str) -> e.Tag:
    viewer = await optional(request, "read")
    async with services_of(request).db.read() as session:
        tag = await tags.find(session, name)
        return await tag_entity(request, session, tag, name, viewer.account_id if viewer else None)


async def _after_write(request: Request[Any, Any, Any], tag: Tag, viewer_id: int) -> e.Tag:
    async with services_of(request).db.read() as session:
        return await tag_entity(request, session, tag, tag.name, viewer_id)


@post("/api/v1/tags/{name:str}/follow", status_code=200)
async def follow(request: Request[Any, Any, Any], name: str) -> e.Tag:
    viewer = await require(request, "write:follows")
    async with services_of(request).db.transaction() as tx:
        tag = await tags.follow(tx, viewer.require_account(), name)
    return await _after_write(request, tag, viewer.require_account())


@post("/api/v1/tags/{name:str}/unfollow", status_code=200)
async def unfollow(request: Request[Any, Any, Any], name: str) -> e.Tag:
    viewer = await require(request, "write:follows")
    async with services_of(request).db.transaction() as tx:
        tag = await tags.unfollow(tx, viewer.require_account(), name)
    return await _after_write(request, tag, viewer.require_account())


@get("/api/v1/followed_tags")
async def followed(request: Request[Any, Any, Any]) -> Response[list[e.Tag]]:
    viewer = await require(request, "read:follows")
    me = viewer.require_account()
    params = await Params.of(request)
    page = Page.of(params, default=100, maximum=200)
    query = (
        select(Tag)
        .join(FollowedTag, FollowedTag.tag_id == Tag.id)
        .where(FollowedTag.account_id == me)
    )
    async with services_of(request).db.read() as session:
        rows = page.arrange(list(await session.scalars(page.apply(query, cast(Any, Tag.id)))))
        body = [await tag_entity(request, session, t, t.name, me) for t in rows]
    return Response(body, headers=link_header(request, [t.id for t in rows], page))


ROUTES = [show, follow, unfollow, followed]
