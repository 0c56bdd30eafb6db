"""Lists: ``/api/v1/lists`` and their members, and ``/api/v1/accounts/:id/lists``."""

from __future__ import annotations

from typing import Any, cast

from litestar import Request, Response, delete, get, post, put

from porina.accounts.models import Account
from porina.api.mastodon.auth import require, services_of
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.core.errors import NotFound, Unprocessable
from porina.core.ids import parse_id
from porina.lists import actions
from porina.lists import queries as q
from porina.lists.models import List as ListRow
from porina.render import entities as e
from porina.render.renderer import Renderer


class List(e.Entity):
    id: str
    title: str
    replies_policy: str
    exclusive: bool


def _entity(row: ListRow) -> List:
    return List(
        id=str(row.id), title=row.title, replies_policy=row.replies_policy, exclusive=row.exclusive
    )


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise NotFound()
    return parsed


def _member_ids(params: Params) -> list[int]:
    ids = params.id_list("account_ids", max_items=200)
    if not ids:
        raise Unprocessable("Validation failed: account_ids must not be empty")
    return ids


@get("/api/v1/lists")
async def index(request: Request[Any, Any, Any]) -> list[List]:
    viewer = await require(request, "read:lists")
    async with services_of(request).db.read() as session:
        rows = await q.lists_of(session, viewer.require_account())
    return [_entity(r) for r in rows]


@get("/api/v1/lists/{list_id:str}")
async def show(request: Request[Any, Any, Any], list_id: str) -> List:
    viewer = await require(request, "read:lists")
    async with services_of(request).db.read() as session:
        row = await q.own_list(session, viewer.require_account(), _id(list_id))
    if row is None:
        raise NotFound()
    return _entity(row)


@post("/api/v1/lists", status_code=200)
async def create(request: Request[Any, Any, Any]) -> List:
    viewer = await require(request, "write:lists")
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        row = await actions.create(
            tx,
            viewer.require_account(),
            params.str("title"),
            params.text("replies_policy", "list") or "list",
            params.bool("exclusive"),
        )
    return _entity(row)


@put("/api/v1/lists/{list_id:str}")
async def update(request: Request[Any, Any, Any], list_id: str) -> List:
    viewer = await require(request, "write:lists")
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        row = await actions.update(
            tx,
            viewer.require_account(),
            _id(list_id),
            title=params.str("title"),
            replies_policy=params.str("replies_policy"),
            exclusive=params.opt_bool("exclusive"),
        )
    return _entity(row)


@delete("/api/v1/lists/{list_id:str}", status_code=200)
async def destroy(request: Request[Any, Any, Any], list_id: str) -> dict[str, Any]:
    viewer = await require(request, "write:lists")
    async with services_of(request).db.transaction() as tx:
        await actions.remove(tx, viewer.require_account(), _id(list_id))
    return {}


@get("/api/v1/lists/{list_id:str}/accounts")
async def members(request: Request[Any, Any, Any], list_id: str) -> Response[list[e.Account]]:
    viewer = await require(request, "read:lists")
    params = await Params.of(request)
    everyone = params.int("limit", 40) == 0  # Mastodon: limit=0 means all members
    page = Page.of(params, default=40, maximum=80)
    renderer = Renderer(services_of(request).settings)
    async with services_of(request).db.read() as session:
        lid = _id(list_id)
        if await q.own_list(session, viewer.require_account(), lid) is None:
            raise NotFound()
        query = q.list_members_select(lid)
        if everyone:
            rows = list(await session.scalars(query.order_by(Account.id.desc())))
        else:
            rows = page.arrange(
                list(await session.scalars(page.apply(query, cast(Any, Account.id))))
            )
    headers = {} if everyone else link_header(request, [a.id for a in rows], page)
    return Response([renderer.account(a) for a in rows], headers=headers)


@post("/api/v1/lists/{list_id:str}/accounts", status_code=200)
async def add_members(request: Request[Any, Any, Any], list_id: str) -> dict[str, Any]:
    viewer = await require(request, "write:lists")
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        await actions.add_accounts(tx, viewer.require_account(), _id(list_id), _member_ids(params))
    return {}


@delete("/api/v1/lists/{list_id:str}/accounts", status_code=200)
async def remove_members(request: Request[Any, Any, Any], list_id: str) -> dict[str, Any]:
    viewer = await require(request, "write:lists")
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        await actions.remove_accounts(
            tx, viewer.require_account(), _id(list_id), _member_ids(params)
        )
    return {}


@get("/api/v1/accounts/{account_id:str}/lists")
async def account_lists(request: Request[Any, Any, Any], account_id: str) -> list[List]:
    viewer = await require(request, "read:lists")
    async with services_of(request).db.read() as session:
        aid = _id(account_id)
        if await session.get(Account, aid) is None:
            raise NotFound()
        rows = await q.lists_containing(session, viewer.require_account(), aid)
    return [_entity(r) for r in rows]


ROUTES = [index, show, create, update, destroy, members, add_members, remove_members, account_lists]
