"""``/api/v1/scheduled_statuses``: list, show, reschedule and cancel scheduled statuses."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, delete, get, put
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.api.mastodon import auth
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.core.clock import iso
from porina.core.errors import Unprocessable
from porina.core.ids import parse_id
from porina.posts import actions
from porina.posts.errors import ScheduledStatusNotFound
from porina.posts.models import MediaAttachment, ScheduledStatus
from porina.render import entities as e
from porina.render.renderer import Renderer


async def render_scheduled(
    renderer: Renderer, session: AsyncSession, row: ScheduledStatus
) -> e.ScheduledStatus:
    return (await render_many(renderer, session, [row]))[0]


async def render_many(
    renderer: Renderer, session: AsyncSession, rows: list[ScheduledStatus]
) -> list[e.ScheduledStatus]:
    """Scheduled statuses with their media: one query for all the media."""
    wanted = {i for row in rows for i in (parse_id(x) for x in row.media_ids) if i is not None}
    media: dict[int, MediaAttachment] = {}
    if wanted:
        found = await session.scalars(select(MediaAttachment).where(MediaAttachment.id.in_(wanted)))
        media = {m.id: m for m in found}
    out: list[e.ScheduledStatus] = []
    for row in rows:
        ids = [i for i in (parse_id(x) for x in row.media_ids) if i is not None and i in media]
        out.append(
            e.ScheduledStatus(
                id=str(row.id),
                scheduled_at=iso(row.scheduled_at) or "",
                params=dict(row.params),
                media_attachments=[renderer.media(actions.media_json(media[i])) for i in ids],
            )
        )
    return out


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise ScheduledStatusNotFound()
    return parsed


def renderer_of(request: Request[Any, Any, Any]) -> Renderer:
    return Renderer(auth.services_of(request).settings)


@get("/api/v1/scheduled_statuses")
async def list_scheduled(request: Request[Any, Any, Any]) -> Response[list[e.ScheduledStatus]]:
    viewer = await auth.require(request, "read:statuses")
    params = await Params.of(request)
    page = Page.of(params)
    svc = auth.services_of(request)
    async with svc.db.read() as session:
        query = select(ScheduledStatus).where(ScheduledStatus.account_id == viewer.account_id)
        cursor: Any = ScheduledStatus.id
        rows = page.arrange(list(await session.scalars(page.apply(query, cursor))))
        body = await render_many(renderer_of(request), session, rows)
    return Response(body, headers=link_header(request, [r.id for r in body], page))


@get("/api/v1/scheduled_statuses/{scheduled_id:str}")
async def show_scheduled(request: Request[Any, Any, Any], scheduled_id: str) -> e.ScheduledStatus:
    viewer = await auth.require(request, "read:statuses")
    svc = auth.services_of(request)
    async with svc.db.read() as session:
        row = await session.get(ScheduledStatus, _id(scheduled_id))
        if row is None or row.account_id != viewer.account_id:
            raise ScheduledStatusNotFound()
        return await render_scheduled(renderer_of(request), session, row)


@put("/api/v1/scheduled_statuses/{scheduled_id:str}")
async def reschedule(request: Request[Any, Any, Any], scheduled_id: str) -> e.ScheduledStatus:
    viewer = await auth.require(request, "write:statuses")
    params = await Params.of(request)
    when = params.moment("scheduled_at", label="Scheduled at")
    if when is None:
        raise Unprocessable("Validation failed: Scheduled at can't be blank")
    svc = auth.services_of(request)
    async with svc.db.transaction() as tx:
        row = await actions.reschedule(tx, auth.actor_of(viewer), _id(scheduled_id), when)
    async with svc.db.read() as session:
        return await render_scheduled(renderer_of(request), session, row)


@delete("/api/v1/scheduled_statuses/{scheduled_id:str}", status_code=200)
async def cancel(request: Request[Any, Any, Any], scheduled_id: str) -> dict[str, Any]:
    viewer = await auth.require(request, "write:statuses")
    svc = auth.services_of(request)
    async with svc.db.transaction() as tx:
        await actions.cancel_scheduled(tx, auth.actor_of(viewer), _id(scheduled_id))
    return {}


ROUTES = [list_scheduled, show_scheduled, reschedule, cancel]
