"""``GET /api/oembed?url=``: oEmbed for a public post of this server (its page
``/@name/:id`` or its ActivityPub id ``/users/name/statuses/:id``), an ``<iframe>`` of the
post's ``/embed`` view. Posts for followers only, direct messages, boosts and posts of other
servers are 404, as Mastodon."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

from litestar import Request, get

from porina.accounts.models import Account
from porina.api.mastodon import auth
from porina.api.mastodon.params import Params
from porina.core.errors import NotFound
from porina.core.ids import parse_id
from porina.posts.models import Status
from porina.posts.visibility import PUBLIC

_PATHS = (
    re.compile(r"^/@(?P<name>\w+)/(?P<id>\d+)(?:/embed)?/?$"),
    re.compile(r"^/users/(?P<name>\w+)/statuses/(?P<id>\d+)/?$"),
)
WIDTH = 400


def _target(base: str, url: str) -> tuple[str, int]:
    here, there = urlsplit(base), urlsplit(url)
    if (there.scheme, there.netloc) != (here.scheme, here.netloc):
        raise NotFound()
    for pattern in _PATHS:
        match = pattern.match(there.path)
        status_id = parse_id(match["id"]) if match else None
        if match and status_id is not None:
            return match["name"], status_id
    raise NotFound()


@get("/api/oembed")
async def oembed(request: Request[Any, Any, Any]) -> dict[str, Any]:
    params = await Params.of(request)
    settings = auth.services_of(request).settings
    base = settings.base_url.rstrip("/")
    name, status_id = _target(base, params.text("url", max_len=2048))
    async with auth.services_of(request).db.read() as session:
        status = await session.get(Status, status_id)
        account = await session.get(Account, status.account_id) if status else None
    if (
        status is None
        or account is None
        or account.domain is not None
        or account.username.lower() != name.lower()
        or status.deleted_at is not None
        or status.reblog_of_id is not None
        or status.visibility not in PUBLIC
        or account.suspended_at is not None
    ):
        raise NotFound()
    width = params.int("maxwidth", WIDTH, lo=1, hi=10_000) or WIDTH
    src = f"{base}/@{account.username}/{status.id}/embed"
    return {
        "type": "rich",
        "version": "1.0",
        "title": f"New status by {account.username}",
        "author_name": account.display_name or account.username,
        "author_url": f"{base}/@{account.username}",
        "provider_name": settings.domain or urlsplit(base).netloc,
        "provider_url": base + "/",
        "cache_age": 86400,
        "html": f'<iframe src="{html.escape(src)}" class="mastodon-embed" '
        f'style="max-width: 100%; border: 0" width="{width}" '
        'allowfullscreen="allowfullscreen"></iframe>',
        "width": width,
        "height": None,
    }


ROUTES = [oembed]
