"""``/api/v1/trends/*``: tags and statuses people used and shared most in the last week.

Computed on request from ``status_tags`` and the counters on public statuses of the last
seven days (ids are time-sortable, so "the last week" is an id range). Links are not tracked
yet: an empty list.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Request, get
from sqlalchemy import func, select

from porina.api.mastodon import auth
from porina.api.mastodon.params import Params
from porina.api.mastodon.tags import tag_entity
from porina.core.clock import now
from porina.core.ids import id_at
from porina.interactions.viewer import viewer_state
from porina.posts.models import Status, StatusTag, Tag
from porina.posts.queries import S, bundle_select, bundles
from porina.render import entities as e
from porina.render.renderer import Renderer
from porina.timelines.queries import not_muted

WINDOW = timedelta(days=7)


@get(["/api/v1/trends/tags", "/api/v1/trends"])
async def trending_tags(request: Request[Any, Any, Any]) -> list[e.Tag]:
    viewer = await auth.optional(request, "read")
    vid = viewer.account_id if viewer else None
    params = await Params.of(request)
    limit, offset = params.limit(10, 20), params.int("offset", 0, lo=0) or 0
    accounts = func.count(func.distinct(Status.account_id))
    query = (
        select(Tag, accounts.label("people"), func.count().label("uses"))
        .join(StatusTag, StatusTag.tag_id == Tag.id)
        .join(Status, Status.id == StatusTag.status_id)
        .where(
            Status.id >= id_at(now() - WINDOW),
            Status.visibility == "public",
            Status.deleted_at.is_(None),
            Tag.trendable.is_(True),
            Tag.usable.is_(True),
        )
        .group_by(Tag.id)
        .order_by(accounts.desc(), func.count().desc(), Tag.name)
        .offset(offset)
        .limit(limit)
    )
    async with auth.services_of(request).db.read() as session:
        tags = [row[0] for row in (await session.execute(query)).all()]
        return [await tag_entity(request, session, t, t.name, vid) for t in tags]


@get("/api/v1/trends/statuses")
async def trending_statuses(request: Request[Any, Any, Any]) -> list[e.Status]:
    viewer = await auth.optional(request, "read")
    vid = viewer.account_id if viewer else None
    params = await Params.of(request)
    limit, offset = params.limit(20, 40), params.int("offset", 0, lo=0) or 0
    score = S.favourites_count + S.reblogs_count
    query = bundle_select(vid).where(
        S.id >= id_at(now() - WINDOW),
        S.visibility == "public",
        S.reblog_of_id.is_(None),
        score > 0,
    )
    if vid is not None:
        query = query.where(not_muted(vid))
    query = query.order_by(score.desc(), S.id.desc()).offset(offset).limit(limit)
    svc = auth.services_of(request)
    async with svc.db.read() as session:
        items = await bundles(session, query)
        state = await viewer_state(session, vid, items)
    return Renderer(svc.settings).bundles(items, state, vid)


@get("/api/v1/trends/links")
async def trending_links() -> list[dict[str, Any]]:
    return []


ROUTES = [trending_tags, trending_statuses, trending_links]
