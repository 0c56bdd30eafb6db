"""``/api/v1/trends/*``: tags and statuses people used and shared most in the last week.

Computed on request from ``status_tags`` and the counters on public statuses of the last
seven days (``posts.trending`` and ``timelines.trends``, which the web's Explore reads too).
Links are not tracked yet: an empty list.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get

from porina.api.mastodon import auth
from porina.api.mastodon.params import Params
from porina.api.mastodon.tags import tag_entity
from porina.interactions.viewer import viewer_state
from porina.posts.queries import bundles
from porina.posts.trending import trending_tag_rows
from porina.render import entities as e
from porina.render.quotes import render_bundles
from porina.render.renderer import Renderer
from porina.timelines import trends


@get(["/api/v1/trends/tags", "/api/v1/trends"])
async def trending_tags(request: Request[Any, Any, Any]) -> list[e.Tag]:
    viewer = await auth.optional(request, "read")
    vid = viewer.account_id if viewer else None
    params = await Params.of(request)
    limit, offset = params.limit(10, 20), params.int("offset", 0, lo=0) or 0
    async with auth.services_of(request).db.read() as session:
        tags = [row[0] for row in await trending_tag_rows(session, limit, offset)]
        return [await tag_entity(request, session, t, t.name, vid) for t in tags]


@get("/api/v1/trends/statuses")
async def trending_statuses(request: Request[Any, Any, Any]) -> list[e.Status]:
    viewer = await auth.optional(request, "read")
    vid = viewer.account_id if viewer else None
    params = await Params.of(request)
    limit, offset = params.limit(20, 40), params.int("offset", 0, lo=0) or 0
    query = trends.trending_statuses(vid, offset, limit)
    svc = auth.services_of(request)
    async with svc.db.read() as session:
        items = await bundles(session, query)
        state = await viewer_state(session, vid, items)
        return await render_bundles(Renderer(svc.settings), session, items, state, vid)


@get("/api/v1/trends/links")
async def trending_links() -> list[dict[str, Any]]:
    return []


ROUTES = [trending_tags, trending_statuses, trending_links]
