"""Featured hashtags: ``/api/v1/featured_tags`` (list, feature, remove, suggestions),
``/api/v1/accounts/:id/featured_tags`` (what a profile shows) and Mastodon 4.4's
``/api/v1/tags/:name/feature`` and ``/unfeature``."""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import queries as accounts
from porina.api.mastodon.auth import optional, require, services_of
from porina.api.mastodon.params import Params
from porina.api.mastodon.tags import tag_entity
from porina.core.ids import parse_id
from porina.interactions import featured
from porina.render import entities as e


def _entity(base: str, item: featured.Featured) -> dict[str, Any]:
    last = item.last_status_at
    return {
        "id": str(item.id),
        "name": item.tag.display_name,
        "url": f"{base}/tags/{item.tag.name}",
        "statuses_count": str(item.statuses_count),
        "last_status_at": last.date().isoformat() if last is not None else None,
    }


async def _featured_of(
    request: Request[Any, Any, Any], session: AsyncSession, account_id: int
) -> list[dict[str, Any]]:
    base = services_of(request).settings.base_url.rstrip("/")
    return [_entity(base, item) for item in await featured.of_account(session, account_id)]


@get("/api/v1/featured_tags")
async def featured_tags(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    viewer = await require(request, "read:accounts")
    async with services_of(request).db.read() as session:
        return await _featured_of(request, session, viewer.require_account())


@post("/api/v1/featured_tags", status_code=200)
async def feature(request: Request[Any, Any, Any]) -> dict[str, Any]:
    viewer = await require(request, "write:accounts")
    me = viewer.require_account()
    name = (await Params.of(request)).str("name") or ""
    async with services_of(request).db.transaction() as tx:
        tag = await featured.feature(tx, me, name)
    async with services_of(request).db.read() as session:
        items = await _featured_of(request, session, me)
    return next(item for item in items if item["name"] == tag.display_name)


@delete("/api/v1/featured_tags/{featured_id:str}", status_code=200)
async def unfeature(request: Request[Any, Any, Any], featured_id: str) -> dict[str, Any]:
    viewer = await require(request, "write:accounts")
    async with services_of(request).db.transaction() as tx:
        await featured.unfeature(tx, viewer.require_account(), parse_id(featured_id))
    return {}


@get("/api/v1/featured_tags/suggestions")
async def suggestions(request: Request[Any, Any, Any]) -> list[e.Tag]:
    """Hashtags of the viewer's own recent posts not featured yet (Mastodon: up to 10)."""
    viewer = await require(request, "read:accounts")
    me = viewer.require_account()
    async with services_of(request).db.read() as session:
        found = await featured.suggestions(session, me)
        return [await tag_entity(request, session, t, t.name, me) for t in found]


@get("/api/v1/accounts/{account_id:str}/featured_tags")
async def of_account(request: Request[Any, Any, Any], account_id: str) -> list[dict[str, Any]]:
    """Anyone may read a profile's featured tags; a suspended account has none to show (404,
    as for the rest of a suspended profile)."""
    viewer = await optional(request, "read:accounts")
    async with services_of(request).db.read() as session:
        account = await accounts.account(
            session, parse_id(account_id), viewer.account_id if viewer else None
        )
        return await _featured_of(request, session, account.id)


@post("/api/v1/tags/{name:str}/feature", status_code=200)
async def feature_tag(request: Request[Any, Any, Any], name: str) -> e.Tag:
    viewer = await require(request, "write:accounts")
    me = viewer.require_account()
    async with services_of(request).db.transaction() as tx:
        tag = await featured.feature(tx, me, name)
    async with services_of(request).db.read() as session:
        return await tag_entity(request, session, tag, tag.name, me)


@post("/api/v1/tags/{name:str}/unfeature", status_code=200)
async def unfeature_tag(request: Request[Any, Any, Any], name: str) -> e.Tag:
    viewer = await require(request, "write:accounts")
    me = viewer.require_account()
    async with services_of(request).db.transaction() as tx:
        tag = await featured.unfeature_tag(tx, me, name)
    async with services_of(request).db.read() as session:
        return await tag_entity(request, session, tag, name, me)


ROUTES = [featured_tags, feature, unfeature, suggestions, of_account, feature_tag, unfeature_tag]
