"""Quote policies after posting (Mastodon 4.5): ``PUT /api/v1/statuses/:id/interaction_policy``
changes who may quote a status; ``POST /api/v1/statuses/:id/quotes/:quoting_id/revoke``
withdraws consent to one quote. The rules are ``posts/quote_policy.py``."""

from __future__ import annotations

from typing import Any

from litestar import Request, post, put

from porina.api.mastodon import auth
from porina.api.mastodon.params import Params
from porina.api.mastodon.statuses import render_one
from porina.core.ids import parse_id
from porina.posts import quote_policy
from porina.render import entities as e


@put("/api/v1/statuses/{status_id:str}/interaction_policy")
async def interaction_policy(request: Request[Any, Any, Any], status_id: str) -> e.Status:
    viewer = await auth.require(request, "write:statuses")
    chosen = (await Params.of(request)).str("quote_approval_policy")
    async with auth.services_of(request).db.transaction() as tx:
        status = await quote_policy.change(tx, auth.actor_of(viewer), parse_id(status_id), chosen)
    return await render_one(request, viewer.account_id, status.id)


@post("/api/v1/statuses/{status_id:str}/quotes/{quoting_id:str}/revoke", status_code=200)
async def revoke(request: Request[Any, Any, Any], status_id: str, quoting_id: str) -> e.Status:
    """Answers with the quoting status, as Mastodon (its quote now ``revoked``)."""
    viewer = await auth.require(request, "write:statuses")
    async with auth.services_of(request).db.transaction() as tx:
        quoting = await quote_policy.revoke(
            tx, auth.actor_of(viewer), parse_id(status_id), parse_id(quoting_id)
        )
    return await render_one(request, viewer.account_id, quoting.id)


ROUTES = [interaction_policy, revoke]
