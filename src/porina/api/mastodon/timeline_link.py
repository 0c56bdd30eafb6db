"""``GET /api/v1/timelines/link?url=``: Mastodon shows the posts sharing a *trending* link and
answers 404 for any other link. Porina ranks no links (``/api/v1/trends/links`` is empty), so
every link is one that is not trending: 404, as Mastodon answers for it."""

from __future__ import annotations

from typing import Any

from litestar import Request, get

from porina.api.mastodon import auth
from porina.core.errors import NotFound


@get("/api/v1/timelines/link")
async def link_timeline(request: Request[Any, Any, Any]) -> None:
    await auth.optional(request, "read:statuses")
    raise NotFound()


ROUTES = [link_timeline]
