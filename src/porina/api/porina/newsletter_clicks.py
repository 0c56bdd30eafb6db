"""The click counter's redirect (docs/newsletter.md, "Click counting"): ``GET
/newsletter/c/<token>`` — a link of a campaign whose brand turned click counting on. No
cookie, session or token; nothing about the person is kept."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.status_codes import HTTP_302_FOUND

from porina.api.mastodon.auth import services_of
from porina.newsletter import clicks
from porina.newsletter.errors import LinkNotFound


@get(f"{clicks.PATH}{{token:str}}", status_code=HTTP_302_FOUND)
async def follow_link(request: Request[Any, Any, Any], token: str) -> Response[None]:
    """302 to the original link of a campaign, its aggregate count (per campaign and link,
    nothing about who) raised by one; 404 for a token this server did not sign, so it never
    redirects anywhere a campaign did not link to."""
    async with services_of(request).db.transaction() as tx:
        url = await clicks.count(tx, token)
    if url is None:
        raise LinkNotFound("This link is not valid")
    headers = {"Location": url, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    return Response(None, status_code=HTTP_302_FOUND, headers=headers)


ROUTES = [follow_link]
