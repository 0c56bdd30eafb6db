"""``GET /media/proxy/{token}``: a remote image served through Porina
(``federation/media_proxy.py``). No sign-in needed (the token is the permission); 404 for a
token this server did not hand out, a domain it does not take media from, or anything that
is not a usable image."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import File

from porina.federation import media_proxy
from porina.federation.dispatch import FederationContext

HEADERS = {
    "Cache-Control": "public, max-age=604800, immutable",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


@get("/media/proxy/{token:str}", include_in_schema=False)
async def proxied(request: Request[Any, Any, Any], token: str) -> File:
    svc: FederationContext = request.app.state.services
    url, limits = media_proxy.read_token(svc.settings, token)
    found = await media_proxy.fetch(svc.db, svc.outbound, svc.settings, url, limits)
    return File(
        found.path,
        media_type=found.media_type,
        content_disposition_type="inline",
        headers=HEADERS,
    )


ROUTES = [proxied]
