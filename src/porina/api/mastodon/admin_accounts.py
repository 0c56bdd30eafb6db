"""The admin API's account list (``/api/v1/admin/accounts`` and v2's filters), approving or
rejecting sign-ups (``approve``, ``reject``), and deleting a suspended account's data.
Showing one account and acting on it are in ``admin.py``."""

from __future__ import annotations

from typing import Any, cast

from litestar import Request, Response, delete, get, post
from sqlalchemy import Select

from porina.accounts.models import Account
from porina.api.mastodon.admin import AdminAccount, _id, _renderer, _users, admin_account
from porina.api.mastodon.auth import require_admin, services_of
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.core.errors import NotFound
from porina.moderation import accounts as moderation
from porina.moderation import purge
from porina.moderation.accounts import AccountQuery

LIMIT = 100
V1_STATUSES = ("active", "pending", "disabled", "silenced", "suspended", "sensitized")
STAFF_ROLE_IDS = ("1", "2")
TEXT_FILTERS = ("username", "display_name", "by_domain", "email", "ip")


def _texts(params: Params) -> dict[str, str | None]:
    return {name: params.str(name, max_len=320) for name in TEXT_FILTERS}


def _v1_query(params: Params) -> AccountQuery:
    """v1's booleans, on top of its defaults (local, active), as Mastodon translates them."""
    status = "active"
    for name in V1_STATUSES:
        if params.has(name) and params.raw(name) != "":
            status = name
    return AccountQuery(
        origin="remote" if params.has("remote") and params.raw("remote") != "" else "local",
        status=status,
        role_ids=STAFF_ROLE_IDS if params.has("staff") and params.raw("staff") != "" else (),
        **_texts(params),
    )


def _v2_query(params: Params) -> AccountQuery:
    roles = tuple(params.str_list("role_ids", max_items=100))
    if params.str("permissions") == "staff":
        roles = STAFF_ROLE_IDS  # replaces role_ids, as Mastodon
    return AccountQuery(
        origin=params.str("origin") or None,
        status=params.str("status") or None,
        role_ids=roles,
        **_texts(params),
    )


async def _list(request: Request[Any, Any, Any], v2: bool) -> Response[list[AdminAccount]]:
    await require_admin(request, "admin:read:accounts")
    params = await Params.of(request)
    page = Page.of(params, default=LIMIT, maximum=LIMIT * 2)
    wanted = _v2_query(params) if v2 else _v1_query(params)
    query: Select[Any] = page.apply(moderation.accounts_select(wanted), cast(Any, Account.id))
    async with services_of(request).db.read() as session:
        rows: list[Account] = page.arrange(list(await session.scalars(query)))
        users = await _users(session, {a.id for a in rows})
    renderer = _renderer(request)
    body = [admin_account(renderer, a, users.get(a.id)) for a in rows]
    return Response(body, headers=link_header(request, [a.id for a in rows], page))


@get("/api/v1/admin/accounts")
async def list_accounts(request: Request[Any, Any, Any]) -> Response[list[AdminAccount]]:
    return await _list(request, v2=False)


@get("/api/v2/admin/accounts")
async def list_accounts_v2(request: Request[Any, Any, Any]) -> Response[list[AdminAccount]]:
    return await _list(request, v2=True)


@post("/api/v1/admin/accounts/{account_id:str}/approve", status_code=200)
async def approve(request: Request[Any, Any, Any], account_id: str) -> AdminAccount:
    await require_admin(request, "admin:write:accounts")
    aid = _id(account_id)
    async with services_of(request).db.transaction() as tx:
        user = await moderation.approve(tx, aid)
        account = await tx.session.get(Account, aid)
    if account is None:
        raise NotFound()
    return admin_account(_renderer(request), account, user)


@post("/api/v1/admin/accounts/{account_id:str}/reject", status_code=200)
async def reject(request: Request[Any, Any, Any], account_id: str) -> dict[str, Any]:
    await require_admin(request, "admin:write:accounts")
    async with services_of(request).db.transaction() as tx:
        await moderation.reject(tx, _id(account_id))
    return {}


@delete("/api/v1/admin/accounts/{account_id:str}", status_code=200)
async def delete_account(request: Request[Any, Any, Any], account_id: str) -> dict[str, Any]:
    """Delete a suspended account's data (``moderation.purge``, a job); 403 for an account
    that is not suspended, as Mastodon."""
    await require_admin(request, "admin:write:accounts")
    async with services_of(request).db.transaction() as tx:
        await purge.schedule(tx, _id(account_id))
    return {}


ROUTES = [list_accounts, list_accounts_v2, approve, reject, delete_account]
