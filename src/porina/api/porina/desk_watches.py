"""The desk's listening watches (docs/api.md, "Desk watches"): ``/api/porina/v1/desk/watches``
— list (with how many outreach items each made), create, update, delete. Owners and managers
write; agents read; an analyst gets 403, another brand's watch is a 404."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, delete, get, patch, post, put

from porina.api.mastodon.auth import actor_of, require, services_of
from porina.api.mastodon.params import Params
from porina.core.actor import Actor
from porina.core.ids import parse_id
from porina.desk import watches
from porina.desk.watches import WatchNotFound
from porina.desk.watches_models import DeskWatch
from porina.render.renderer import timestamp

BASE = "/api/porina/v1/desk/watches"
FIELDS = ("kind", "term", "language", "enabled")


class Watch(msgspec.Struct, kw_only=True):
    id: str
    kind: str
    term: str
    language: str | None
    enabled: bool
    matches: int
    created_by_id: str | None
    created_at: str
    updated_at: str


def _entity(row: DeskWatch) -> Watch:
    return Watch(
        id=str(row.id),
        kind=row.kind,
        term=row.term,
        language=row.language,
        enabled=row.enabled,
        matches=row.matches,
        created_by_id=str(row.created_by_user_id) if row.created_by_user_id else None,
        created_at=timestamp(row.created_at) or "",
        updated_at=timestamp(row.updated_at) or "",
    )


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise WatchNotFound()
    return parsed


async def _actor(request: Request[Any, Any, Any], scope: str) -> Actor:
    return actor_of(await require(request, scope))


@get(BASE)
async def list_watches(request: Request[Any, Any, Any]) -> list[Watch]:
    """The brand's watches by kind and term, each with ``matches``: the outreach items it made."""
    actor = await _actor(request, "read:statuses")
    async with services_of(request).db.read() as session:
        return [_entity(r) for r in await watches.listed(session, actor)]


@post(BASE, status_code=200)
async def create_watch(request: Request[Any, Any, Any]) -> Watch:
    """``kind`` (keyword, hashtag), ``term``, optional ``language`` and ``enabled``."""
    actor = await _actor(request, "write:statuses")
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        row = await watches.create(tx, actor, params.data)
    return _entity(row)


async def _update(request: Request[Any, Any, Any], watch_id: str) -> Watch:
    actor = await _actor(request, "write:statuses")
    params = await Params.of(request)
    fields = {k: v for k, v in params.data.items() if k in FIELDS}
    async with services_of(request).db.transaction() as tx:
        row = await watches.update(tx, actor, _id(watch_id), fields)
    return _entity(row)


@put(f"{BASE}/{{watch_id:str}}")
async def update_watch(request: Request[Any, Any, Any], watch_id: str) -> Watch:
    """Change any of ``kind``, ``term``, ``language`` (empty: any), ``enabled``."""
    return await _update(request, watch_id)


@patch(f"{BASE}/{{watch_id:str}}")
async def patch_watch(request: Request[Any, Any, Any], watch_id: str) -> Watch:
    """The same as ``PUT``: only the fields given change."""
    return await _update(request, watch_id)


@delete(f"{BASE}/{{watch_id:str}}", status_code=200)
async def delete_watch(request: Request[Any, Any, Any], watch_id: str) -> dict[str, Any]:
    actor = await _actor(request, "write:statuses")
    async with services_of(request).db.transaction() as tx:
        await watches.remove(tx, actor, _id(watch_id))
    return {}


ROUTES = [list_watches, create_watch, update_watch, patch_watch, delete_watch]
