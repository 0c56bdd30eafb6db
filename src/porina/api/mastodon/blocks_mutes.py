"""``/api/v1/blocks``, ``/api/v1/mutes`` and ``/api/v1/domain_blocks``."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, delete, get, post

from porina.accounts import graph, queries
from porina.accounts.models import Block, Mute
from porina.anonymity.blocking import quiet_block
from porina.api.mastodon import auth
from porina.api.mastodon.accounts import renderer
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.core.errors import Unprocessable


@get("/api/v1/blocks")
async def blocks(request: Request[Any, Any, Any]) -> Response[Any]:
    viewer = await auth.require(request, "read:blocks")
    page = Page.of(await Params.of(request), 40, 80)
    async with auth.services_of(request).db.read() as session:
        rows = await queries.edge_page(
            session,
            queries.blocks_query(viewer.require_account()).where(
                ~quiet_block(Block.account_id, Block.target_account_id)
            ),
            Block.id,
            page,
        )
    r = renderer(request)
    return Response(
        [r.account(a) for _, a in rows], headers=link_header(request, [i for i, _ in rows], page)
    )


@get("/api/v1/mutes")
async def mutes(request: Request[Any, Any, Any]) -> Response[Any]:
    viewer = await auth.require(request, "read:mutes")
    page = Page.of(await Params.of(request), 40, 80)
    async with auth.services_of(request).db.read() as session:
        rows = await queries.edge_page(
            session, queries.mutes_query(viewer.require_account()), Mute.id, page
        )
    r = renderer(request)
    return Response(
        [r.account(a) for _, a in rows], headers=link_header(request, [i for i, _ in rows], page)
    )


@get("/api/v1/domain_blocks")
async def domain_blocks(request: Request[Any, Any, Any]) -> Response[Any]:
    viewer = await auth.require(request, "read:blocks")
    page = Page.of(await Params.of(request), 100, 200)
    async with auth.services_of(request).db.read() as session:
        rows = await queries.domain_blocks(session, viewer.require_account(), page)
    return Response([d for _, d in rows], headers=link_header(request, [i for i, _ in rows], page))


async def _domain(request: Request[Any, Any, Any]) -> tuple[auth.Viewer, str]:
    viewer = await auth.require(request, "write:blocks")
    domain = (await Params.of(request)).text("domain", max_len=253)
    if not domain.strip():
        raise Unprocessable("Validation failed: Domain can't be blank")
    return viewer, domain


@post("/api/v1/domain_blocks", status_code=200)
async def block_domain(request: Request[Any, Any, Any]) -> dict[str, Any]:
    viewer, domain = await _domain(request)
    async with auth.services_of(request).db.transaction() as tx:
        await graph.block_domain(tx, auth.actor_of(viewer), domain)
    return {}


@delete("/api/v1/domain_blocks", status_code=200)
async def unblock_domain(request: Request[Any, Any, Any]) -> dict[str, Any]:
    viewer, domain = await _domain(request)
    async with auth.services_of(request).db.transaction() as tx:
        await graph.unblock_domain(tx, auth.actor_of(viewer), domain)
    return {}


ROUTES = [blocks, mutes, domain_blocks, block_domain, unblock_domain]
