"""Mastodon's v1 filters (deprecated, still served by 4.x): a v1 filter is one keyword of a
v2 filter. ``POST /api/v1/filters`` makes a filter titled with the phrase holding that one
keyword; ``GET``/``PUT``/``DELETE /api/v1/filters/:id`` name the keyword. Changing the phrase's
filter (context, irreversible, expiry) through v1 is refused when that filter holds other
keywords too, as Mastodon. ``GET /api/v1/filters`` is in ``filters.py``."""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, get, post, put

from porina.api.mastodon.auth import require, services_of
from porina.api.mastodon.filters import V1Filter
from porina.api.mastodon.params import Params
from porina.core.clock import iso
from porina.core.errors import NotFound, Unprocessable
from porina.core.ids import parse_id
from porina.interactions import filters as f

MULTIPLE = (
    "Validation failed: This filter has multiple keywords and cannot be edited through the "
    "deprecated v1 API"
)


def _keyword_id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise NotFound()
    return parsed


async def _entity(request: Request[Any, Any, Any], account_id: int, keyword_id: int) -> V1Filter:
    async with services_of(request).db.read() as session:
        keyword = await f.owned_keyword(session, account_id, keyword_id)
        active = await f.one(session, account_id, keyword.filter_id)
    return V1Filter(
        id=str(keyword.id),
        phrase=keyword.keyword,
        context=list(active.row.context),
        whole_word=keyword.whole_word,
        expires_at=iso(active.row.expires_at),
        irreversible=active.row.action == "hide",
    )


@post("/api/v1/filters", status_code=200)
async def create_v1(request: Request[Any, Any, Any]) -> V1Filter:
    viewer = await require(request, "write:filters")
    me = viewer.require_account()
    params = await Params.of(request)
    phrase = params.str("phrase")
    async with services_of(request).db.transaction() as tx:
        fid = await f.create(
            tx,
            me,
            title=phrase,
            context=params.str_list("context"),
            action="hide" if params.bool("irreversible") else "warn",
            expires_in=params.int("expires_in"),
            keywords=[f.KeywordChange(keyword=phrase, whole_word=params.bool("whole_word", True))],
        )
    async with services_of(request).db.read() as session:
        active = await f.one(session, me, fid)
    return await _entity(request, me, active.keywords[0].id)


@get("/api/v1/filters/{keyword_id:str}")
async def show_v1(request: Request[Any, Any, Any], keyword_id: str) -> V1Filter:
    viewer = await require(request, "read:filters")
    return await _entity(request, viewer.require_account(), _keyword_id(keyword_id))


@put("/api/v1/filters/{keyword_id:str}")
async def update_v1(request: Request[Any, Any, Any], keyword_id: str) -> V1Filter:
    viewer = await require(request, "write:filters")
    me = viewer.require_account()
    kid = _keyword_id(keyword_id)
    params = await Params.of(request)
    filter_changes = any(params.has(n) for n in ("context", "irreversible", "expires_in"))
    clear_expiry = params.has("expires_in") and params.raw("expires_in") == ""
    async with services_of(request).db.transaction() as tx:
        keyword = await f.owned_keyword(tx.session, me, kid)
        active = await f.one(tx.session, me, keyword.filter_id)
        if filter_changes and len(active.keywords) > 1:
            raise Unprocessable(MULTIPLE)
        await f.update_keyword(tx, me, kid, params.str("phrase"), params.opt_bool("whole_word"))
        if filter_changes:
            await f.update(
                tx,
                me,
                keyword.filter_id,
                context=params.str_list("context") if params.has("context") else None,
                action=("hide" if params.bool("irreversible") else "warn")
                if params.has("irreversible")
                else None,
                expires_in=None if clear_expiry else params.int("expires_in"),
                clear_expiry=clear_expiry,
            )
    return await _entity(request, me, kid)


@delete("/api/v1/filters/{keyword_id:str}", status_code=200)
async def destroy_v1(request: Request[Any, Any, Any], keyword_id: str) -> dict[str, Any]:
    viewer = await require(request, "write:filters")
    async with services_of(request).db.transaction() as tx:
        await f.remove_keyword(tx, viewer.require_account(), _keyword_id(keyword_id))
    return {}


ROUTES = [create_v1, show_v1, update_v1, destroy_v1]
