"""Filters: ``/api/v2/filters`` with keywords and statuses, and the legacy read-only
``GET /api/v1/filters`` (one v1 filter per keyword)."""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, get, post, put

from porina.api.mastodon.auth import require, services_of
from porina.api.mastodon.params import Params
from porina.core.clock import iso
from porina.core.errors import NotFound, Unprocessable
from porina.core.ids import parse_id
from porina.interactions import filters as f
from porina.interactions.models import FilterKeyword, FilterStatus
from porina.render import entities as e
from porina.render.renderer import Renderer


class V1Filter(e.Entity):
    id: str
    phrase: str
    context: list[str]
    whole_word: bool
    expires_at: str | None
    irreversible: bool


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise NotFound()
    return parsed


def _renderer(request: Request[Any, Any, Any]) -> Renderer:
    return Renderer(services_of(request).settings)


def _keyword_changes(params: Params) -> list[f.KeywordChange]:
    changes: list[f.KeywordChange] = []
    for item in params.list("keywords_attributes"):
        if not isinstance(item, dict):
            raise Unprocessable("Validation failed: keywords_attributes must be a list of objects")
        sub = Params(item)
        changes.append(
            f.KeywordChange(
                keyword=sub.str("keyword"),
                whole_word=sub.opt_bool("whole_word"),
                id=sub.id("id"),
                destroy=sub.bool("_destroy"),
            )
        )
    return changes


def _keyword(row: FilterKeyword) -> e.FilterKeyword:
    return e.FilterKeyword(id=str(row.id), keyword=row.keyword, whole_word=row.whole_word)


def _status(row: FilterStatus) -> e.FilterStatus:
    return e.FilterStatus(id=str(row.id), status_id=str(row.status_id))


async def _show(request: Request[Any, Any, Any], account_id: int, filter_id: int) -> e.Filter:
    async with services_of(request).db.read() as session:
        active = await f.one(session, account_id, filter_id)
    return _renderer(request).filter(active)


@get("/api/v2/filters")
async def index(request: Request[Any, Any, Any]) -> list[e.Filter]:
    viewer = await require(request, "read:filters")
    async with services_of(request).db.read() as session:
        rows = await f.filters_of(session, viewer.require_account())
    renderer = _renderer(request)
    return [renderer.filter(a) for a in rows]


@get("/api/v2/filters/{filter_id:str}")
async def show(request: Request[Any, Any, Any], filter_id: str) -> e.Filter:
    viewer = await require(request, "read:filters")
    return await _show(request, viewer.require_account(), _id(filter_id))


@post("/api/v2/filters", status_code=200)
async def create(request: Request[Any, Any, Any]) -> e.Filter:
    viewer = await require(request, "write:filters")
    me = viewer.require_account()
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        fid = await f.create(
            tx,
            me,
            title=params.str("title"),
            context=params.str_list("context"),
            action=params.text("filter_action", "warn") or "warn",
            expires_in=params.int("expires_in"),
            keywords=_keyword_changes(params),
        )
    return await _show(request, me, fid)


@put("/api/v2/filters/{filter_id:str}")
async def update(request: Request[Any, Any, Any], filter_id: str) -> e.Filter:
    viewer = await require(request, "write:filters")
    me = viewer.require_account()
    params = await Params.of(request)
    fid = _id(filter_id)
    clear_expiry = params.has("expires_in") and params.raw("expires_in") == ""
    async with services_of(request).db.transaction() as tx:
        await f.update(
            tx,
            me,
            fid,
            title=params.str("title"),
            context=params.str_list("context") if params.has("context") else None,
            action=params.str("filter_action"),
            expires_in=None if clear_expiry else params.int("expires_in"),
            clear_expiry=clear_expiry,
            keywords=_keyword_changes(params),
        )
    return await _show(request, me, fid)


@delete("/api/v2/filters/{filter_id:str}", status_code=200)
async def destroy(request: Request[Any, Any, Any], filter_id: str) -> dict[str, Any]:
    viewer = await require(request, "write:filters")
    async with services_of(request).db.transaction() as tx:
        await f.remove(tx, viewer.require_account(), _id(filter_id))
    return {}


@get("/api/v2/filters/{filter_id:str}/keywords")
async def keywords(request: Request[Any, Any, Any], filter_id: str) -> list[e.FilterKeyword]:
    viewer = await require(request, "read:filters")
    async with services_of(request).db.read() as session:
        active = await f.one(session, viewer.require_account(), _id(filter_id))
    return [_keyword(k) for k in active.keywords]


