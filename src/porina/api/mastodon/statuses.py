"""``/api/v1/statuses``: post, read, edit and delete statuses, and act on them.

Writes go through ``posts.actions`` / ``interactions.actions``; every response is rendered
after the commit through ``posts.queries`` for the viewer, so counters and flags are current.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request, Response, delete, get, post, put
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, OAuthApp
from porina.api.mastodon import auth, context_reads
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.api.mastodon.scheduled_statuses import render_scheduled
from porina.core.clock import iso
from porina.core.errors import Forbidden, Unprocessable
from porina.core.ids import parse_id
from porina.groups import actions as group_actions
from porina.interactions import actions as interactions
from porina.interactions.models import Favourite
from porina.interactions.viewer import viewer_state
from porina.posts import actions, thread
from porina.posts import history as posts_history
from porina.posts.access import Target
from porina.posts.errors import StatusNotFound
from porina.posts.models import Poll, Status, StatusEdit
from porina.posts.polls import PollSpec
from porina.posts.queries import S, StatusRow, bundle_select, to_bundle
from porina.posts.visibility import blocked_either_way, is_visible
from porina.render import entities as e
from porina.render.pages import rows_for
from porina.render.quotes import render_bundles
from porina.render.renderer import Renderer, statuses_by_id
from porina.timelines.page import for_ids

MAX_MANY = 20


# --- helpers ---------------------------------------------------------------------------------


def status_id_of(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise StatusNotFound()
    return parsed


def renderer_of(request: Request[Any, Any, Any]) -> Renderer:
    return Renderer(auth.services_of(request).settings)


async def render_one(
    request: Request[Any, Any, Any], viewer_id: int | None, status_id: int
) -> e.Status:
    """One status as ``viewer_id`` (None: an anonymous reader) sees it, or 404: its page row
    (one prebuilt query: visibility, versions, the viewer's marks) and the status cache, as
    the home and public timelines render."""
    svc = auth.services_of(request)
    rows = [r for r in await for_ids(svc.db, viewer_id, [status_id], mutes=False) if r.visible]
    shown = await rows_for(svc, viewer_id, rows, seen=request.method == "GET")
    if not shown:
        raise StatusNotFound()
    return shown[0]


async def _visible(session: AsyncSession, viewer_id: int | None, status_id: int) -> Status:
    status = await session.get(Status, status_id)
    if status is None or not await is_visible(session, viewer_id, status):
        raise StatusNotFound()
    return status


def _opt_id(params: Params, name: str) -> int | None:
    """A referenced status id from the body; one that cannot exist is a 404, as in Mastodon."""
    raw = params.raw(name)
    if raw is None or raw == "":
        return None
    parsed = parse_id(raw if isinstance(raw, str | int) and not isinstance(raw, bool) else None)
    if parsed is None:
        raise StatusNotFound()
    return parsed


def _poll(params: Params) -> PollSpec | None:
    if not params.has("poll") or params.raw("poll") == "":
        return None
    poll = params.sub("poll")
    if not poll.data:
        return None
    expires_in = poll.int("expires_in")
    if expires_in is None:
        raise Unprocessable("Validation failed: Poll expires_in can't be blank")
    return PollSpec(
        options=poll.str_list("options"),
        expires_in=expires_in,
        multiple=poll.bool("multiple"),
        hide_totals=poll.bool("hide_totals"),
    )


def _media_ids(params: Params) -> list[int]:
    return params.id_list("media_ids")


def _scheduled_at(params: Params) -> datetime | None:
    return params.moment("scheduled_at", label="Scheduled at")


def new_status_of(request: Request[Any, Any, Any], params: Params) -> actions.NewStatus:
    return actions.NewStatus(
        text=params.text("status"),
        media_ids=_media_ids(params),
        poll=_poll(params),
        in_reply_to_id=_opt_id(params, "in_reply_to_id"),
        sensitive=params.bool("sensitive"),
        spoiler_text=params.text("spoiler_text"),
        visibility=params.str("visibility") or None,
        language=params.str("language") or None,
        quoted_status_id=_opt_id(params, "quoted_status_id"),
        quote_policy=params.str("quote_approval_policy") or None,
        idempotency_key=(request.headers.get("idempotency-key") or "").strip()[:255] or None,
    )


# --- create, read, edit, delete --------------------------------------------------------------


@post("/api/v1/statuses", status_code=200)
async def create(request: Request[Any, Any, Any]) -> Response[Any]:
    viewer = await auth.require(request, "write:statuses")
    params = await Params.of(request)
    new = new_status_of(request, params)
    when = _scheduled_at(params)
    group_id = params.id("porina_group_id")
    if group_id is not None and when is not None:
        raise Unprocessable("Validation failed: A post into a group cannot be scheduled")
    svc = auth.services_of(request)
    async with svc.db.transaction() as tx:
        if when is not None:
            row = await actions.schedule_status(tx, auth.actor_of(viewer), new, when)
        elif params.has("porina_group_id"):  # a group's members only (groups.actions.post)
            status = await group_actions.post(tx, auth.actor_of(viewer), group_id, new)
        else:
            status = await actions.create_status(tx, auth.actor_of(viewer), new)
    if when is not None:
        async with svc.db.read() as session:
            return Response(await render_scheduled(renderer_of(request), session, row))
    return Response(await render_one(request, viewer.account_id, status.id))


@get("/api/v1/statuses/{status_id:str}")
async def show(request: Request[Any, Any, Any], status_id: str) -> e.Status:
    viewer = await auth.optional(request, "read:statuses")
    return await render_one(request, viewer.account_id if viewer else None, status_id_of(status_id))


@get("/api/v1/statuses")
async def show_many(request: Request[Any, Any, Any]) -> list[e.Status]:
    viewer = await auth.optional(request, "read:statuses")
    params = await Params.of(request)
    ids = [i for i in (parse_id(x) for x in params.str_list("id")) if i is not None][:MAX_MANY]
    svc = auth.services_of(request)
    async with svc.db.read() as session:
        return await statuses_by_id(
            renderer_of(request), session, viewer.account_id if viewer else None, ids
        )


@put("/api/v1/statuses/{status_id:str}")
async def edit(request: Request[Any, Any, Any], status_id: str) -> e.Status:
    viewer = await auth.require(request, "write:statuses")
    params = await Params.of(request)
    descriptions: dict[int, str] = {}
    for item in params.list("media_attributes"):
        if (
            isinstance(item, dict)
            and parse_id(item.get("id"))
            and isinstance(item.get("description"), str)
        ):
            descriptions[parse_id(item["id"]) or 0] = item["description"]
    change = actions.StatusChange(
        text=params.text("status"),
        spoiler_text=params.text("spoiler_text"),
        sensitive=params.bool("sensitive"),
        media_ids=_media_ids(params),
        poll=_poll(params),
        language=params.str("language") or None,
        media_descriptions=descriptions,
    )
    svc = auth.services_of(request)
    target = status_id_of(status_id)
    async with svc.db.transaction() as tx:
        await actions.edit_status(tx, auth.actor_of(viewer), target, change)
    return await render_one(request, viewer.account_id, target)


@delete("/api/v1/statuses/{status_id:str}", status_code=200)
async def destroy(request: Request[Any, Any, Any], status_id: str) -> e.Status:
    viewer = await auth.require(request, "write:statuses")
    svc = auth.services_of(request)
    async with svc.db.transaction() as tx:
        status = await actions.delete_status(tx, auth.actor_of(viewer), status_id_of(status_id))
    async with svc.db.read() as session:
        account = await session.get(Account, status.account_id)
        poll = await session.scalar(select(Poll).where(Poll.status_id == status.id))
        app = await session.get(OAuthApp, status.application_id) if status.application_id else None
        if account is None:
            raise StatusNotFound()
        state = await viewer_state(session, viewer.account_id, [])
        entity = renderer_of(request).status_row(
            StatusRow(status, account, poll, app), state, viewer.account_id
        )
    entity.text = status.text
    return entity


@get("/api/v1/statuses/{status_id:str}/context")
async def context(request: Request[Any, Any, Any], status_id: str) -> e.Context:
    viewer = await auth.optional(request, "read:statuses")
    viewer_id = viewer.account_id if viewer else None
    limits = thread.MASTODON if viewer_id is not None else thread.MASTODON_ANONYMOUS
    return await context_reads.context(
        auth.services_of(request), viewer_id, status_id_of(status_id), limits
    )


@get("/api/v1/statuses/{status_id:str}/history")
async def history(request: Request[Any, Any, Any], status_id: str) -> list[e.StatusEdit]:
    viewer = await auth.optional(request, "read:statuses")
    viewer_id = viewer.account_id if viewer else None
    svc = auth.services_of(request)
    renderer = renderer_of(request)
    async with svc.db.read() as session:
        found = await posts_history.history(
            session, viewer_id, status_id_of(status_id), reblogs=True
        )
    author = renderer.account(found.author)
    return [_edit_entity(renderer, found.author, author, x) for x in found.versions]


def _edit_entity(
    renderer: Renderer, account: Account, author: e.Account, edit: StatusEdit
) -> e.StatusEdit:
    options = edit.poll_options
    return e.StatusEdit(
        content=renderer.content(edit.content, account),
        spoiler_text=edit.spoiler_text,
        sensitive=edit.sensitive,
        created_at=iso(edit.created_at) or "",
        account=author,
        poll=e.StatusEditPoll(options=[e.StatusEditPollOption(title=o) for o in options])
        if options is not None
        else None,
        media_attachments=[renderer.media(m) for m in edit.media or []],
        emojis=[],
    )


@get("/api/v1/statuses/{status_id:str}/source")
async def source(request: Request[Any, Any, Any], status_id: str) -> e.StatusSource:
    viewer = await auth.require(request, "read:statuses")
    svc = auth.services_of(request)
    async with svc.db.read() as session:
        status = await _visible(session, viewer.account_id, status_id_of(status_id))
    if status.account_id != viewer.account_id:
        raise Forbidden("This action is not allowed")
    return e.StatusSource(id=str(status.id), text=status.text, spoiler_text=status.spoiler_text)


# --- interactions ----------------------------------------------------------------------------


async def _act(request: Request[Any, Any, Any], scope: str, status_id: str, fn: Any) -> e.Status:
    viewer = await auth.require(request, scope)
    svc = auth.services_of(request)
    async with svc.db.transaction() as tx:
        status: Status | Target = await fn(tx, auth.actor_of(viewer), status_id_of(status_id))
    return await render_one(request, viewer.account_id, status.id)


@post("/api/v1/statuses/{status_id:str}/favourite", status_code=200)
async def favourite(request: Request[Any, Any, Any], status_id: str) -> e.Status:
    return await _act(request, "write:favourites", status_id, interactions.favourite)


@post("/api/v1/statuses/{status_id:str}/unfavourite", status_code=200)
async def unfavourite(request: Request[Any, Any, Any], status_id: str) -> e.Status:
    return await _act(request, "write:favourites", status_id, interactions.unfavourite)


@post("/api/v1/statuses/{status_id:str}/bookmark", status_code=200)
async def bookmark(request: Request[Any, Any, Any], status_id: str) -> e.Status:
    return await _act(request, "write:bookmarks", status_id, interactions.bookmark)


@post("/api/v1/statuses/{status_id:str}/unbookmark", status_code=200)
async def unbookmark(request: Request[Any, Any, Any], status_id: str) -> e.Status:
    return await _act(request, "write:bookmarks", status_id, interactions.unbookmark)


@post("/api/v1/statuses/{status_id:str}/mute", status_code=200)
async def mute(request: Request[Any, Any, Any], status_id: str) -> e.Status:
    return await _act(request, "write:mutes", status_id, interactions.mute_thread)


@post("/api/v1/statuses/{status_id:str}/unmute", status_code=200)
async def unmute(request: Request[Any, Any, Any], status_id: str) -> e.Status:
    return await _act(request, "write:mutes", status_id, interactions.unmute_thread)


@post("/api/v1/statuses/{status_id:str}/pin", status_code=200)
async def pin(request: Request[Any, Any, Any], status_id: str) -> e.Status:
    return await _act(request, "write:accounts", status_id, actions.pin)


@post("/api/v1/statuses/{status_id:str}/unpin", status_code=200)
async def unpin(request: Request[Any, Any, Any], status_id: str) -> e.Status:
    return await _act(request, "write:accounts", status_id, actions.unpin)


@post("/api/v1/statuses/{status_id:str}/reblog", status_code=200)
async def reblog(request: Request[Any, Any, Any], status_id: str) -> e.Status:
    viewer = await auth.require(request, "write:statuses")
    params = await Params.of(request)
    visibility = params.str("visibility") or None
    svc = auth.services_of(request)
    async with svc.db.transaction() as tx:
        boost = await interactions.reblog(
            tx, auth.actor_of(viewer), status_id_of(status_id), visibility
        )
    return await render_one(request, viewer.account_id, boost.id)


@post("/api/v1/statuses/{status_id:str}/unreblog", status_code=200)
async def unreblog(request: Request[Any, Any, Any], status_id: str) -> e.Status:
    return await _act(request, "write:statuses", status_id, interactions.unreblog)


# --- who interacted --------------------------------------------------------------------------


async def _accounts_page(
    request: Request[Any, Any, Any], status_id: str, kind: str
) -> Response[list[e.Account]]:
    viewer = await auth.optional(request, "read:accounts")
    viewer_id = viewer.account_id if viewer else None
    params = await Params.of(request)
    page = Page.of(params, default=40, maximum=80)
    svc = auth.services_of(request)
    async with svc.db.read() as session:
        status = await _visible(session, viewer_id, status_id_of(status_id))
        if kind == "favourite":
            cursor: Any = Favourite.id
            query: Any = (
                select(Favourite.id, Account)
                .join(Account, Account.id == Favourite.account_id)
                .where(Favourite.status_id == status.id)
            )
        else:
            cursor = Status.id
            query = (
                select(Status.id, Account)
                .join(Account, Account.id == Status.account_id)
                .where(Status.reblog_of_id == status.id, Status.deleted_at.is_(None))
            )
        query = query.where(Account.suspended_at.is_(None))
        if viewer_id is not None:  # a blocked account must not see or be seen
            query = query.where(~blocked_either_way(viewer_id, Account.id))
        rows = page.arrange((await session.execute(page.apply(query, cursor))).all())
    renderer = renderer_of(request)
    body = [renderer.account(row[1]) for row in rows]
    return Response(body, headers=link_header(request, [str(row[0]) for row in rows], page))


@get("/api/v1/statuses/{status_id:str}/favourited_by")
async def favourited_by(
    request: Request[Any, Any, Any], status_id: str
) -> Response[list[e.Account]]:
    return await _accounts_page(request, status_id, "favourite")


@get("/api/v1/statuses/{status_id:str}/reblogged_by")
async def reblogged_by(
    request: Request[Any, Any, Any], status_id: str
) -> Response[list[e.Account]]:
    return await _accounts_page(request, status_id, "reblog")


@get("/api/v1/statuses/{status_id:str}/quotes")
async def quotes(request: Request[Any, Any, Any], status_id: str) -> Response[list[e.Status]]:
    """Statuses quoting one of the viewer's own statuses (only its author may list them)."""
    viewer = await auth.require(request, "read:statuses")
    params = await Params.of(request)
    page = Page.of(params)
    svc = auth.services_of(request)
    async with svc.db.read() as session:
        status = await _visible(session, viewer.account_id, status_id_of(status_id))
        if status.account_id != viewer.account_id:
            raise Forbidden("This action is not allowed")
        query: Any = bundle_select(viewer.account_id).where(
            S.quote_of_id == status.id, S.quote_state != "revoked"
        )
        cursor: Any = S.id
        rows = page.arrange((await session.execute(page.apply(query, cursor))).all())
        items = [to_bundle(row) for row in rows]
        state = await viewer_state(session, viewer.account_id, items)
        body = await render_bundles(renderer_of(request), session, items, state, viewer.account_id)
    ids = [str(b.entry.status.id) for b in items]
    return Response(body, headers=link_header(request, ids, page))


ROUTES = [
    create,
    show,
    show_many,
    edit,
    destroy,
    context,
    history,
    source,
    favourite,
    unfavourite,
    bookmark,
    unbookmark,
    mute,
    unmute,
    pin,
    unpin,
    reblog,
    unreblog,
    favourited_by,
    reblogged_by,
    quotes,
]
