"""``GET /avatars/generated/<id>-<initials>.{png,svg}``: the picture of an account without one
(``accounts.avatars``). Everything it depends on is in the URL, so it reads no database and is
cached for a year; it passes only the ``inbound`` middleware (``app.route_groups``: plain)."""

from __future__ import annotations

from litestar import Response, get
from litestar.exceptions import NotFoundException

from porina.accounts import avatars

CACHE = "public, max-age=31536000, immutable"


@get(
    "/avatars/generated/{name:str}",
    sync_to_thread=False,
    summary="Generated avatar (PNG or SVG) of an account without a picture",
)
def generated_avatar(name: str) -> Response[bytes]:
    found = avatars.parse(name)
    if found is None:
        raise NotFoundException()
    seed, text, kind = found
    if kind == "svg":
        body, media_type = avatars.svg(seed, text).encode(), "image/svg+xml"
    else:
        body, media_type = avatars.png(seed, text), "image/png"
    return Response(body, media_type=media_type, headers={"cache-control": CACHE})


ROUTES = [generated_avatar]
