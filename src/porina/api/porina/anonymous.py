"""Taking part anonymously (docs/api.md, "Anonymous posts"; the policy: docs/privacy.md).

``POST /api/porina/v1/anonymous/statuses`` posts a reply or a question to a brand under a
pseudonym and answers the Status as everyone sees it: its ``account`` is the pseudonym. The
author lists and deletes their own anonymous posts here; an account sets whether its threads
take them; only instance admins reveal an author, and every reveal is logged.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, delete, get, post, put
from sqlalchemy import select

from porina.accounts.errors import AccountNotFound
from porina.accounts.models import Account
from porina.anonymity import actions, queries
from porina.anonymity.errors import AnonymousStatusNotFound, PendingNotFound, RevealForbidden
from porina.anonymity.models import AnonymousPending, AnonymousReveal
from porina.api.mastodon import auth
from porina.api.mastodon.params import Params
from porina.api.mastodon.statuses import render_one, renderer_of, status_id_of
from porina.core.ids import parse_id
from porina.groups import queries as group_queries
from porina.groups.errors import GroupNotFound
from porina.groups.models import Group
from porina.posts.errors import StatusNotFound
from porina.render import entities as e
from porina.render.pages import rows_for
from porina.render.renderer import timestamp
from porina.timelines.page import for_ids

BASE = "/api/porina/v1/anonymous"
ADMIN = "/api/porina/v1/admin/anonymous"


class Policy(e.Entity):
    account_id: str
    mode: str


class Pending(e.Entity):
    id: str
    state: str
    in_reply_to_id: str | None
    brand_id: str | None
    group_id: str | None
    queue_id: str
    text: str
    spoiler_text: str
    created_at: str


class Reveal(e.Entity):
    id: str
    status_id: str
    pseudonym: e.Account | None
    account: e.Account | None
    revealed_by: e.Account | None
    reason: str
    created_at: str


def _pending(row: AnonymousPending) -> Pending:
    return Pending(
        id=str(row.id),
        state="pending",
        in_reply_to_id=str(row.in_reply_to_id) if row.in_reply_to_id else None,
        brand_id=str(row.brand_id) if row.brand_id else None,
        group_id=str(row.group_id) if row.group_id else None,
        queue_id=str(row.queue_account_id),
        text=row.text,
        spoiler_text=row.spoiler_text,
        created_at=timestamp(row.created_at) or "",
    )


def _pending_id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise PendingNotFound()
    return parsed


def _target(params: Params, name: str) -> int | None:
    """A referenced id; one that cannot exist names nothing (404), as in Mastodon."""
    raw = params.raw(name)
    if raw is None or raw == "":
        return None
    parsed = parse_id(raw if isinstance(raw, str | int) and not isinstance(raw, bool) else None)
    if parsed is None:
        raise StatusNotFound() if name == "in_reply_to_id" else AnonymousStatusNotFound()
    return parsed


@post(f"{BASE}/statuses", status_code=200)
async def create(request: Request[Any, Any, Any]) -> Response[Any]:
    """``{status, in_reply_to_id | brand_id | group_id, spoiler_text?, sensitive?,
    language?}``: the new status, its ``account`` the pseudonym; or, where the brand holds
    anonymous posts for its staff (``moderated``), ``202`` and the Pending post."""
    viewer = await auth.require(request, "write:statuses")
    params = await Params.of(request)
    new = actions.AnonymousPost(
        text=params.text("status"),
        in_reply_to_id=_target(params, "in_reply_to_id"),
        brand_id=_target(params, "brand_id"),
        group_id=_target(params, "group_id"),
        spoiler_text=params.text("spoiler_text"),
        sensitive=params.bool("sensitive"),
        language=params.str("language") or None,
    )
    async with auth.services_of(request).db.transaction() as tx:
        made = await actions.post(tx, auth.actor_of(viewer), new)
    if isinstance(made, AnonymousPending):
        return Response(_pending(made), status_code=202)
    return Response(await render_one(request, viewer.account_id, made.id))


@get(f"{BASE}/statuses")
async def own(request: Request[Any, Any, Any]) -> list[e.Status]:
    """The caller's own anonymous posts, newest first (``limit``, at most 40): to them alone."""
    viewer = await auth.require(request, "read:statuses")
    params = await Params.of(request)
    svc = auth.services_of(request)
    async with svc.db.read() as session:
        ids = await queries.own_status_ids(session, viewer.require_account(), params.limit())
    rows = [r for r in await for_ids(svc.db, viewer.account_id, ids, mutes=False) if r.visible]
    return await rows_for(svc, viewer.account_id, rows, seen=False)