@post("/api/v2/filters/{filter_id:str}/keywords", status_code=200)
async def add_keyword(request: Request[Any, Any, Any], filter_id: str) -> e.FilterKeyword:
    viewer = await require(request, "write:filters")
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        row = await f.add_keyword(
            tx,
            viewer.require_account(),
            _id(filter_id),
            params.str("keyword"),
            params.bool("whole_word", True),
        )
    return _keyword(row)


@get(["/api/v2/filters/keywords/{keyword_id:str}", "/api/v2/filter_keywords/{keyword_id:str}"])
async def show_keyword(request: Request[Any, Any, Any], keyword_id: str) -> e.FilterKeyword:
    viewer = await require(request, "read:filters")
    async with services_of(request).db.read() as session:
        row = await f.owned_keyword(session, viewer.require_account(), _id(keyword_id))
    return _keyword(row)


@put(["/api/v2/filters/keywords/{keyword_id:str}", "/api/v2/filter_keywords/{keyword_id:str}"])
async def update_keyword(request: Request[Any, Any, Any], keyword_id: str) -> e.FilterKeyword:
    viewer = await require(request, "write:filters")
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        row = await f.update_keyword(
            tx,
            viewer.require_account(),
            _id(keyword_id),
            params.str("keyword"),
            params.opt_bool("whole_word"),
        )
    return _keyword(row)


@delete(
    ["/api/v2/filters/keywords/{keyword_id:str}", "/api/v2/filter_keywords/{keyword_id:str}"],
    status_code=200,
)
async def destroy_keyword(request: Request[Any, Any, Any], keyword_id: str) -> dict[str, Any]:
    viewer = await require(request, "write:filters")
    async with services_of(request).db.transaction() as tx:
        await f.remove_keyword(tx, viewer.require_account(), _id(keyword_id))
    return {}


@get("/api/v2/filters/{filter_id:str}/statuses")
async def statuses(request: Request[Any, Any, Any], filter_id: str) -> list[e.FilterStatus]:
    viewer = await require(request, "read:filters")
    async with services_of(request).db.read() as session:
        active = await f.one(session, viewer.require_account(), _id(filter_id))
    return [_status(s) for s in active.statuses]


@post("/api/v2/filters/{filter_id:str}/statuses", status_code=200)
async def add_status(request: Request[Any, Any, Any], filter_id: str) -> e.FilterStatus:
    viewer = await require(request, "write:filters")
    params = await Params.of(request)
    status_id = params.id("status_id")
    if status_id is None:
        raise Unprocessable("Validation failed: status_id is required")
    async with services_of(request).db.transaction() as tx:
        row = await f.add_status(tx, viewer.require_account(), _id(filter_id), status_id)
    return _status(row)


@get(
    [
        "/api/v2/filters/statuses/{filter_status_id:str}",
        "/api/v2/filter_statuses/{filter_status_id:str}",
    ]
)
async def show_status(request: Request[Any, Any, Any], filter_status_id: str) -> e.FilterStatus:
    viewer = await require(request, "read:filters")
    async with services_of(request).db.read() as session:
        row = await f.owned_status(session, viewer.require_account(), _id(filter_status_id))
    return _status(row)


@delete(
    [
        "/api/v2/filters/statuses/{filter_status_id:str}",
        "/api/v2/filter_statuses/{filter_status_id:str}",
    ],
    status_code=200,
)
async def destroy_status(request: Request[Any, Any, Any], filter_status_id: str) -> dict[str, Any]:
    viewer = await require(request, "write:filters")
    async with services_of(request).db.transaction() as tx:
        await f.remove_status(tx, viewer.require_account(), _id(filter_status_id))
    return {}


@get("/api/v1/filters")
async def index_v1(request: Request[Any, Any, Any]) -> list[V1Filter]:
    viewer = await require(request, "read:filters")
    async with services_of(request).db.read() as session:
        rows = await f.filters_of(session, viewer.require_account())
    return [
        V1Filter(
            id=str(k.id),
            phrase=k.keyword,
            context=list(a.row.context),
            whole_word=k.whole_word,
            expires_at=iso(a.row.expires_at),
            irreversible=a.row.action == "hide",
        )
        for a in rows
        for k in a.keywords
    ]


ROUTES = [
    index,
    show,
    create,
    update,
    destroy,
    keywords,
    add_keyword,
    show_keyword,
    update_keyword,
    destroy_keyword,
    statuses,
    add_status,
    show_status,
    destroy_status,
    index_v1,
]
