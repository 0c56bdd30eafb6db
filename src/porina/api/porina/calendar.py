"""The content calendar (docs/api.md, "Content calendar"; docs/calendar.md):

- ``GET /api/porina/v1/calendar?from=YYYY-MM-DD&to=YYYY-MM-DD[&account_id=]``: the scheduled,
  published and draft posts of every brand account the caller serves (and the account the
  token acts as), each at its time in its brand's time zone, with its state;
- ``/api/porina/v1/drafts``: the acting brand's drafts (list, create, show, edit, delete) and
  their workflow: ``/submit``, ``/approve``, ``/request_changes {comment}``,
  ``/reschedule {scheduled_at}``, ``/retry``. Another brand's draft is a 404; an analyst
  reads but cannot write (403); bad input is a 422.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, delete, get, post, put

from porina.api.mastodon.auth import actor_of, require, services_of
from porina.api.mastodon.params import Params
from porina.calendar import access, actions, queries
from porina.calendar.errors import DraftNotFound
from porina.calendar.models import CalendarDraft
from porina.core.actor import Actor
from porina.core.ids import parse_id
from porina.render import calendar_view
from porina.render.calendar_view import DraftView
from porina.render.renderer import timestamp

CALENDAR = "/api/porina/v1/calendar"
DRAFTS = "/api/porina/v1/drafts"


class CalendarEntry(msgspec.Struct, kw_only=True):
    id: str
    kind: str
    state: str
    account_id: str
    text: str
    scheduled_at: str | None
    local_time: str | None
    local_date: str | None
    time_zone: str
    status_id: str | None
    review_comment: str | None
    missed_reason: str | None


class DraftStep(msgspec.Struct, kw_only=True):
    from_state: str | None
    to_state: str
    account_id: str | None
    acct: str | None
    comment: str | None
    at: str


class Draft(msgspec.Struct, kw_only=True):
    id: str
    account_id: str
    state: str
    status: str
    spoiler_text: str
    visibility: str
    language: str | None
    sensitive: bool
    media_ids: list[str]
    poll: dict[str, Any] | None
    scheduled_at: str | None
    local_time: str | None
    time_zone: str
    author_account_id: str | None
    review_comment: str | None
    missed_reason: str | None
    publish_attempts: int
    published_status_id: str | None
    created_at: str
    updated_at: str
    history: list[DraftStep]


def _entry(entry: queries.Entry) -> CalendarEntry:
    local = entry.local
    return CalendarEntry(
        id=str(entry.id),
        kind=entry.kind,
        state=entry.state,
        account_id=str(entry.brand_account_id),
        text=entry.text,
        scheduled_at=timestamp(entry.at),
        local_time=local.isoformat() if local else None,
        local_date=local.date().isoformat() if local else None,
        time_zone=entry.zone,
        status_id=str(entry.status_id) if entry.status_id else None,
        review_comment=entry.review_comment,
        missed_reason=entry.missed_reason,
    )


def _step(step: calendar_view.Step) -> DraftStep:
    return DraftStep(
        from_state=step.from_state,
        to_state=step.to_state,
        account_id=str(step.by.id) if step.by else None,
        acct=step.by.username if step.by else None,
        comment=step.comment,
        at=timestamp(step.at) or "",
    )


def _draft(view: DraftView) -> Draft:
    row = view.draft
    local = queries.draft_entry(row, view.zone).local if row.planned_at else None
    return Draft(
        id=str(row.id),
        account_id=str(row.brand_account_id),
        state=row.state,
        status=row.text,
        spoiler_text=row.spoiler_text,
        visibility=row.visibility,
        language=row.language,
        sensitive=row.sensitive,
        media_ids=list(row.media_ids or []),
        poll=row.poll,
        scheduled_at=timestamp(row.planned_at),
        local_time=local.isoformat() if local else None,
        time_zone=view.zone,
        author_account_id=str(view.author.id) if view.author else None,
        review_comment=row.review_comment,
        missed_reason=row.missed_reason,
        publish_attempts=row.publish_attempts,
        published_status_id=str(row.published_status_id) if row.published_status_id else None,
        created_at=timestamp(row.created_at) or "",
        updated_at=timestamp(row.updated_at) or "",
        history=[_step(s) for s in view.history],
    )


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise DraftNotFound()
    return parsed


async def _zone(request: Request[Any, Any, Any], actor: Actor) -> str:
    svc = services_of(request)
    async with svc.db.read() as session:
        return await calendar_view.brand_zone(
            session, actor.account_id, svc.settings.default_time_zone
        )


async def _shown(request: Request[Any, Any, Any], actor: Actor, draft_id: int) -> Draft:
    """The draft as the caller (a member of its brand's team) sees it."""
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        await access.reader(tx.session, actor)
        row = await actions.own(tx, actor, draft_id)
        zone = await calendar_view.brand_zone(
            tx.session, actor.account_id, svc.settings.default_time_zone
        )
        return _draft(await calendar_view.draft_view(tx.session, row, zone))


@get(CALENDAR)
async def show_calendar(request: Request[Any, Any, Any]) -> list[CalendarEntry]:
    """``from``/``to`` (local dates, both included, at most 92 days); ``account_id`` narrows
    it to one of the brands the caller serves."""
    actor = actor_of(await require(request, "read:statuses"))
    params = Params(dict(request.query_params))
    first, last = queries.days(params.str("from"), params.str("to"))
    only = params.id("account_id") if params.has("account_id") else None
    svc = services_of(request)
    async with svc.db.read() as session:
        served = await calendar_view.brands(session, actor, svc.settings.default_time_zone, only)
        found = await calendar_view.entries(session, served, first, last)
    return [_entry(e) for _, e in found]


@get(DRAFTS)
async def list_drafts(request: Request[Any, Any, Any]) -> list[Draft]:
    """The acting brand's drafts (all states but deleted), newest first."""
    actor = actor_of(await require(request, "read:statuses"))
    svc = services_of(request)
    async with svc.db.read() as session:
        await access.reader(session, actor)
        zone = await calendar_view.brand_zone(
            session, actor.account_id, svc.settings.default_time_zone
        )
        rows = await calendar_view.brand_drafts(session, actor.account_id)
        return [_draft(v) for v in await calendar_view.draft_views(session, rows, zone)]


@post(DRAFTS, status_code=200)
async def create_draft(request: Request[Any, Any, Any]) -> Draft:
    """``{status, spoiler_text?, visibility?, language?, sensitive?, media_ids?, poll?,
    scheduled_at?}``: a new draft of the acting brand."""
    actor = actor_of(await require(request, "write:statuses"))
    params = await Params.of(request)
    zone = await _zone(request, actor)
    async with services_of(request).db.transaction() as tx:
        row = await actions.create(tx, actor, params.data, zone)
    return await _shown(request, actor, row.id)


@get(f"{DRAFTS}/{{draft_id:str}}")
async def show_draft(request: Request[Any, Any, Any], draft_id: str) -> Draft:
    actor = actor_of(await require(request, "read:statuses"))
    return await _shown(request, actor, _id(draft_id))


@put(f"{DRAFTS}/{{draft_id:str}}", status_code=200)
async def edit_draft(request: Request[Any, Any, Any], draft_id: str) -> Draft:
    """The same fields as creating; an approved post goes back to ``draft``."""
    actor = actor_of(await require(request, "write:statuses"))
    params = await Params.of(request)
    zone = await _zone(request, actor)
    async with services_of(request).db.transaction() as tx:
        await actions.edit(tx, actor, _id(draft_id), params.data, zone)
    return await _shown(request, actor, _id(draft_id))


@delete(f"{DRAFTS}/{{draft_id:str}}", status_code=200)
async def delete_draft(request: Request[Any, Any, Any], draft_id: str) -> dict[str, Any]:
    actor = actor_of(await require(request, "write:statuses"))
    async with services_of(request).db.transaction() as tx:
        await actions.delete(tx, actor, _id(draft_id))
    return {}


async def _step_draft(request: Request[Any, Any, Any], draft_id: str, work: Any) -> Draft:
    """Run ``work(tx, actor, id, params, zone)`` and answer the draft."""
    actor = actor_of(await require(request, "write:statuses"))
    params = await Params.of(request)
    zone = await _zone(request, actor)
    parsed = _id(draft_id)
    async with services_of(request).db.transaction() as tx:
        row: CalendarDraft = await work(tx, actor, parsed, params, zone)
    return await _shown(request, actor, row.id)


@post(f"{DRAFTS}/{{draft_id:str}}/submit", status_code=200)
async def submit_draft(request: Request[Any, Any, Any], draft_id: str) -> Draft:
    return await _step_draft(
        request, draft_id, lambda tx, actor, i, p, z: actions.submit(tx, actor, i)
    )


@post(f"{DRAFTS}/{{draft_id:str}}/approve", status_code=200)
async def approve_draft(request: Request[Any, Any, Any], draft_id: str) -> Draft:
    """``{comment?}``: publishes at its time, or now."""
    return await _step_draft(
        request,
        draft_id,
        lambda tx, actor, i, p, z: actions.approve(tx, actor, i, p.str("comment") or None),
    )


@post(f"{DRAFTS}/{{draft_id:str}}/request_changes", status_code=200)
async def request_draft_changes(request: Request[Any, Any, Any], draft_id: str) -> Draft:
    """``{comment}`` (required)."""
    return await _step_draft(
        request,
        draft_id,
        lambda tx, actor, i, p, z: actions.request_changes(tx, actor, i, p.raw("comment")),
    )


@post(f"{DRAFTS}/{{draft_id:str}}/reschedule", status_code=200)
async def reschedule_draft(request: Request[Any, Any, Any], draft_id: str) -> Draft:
    """``{scheduled_at}``: ISO 8601; without an offset, a time in the brand's zone."""
    return await _step_draft(
        request,
        draft_id,
        lambda tx, actor, i, p, z: actions.reschedule(tx, actor, i, p.raw("scheduled_at"), z),
    )


@post(f"{DRAFTS}/{{draft_id:str}}/retry", status_code=200)
async def retry_draft(request: Request[Any, Any, Any], draft_id: str) -> Draft:
    """Publish a missed post again (now, or at its time if still ahead)."""
    return await _step_draft(
        request, draft_id, lambda tx, actor, i, p, z: actions.retry(tx, actor, i)
    )


ROUTES = [
    show_calendar,
    list_drafts,
    create_draft,
    show_draft,
    edit_draft,
    delete_draft,
    submit_draft,
    approve_draft,
    request_draft_changes,
    reschedule_draft,
    retry_draft,
]