@delete(f"{BASE}/statuses/{{status_id:str}}", status_code=200)
async def destroy(request: Request[Any, Any, Any], status_id: str) -> e.Status:
    """The author deletes their anonymous post; the answer is the status as it was, with its
    ``text`` for a redraft (as ``DELETE /api/v1/statuses/:id``). Anyone else: 404."""
    viewer = await auth.require(request, "write:statuses")
    target = status_id_of(status_id)
    entity = await render_one(request, viewer.account_id, target)
    async with auth.services_of(request).db.transaction() as tx:
        status = await actions.delete_own(tx, auth.actor_of(viewer), target)
    entity.text = status.text
    return entity


@put(f"{BASE}/policy")
async def set_policy(request: Request[Any, Any, Any]) -> Policy:
    """``{mode: open | off}`` for the account the token acts as (a brand's owner or manager):
    whether its threads and questions to it take anonymous posts."""
    viewer = await auth.require(request, "write:accounts")
    params = await Params.of(request)
    async with auth.services_of(request).db.transaction() as tx:
        row = await actions.set_policy(tx, auth.actor_of(viewer), params.text("mode"))
    return Policy(account_id=str(row.account_id), mode=row.mode)


class GroupPolicy(e.Entity):
    group_id: str
    policy: str
    allow_anonymous: bool


def _group_id(raw: str) -> int:
    wanted = parse_id(raw)
    if wanted is None:
        raise GroupNotFound()
    return wanted


@put(f"{BASE}/groups/{{group_id:str}}")
async def set_group_policy(request: Request[Any, Any, Any], group_id: str) -> GroupPolicy:
    """``{policy: open | moderated | off}`` (or the older ``{allow_anonymous: true | false}``,
    open or off): a group's owners and moderators choose whether it takes anonymous posts
    (new groups do not) and whether each waits in the group's queue."""
    viewer = await auth.require(request, "write:accounts")
    params = await Params.of(request)
    wanted = _group_id(group_id)
    mode = params.text("policy")
    if not mode and params.raw("allow_anonymous") is not None:
        mode = "open" if params.bool("allow_anonymous") else "off"
    async with auth.services_of(request).db.transaction() as tx:
        group = await actions.set_group_policy(tx, auth.actor_of(viewer), wanted, mode)
    return GroupPolicy(group_id=str(group.id), policy=mode, allow_anonymous=mode != "off")


@get(f"{BASE}/groups/{{group_id:str}}/queue")
async def group_queue(request: Request[Any, Any, Any], group_id: str) -> list[Pending]:
    """The group's held anonymous posts, oldest first, for its owners and moderators (they
    never name their author; approve or reject them at ``/queue/:id``). Others: 403 (404
    for a hidden group they may not know of)."""
    viewer = await auth.require(request, "read:statuses")
    async with auth.services_of(request).db.read() as session:
        seen = await group_queries.moderating(
            session, _group_id(group_id), viewer.require_account()
        )
        rows = await queries.queue_of(session, seen.group.id)
    return [_pending(row) for row in rows]


@get(f"{BASE}/policy/{{account_id:str}}")
async def show_policy(request: Request[Any, Any, Any], account_id: str) -> Policy:
    """Public: whether ``account_id`` takes anonymous posts: ``open`` (an account's default),
    ``moderated`` or ``off`` (a group's default)."""
    await auth.optional(request, "read:accounts")
    parsed = parse_id(account_id)
    async with auth.services_of(request).db.read() as session:
        account = await session.get(Account, parsed) if parsed is not None else None
        if account is None:
            raise AccountNotFound()
        group = await session.get(Group, account.id)
        if group is not None:
            mode = await queries.group_mode(session, group)
        else:
            mode = await queries.policy_of(session, account.id)
    return Policy(account_id=str(account.id), mode=mode)


