"""``GET /oauth/userinfo`` (Mastodon 4.4): who a token with the ``profile`` scope acts as, in
OpenID Connect's claims."""

from __future__ import annotations

from typing import Any

from litestar import Request, get

from porina.accounts import queries
from porina.api.mastodon import auth
from porina.core.errors import Forbidden
from porina.render.renderer import Renderer


@get("/oauth/userinfo")
async def userinfo(request: Request[Any, Any, Any]) -> dict[str, Any]:
    viewer = await auth.require(request, "profile")
    if "profile" not in viewer.scopes:  # exactly this scope, as Mastodon (read is not enough)
        raise Forbidden("This action is outside the authorized scopes")
    settings = auth.services_of(request).settings
    async with auth.services_of(request).db.read() as session:
        account = await queries.account(session, viewer.require_account(), viewer.account_id)
    entity = Renderer(settings).account(account)
    base = settings.base_url.rstrip("/")
    return {
        "iss": base + "/",
        "sub": account.uri or f"{base}/users/{account.username}",
        "name": account.display_name,
        "preferred_username": account.username,
        "profile": entity.url,
        "picture": entity.avatar,
    }


ROUTES = [userinfo]
