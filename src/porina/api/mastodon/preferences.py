"""``/api/v1/preferences``: the posting and reading defaults a person chose."""

from __future__ import annotations

from typing import Any

from litestar import Request, get

from porina.accounts import queries
from porina.api.mastodon import auth


@get("/api/v1/preferences")
async def preferences(request: Request[Any, Any, Any]) -> dict[str, Any]:
    viewer = await auth.require(request, "read:accounts")
    async with auth.services_of(request).db.read() as session:
        user = await queries.user_of(session, viewer.require_account())
    prefs = (user.settings if user else None) or {}
    return {
        "posting:default:visibility": prefs.get("privacy", "public"),
        "posting:default:sensitive": bool(prefs.get("sensitive", False)),
        "posting:default:language": prefs.get("language") or None,
        "posting:default:quote_policy": prefs.get("quote_policy", "public"),
        "reading:expand:media": prefs.get("expand_media", "default"),
        "reading:expand:spoilers": bool(prefs.get("expand_spoilers", False)),
        "reading:autoplay:gifs": bool(prefs.get("autoplay_gifs", False)),
    }


ROUTES = [preferences]