async def _reveal_entity(request: Request[Any, Any, Any], row: AnonymousReveal) -> Reveal:
    renderer = renderer_of(request)
    wanted = {row.pseudonym_account_id, row.author_account_id, row.admin_account_id}
    async with auth.services_of(request).db.read() as session:
        found = await session.scalars(select(Account).where(Account.id.in_(wanted)))
        accounts = {a.id: renderer.account(a) for a in found}
    return Reveal(
        id=str(row.id),
        status_id=str(row.status_id),
        pseudonym=accounts.get(row.pseudonym_account_id),
        account=accounts.get(row.author_account_id),
        revealed_by=accounts.get(row.admin_account_id),
        reason=row.reason,
        created_at=timestamp(row.created_at) or "",
    )


async def _admin(request: Request[Any, Any, Any], scope: str) -> auth.Viewer:
    """An instance admin (role ``admin``; moderators may not), acting as themself."""
    viewer = await auth.require(request, scope)
    if viewer.role != "admin" or viewer.operated:
        raise RevealForbidden(actions.ADMINS_ONLY)
    return viewer


@post(f"{ADMIN}/{{status_id:str}}/reveal", status_code=200)
async def reveal(request: Request[Any, Any, Any], status_id: str) -> Reveal:
    """``{reason}``: who wrote the anonymous status, for an instance admin; logged."""
    viewer = await _admin(request, "admin:write")
    params = await Params.of(request)
    target = status_id_of(status_id)
    async with auth.services_of(request).db.transaction() as tx:
        row = await actions.reveal(tx, auth.actor_of(viewer), target, params.text("reason"))
    return await _reveal_entity(request, row)


@get(f"{ADMIN}/reveals")
async def reveal_log(request: Request[Any, Any, Any]) -> list[Reveal]:
    """Every reveal, newest first (``limit``, at most 40): who revealed whom, when and why."""
    await _admin(request, "admin:read")
    params = await Params.of(request)
    async with auth.services_of(request).db.read() as session:
        rows = await queries.reveals(session, params.limit())
    return [await _reveal_entity(request, row) for row in rows]


@get(f"{BASE}/pending")
async def own_pending(request: Request[Any, Any, Any]) -> list[Pending]:
    """The caller's own anonymous posts waiting in a group's or a brand's queue (to them
    alone)."""
    viewer = await auth.require(request, "read:statuses")
    async with auth.services_of(request).db.read() as session:
        rows = await queries.pending_of(session, viewer.require_account())
    return [_pending(row) for row in rows]


@get(f"{BASE}/queue")
async def queue(request: Request[Any, Any, Any]) -> list[Pending]:
    """The held posts of the account the token acts as (a brand's staff), oldest first; they
    never name their author."""
    viewer = await auth.require(request, "read:statuses")
    async with auth.services_of(request).db.read() as session:
        rows = await queries.queue_of(session, viewer.require_account())
    return [_pending(row) for row in rows]


@post(f"{BASE}/queue/{{pending_id:str}}/approve", status_code=200)
async def approve(request: Request[Any, Any, Any], pending_id: str) -> Response[Any]:
    """Publish a held post (a brand's owners and managers, a group's owners and moderators):
    the Status, under its pseudonym; or ``202`` and the Pending post now held in a brand's
    queue (a group approved a reply in a thread a ``moderated`` brand started)."""
    viewer = await auth.require(request, "write:statuses")
    async with auth.services_of(request).db.transaction() as tx:
        made = await actions.approve(tx, auth.actor_of(viewer), _pending_id(pending_id))
    if isinstance(made, AnonymousPending):
        return Response(_pending(made), status_code=202)
    return Response(await render_one(request, viewer.account_id, made.id))


@post(f"{BASE}/queue/{{pending_id:str}}/reject", status_code=200)
async def reject(request: Request[Any, Any, Any], pending_id: str) -> dict[str, Any]:
    """Drop a held post (a brand's owners and managers, a group's owners and moderators): it
    is never published."""
    viewer = await auth.require(request, "write:statuses")
    async with auth.services_of(request).db.transaction() as tx:
        await actions.reject(tx, auth.actor_of(viewer), _pending_id(pending_id))
    return {}


ROUTES = [
    create,
    own,
    destroy,
    own_pending,
    queue,
    group_queue,
    approve,
    reject,
    set_policy,
    set_group_policy,
    show_policy,
    reveal,
    reveal_log,
]
