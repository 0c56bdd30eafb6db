"""Filtered notifications (Mastodon 4.3): the policy (``/api/v2/notifications/policy``, and
v1's boolean form) and the requests holding what it filtered
(``/api/v1/notifications/requests``)."""

from __future__ import annotations

from typing import Any, cast

from litestar import Request, Response, get, patch, post, put
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.api.mastodon.auth import require, services_of
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.core.clock import iso
from porina.core.ids import parse_id
from porina.notifications import requests as rq
from porina.notifications.models import NotificationRequest
from porina.notifications.notify import POLICY_FIELDS
from porina.notifications.queries import accounts_by_id
from porina.render import entities as e
from porina.render.renderer import Renderer, statuses_by_id


class PolicySummary(e.Entity):
    pending_requests_count: int
    pending_notifications_count: int


class NotificationPolicyEntity(e.Entity):
    for_not_following: str
    for_not_followers: str
    for_new_accounts: str
    for_private_mentions: str
    for_limited_accounts: str
    summary: PolicySummary


class V1NotificationPolicy(e.Entity):
    filter_not_following: bool
    filter_not_followers: bool
    filter_new_accounts: bool
    filter_private_mentions: bool
    summary: PolicySummary


class NotificationRequestEntity(e.Entity):
    id: str
    created_at: str
    updated_at: str
    notifications_count: str
    account: e.Account
    last_status: e.Status | None = None


V1_FIELDS = ("not_following", "not_followers", "new_accounts", "private_mentions")


async def _summary(session: AsyncSession, me: int) -> PolicySummary:
    found = await rq.summary(session, me)
    return PolicySummary(found.pending_requests_count, found.pending_notifications_count)


async def _policy_v2(request: Request[Any, Any, Any], changes: dict[str, str] | None) -> Any:
    me = await require(request, "write:notifications" if changes else "read:notifications")
    account = me.require_account()
    svc = services_of(request)
    if changes:
        async with svc.db.transaction() as tx:
            await rq.update_policy(tx, account, changes)
    async with svc.db.read() as session:
        values = await rq.policy(session, account)
        summary = await _summary(session, account)
    return values, summary


@get("/api/v2/notifications/policy")
async def show_policy(request: Request[Any, Any, Any]) -> NotificationPolicyEntity:
    values, summary = await _policy_v2(request, None)
    return NotificationPolicyEntity(**values, summary=summary)


async def _update_v2(request: Request[Any, Any, Any]) -> NotificationPolicyEntity:
    await require(request, "write:notifications")
    params = await Params.of(request)
    changes = {name: params.text(name) for name in POLICY_FIELDS if params.has(name)}
    values, summary = await _policy_v2(request, changes or None)
    return NotificationPolicyEntity(**values, summary=summary)


@patch("/api/v2/notifications/policy")
async def patch_policy(request: Request[Any, Any, Any]) -> NotificationPolicyEntity:
    return await _update_v2(request)


@put("/api/v2/notifications/policy")
async def put_policy(request: Request[Any, Any, Any]) -> NotificationPolicyEntity:
    return await _update_v2(request)


def _v1(values: dict[str, str], summary: PolicySummary) -> V1NotificationPolicy:
    flags = {f"filter_{name}": values[f"for_{name}"] != "accept" for name in V1_FIELDS}
    return V1NotificationPolicy(**flags, summary=summary)


@get("/api/v1/notifications/policy")
async def show_policy_v1(request: Request[Any, Any, Any]) -> V1NotificationPolicy:
    values, summary = await _policy_v2(request, None)
    return _v1(values, summary)


async def _update_v1(request: Request[Any, Any, Any]) -> V1NotificationPolicy:
    await require(request, "write:notifications")
    params = await Params.of(request)
    changes = {
        f"for_{name}": "filter" if params.bool(f"filter_{name}") else "accept"
        for name in V1_FIELDS
        if params.has(f"filter_{name}")
    }
    values, summary = await _policy_v2(request, changes or None)
    return _v1(values, summary)


@patch("/api/v1/notifications/policy")
async def patch_policy_v1(request: Request[Any, Any, Any]) -> V1NotificationPolicy:
    return await _update_v1(request)


@put("/api/v1/notifications/policy")
async def put_policy_v1(request: Request[Any, Any, Any]) -> V1NotificationPolicy:
    return await _update_v1(request)


# --- requests ------------------------------------------------------------------------------


