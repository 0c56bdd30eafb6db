"""``/api/v1/follow_requests``: people asking to follow a locked account."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post

from porina.accounts import graph, queries
from porina.accounts.models import FollowRequest
from porina.api.mastodon import auth
from porina.api.mastodon.accounts import act, renderer, simple
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.render import entities as e


@get("/api/v1/follow_requests")
async def index(request: Request[Any, Any, Any]) -> Response[Any]:
    viewer = await auth.require(request, "read:follows")
    page = Page.of(await Params.of(request), 40, 80)
    async with auth.services_of(request).db.read() as session:
        query = queries.requests_query(viewer.require_account())
        rows = await queries.edge_page(session, query, FollowRequest.id, page)
    r = renderer(request)
    return Response(
        [r.account(a) for _, a in rows], headers=link_header(request, [i for i, _ in rows], page)
    )


@post("/api/v1/follow_requests/{account_id:str}/authorize", status_code=200)
async def authorize(request: Request[Any, Any, Any], account_id: str) -> e.Relationship:
    return await act(request, "write:follows", account_id, simple(graph.authorize_request))


@post("/api/v1/follow_requests/{account_id:str}/reject", status_code=200)
async def reject(request: Request[Any, Any, Any], account_id: str) -> e.Relationship:
    return await act(request, "write:follows", account_id, simple(graph.reject_request))


ROUTES = [index, authorize, reject]