async def _render(
    request: Request[Any, Any, Any], session: AsyncSession, me: int, found: list[rq.RequestView]
) -> list[NotificationRequestEntity]:
    """Requests with their senders and last statuses (only statuses the viewer may see)."""
    renderer = Renderer(services_of(request).settings)
    accounts = await accounts_by_id(session, {v.request.from_account_id for v in found})
    wanted = [v.last_status_id for v in found if v.last_status_id is not None]
    statuses = {int(s.id): s for s in await statuses_by_id(renderer, session, me, wanted)}
    out: list[NotificationRequestEntity] = []
    for view in found:
        sender = accounts.get(view.request.from_account_id)
        if sender is None:
            continue
        last = statuses.get(view.last_status_id) if view.last_status_id is not None else None
        out.append(
            NotificationRequestEntity(
                id=str(view.request.id),
                created_at=iso(view.request.created_at) or "",
                updated_at=iso(view.request.updated_at) or "",
                notifications_count=str(view.notifications_count),
                account=renderer.account(sender),
                last_status=last,
            )
        )
    return out


@get("/api/v1/notifications/requests")
async def list_requests(request: Request[Any, Any, Any]) -> Response[list[Any]]:
    viewer = await require(request, "read:notifications")
    me = viewer.require_account()
    params = await Params.of(request)
    page = Page.of(params, default=40, maximum=80)
    query: Select[Any] = page.apply(rq.requests_select(me), cast(Any, NotificationRequest.id))
    async with services_of(request).db.read() as session:
        found = page.arrange(rq.views(await session.execute(query)))
        body = await _render(request, session, me, found)
    return Response(body, headers=link_header(request, [v.request.id for v in found], page))


@get("/api/v1/notifications/requests/merged")
async def requests_merged(request: Request[Any, Any, Any]) -> dict[str, bool]:
    """Whether filtered notifications are all in their requests: always, here (Mastodon
    answers false while a migration merges older ones)."""
    await require(request, "read:notifications")
    return {"merged": True}


def _one_id(raw: str) -> int:
    parsed = parse_id(raw)
    return parsed if parsed is not None else 0  # no request has id 0: a 404


@get("/api/v1/notifications/requests/{request_id:str}")
async def show_request(request: Request[Any, Any, Any], request_id: str) -> Any:
    viewer = await require(request, "read:notifications")
    me = viewer.require_account()
    async with services_of(request).db.read() as session:
        found = await rq.request(session, me, _one_id(request_id))
        body = await _render(request, session, me, [found])
    return body[0] if body else Response({"error": "Record not found"}, status_code=404)


async def _act(
    request: Request[Any, Any, Any], ids: list[int], *, accept: bool, strict: bool
) -> Any:
    viewer = await require(request, "write:notifications")
    me = viewer.require_account()
    async with services_of(request).db.transaction() as tx:
        if accept:
            await rq.accept(tx, me, ids, strict=strict)
        else:
            await rq.dismiss(tx, me, ids, strict=strict)
    return {}


@post("/api/v1/notifications/requests/{request_id:str}/accept", status_code=200)
async def accept_request(request: Request[Any, Any, Any], request_id: str) -> dict[str, Any]:
    result: dict[str, Any] = await _act(request, [_one_id(request_id)], accept=True, strict=True)
    return result


@post("/api/v1/notifications/requests/{request_id:str}/dismiss", status_code=200)
async def dismiss_request(request: Request[Any, Any, Any], request_id: str) -> dict[str, Any]:
    result: dict[str, Any] = await _act(request, [_one_id(request_id)], accept=False, strict=True)
    return result


async def _bulk_ids(request: Request[Any, Any, Any]) -> list[int]:
    """``id[]``: ids that name nothing are left out, as Mastodon does."""
    params = await Params.of(request)
    parsed = (parse_id(raw) for raw in params.str_list("id", max_items=1000))
    return [i for i in parsed if i is not None]


@post("/api/v1/notifications/requests/accept", status_code=200)
async def accept_requests(request: Request[Any, Any, Any]) -> dict[str, Any]:
    await require(request, "write:notifications")
    result: dict[str, Any] = await _act(
        request, await _bulk_ids(request), accept=True, strict=False
    )
    return result


@post("/api/v1/notifications/requests/dismiss", status_code=200)
async def dismiss_requests(request: Request[Any, Any, Any]) -> dict[str, Any]:
    await require(request, "write:notifications")
    result: dict[str, Any] = await _act(
        request, await _bulk_ids(request), accept=False, strict=False
    )
    return result


ROUTES = [
    show_policy,
    patch_policy,
    put_policy,
    show_policy_v1,
    patch_policy_v1,
    put_policy_v1,
    list_requests,
    requests_merged,
    show_request,
    accept_request,
    dismiss_request,
    accept_requests,
    dismiss_requests,
]
