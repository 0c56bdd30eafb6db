"""Notifications: ``/api/v1/notifications`` (one by one) and ``/api/v2/notifications``
(grouped, Mastodon 4.3). ``render_notifications`` is shared with the streaming endpoint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, cast, get_args

import msgspec
from litestar import Request, Response, get, post
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.api.mastodon import notification_reads as reads
from porina.api.mastodon.auth import ApiRuntime, require, services_of
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.api.mastodon.reports import render_report
from porina.core.clock import iso
from porina.core.errors import NotFound
from porina.core.ids import parse_id
from porina.core.inputs import INT64_MAX
from porina.interactions.viewer import viewer_state
from porina.moderation.models import Report
from porina.notifications import markers as inbox
from porina.notifications import queries as q
from porina.notifications.models import Notification
from porina.notifications.notify import GROUPED, PORINA_ONLY, NotificationType
from porina.posts.queries import bundles_by_id
from porina.render import entities as e
from porina.render.quotes import render_bundles
from porina.render.renderer import Renderer

TYPES = frozenset(get_args(NotificationType))
SAMPLE_ACCOUNTS = 8
SCAN_BATCH = 200
SCAN_LIMIT = 2000


class NotificationGroup(e.Entity):
    group_key: str
    notifications_count: int
    type: str
    most_recent_notification_id: str
    sample_account_ids: list[str]
    page_min_id: str | msgspec.UnsetType = msgspec.UNSET
    page_max_id: str | msgspec.UnsetType = msgspec.UNSET
    latest_page_notification_at: str | msgspec.UnsetType = msgspec.UNSET
    status_id: str | None = None
    report: dict[str, Any] | msgspec.UnsetType | None = msgspec.UNSET


class GroupedNotificationsResults(e.Entity):
    accounts: list[e.Account]
    statuses: list[e.Status]
    notification_groups: list[NotificationGroup]


def _renderer(request: Request[Any, Any, Any]) -> Renderer:
    return Renderer(services_of(request).settings)


async def _reports(session: AsyncSession, notes: Sequence[_Note]) -> dict[int, Report]:
    ids = {n.report_id for n in notes if n.report_id is not None}
    if not ids:
        return {}
    return {r.id: r for r in await session.scalars(select(Report).where(Report.id.in_(ids)))}


async def render_notifications(
    renderer: Renderer, session: AsyncSession, viewer_id: int, notes: Sequence[Notification]
) -> list[e.Notification]:
    """Render notifications in order, leaving out any whose status the viewer can no longer
    see: one query for accounts, two for statuses (plus one for reports when there are any)."""
    if not notes:
        return []
    reports = await _reports(session, notes)
    account_ids = {n.from_account_id for n in notes}
    account_ids |= {r.target_account_id for r in reports.values()}
    accounts = await q.accounts_by_id(session, account_ids)
    status_ids = [n.status_id for n in notes if n.status_id is not None]
    items = await bundles_by_id(session, viewer_id, status_ids)
    state = await viewer_state(session, viewer_id, items)
    shown = await render_bundles(renderer, session, items, state, viewer_id)
    statuses = {b.entry.status.id: s for b, s in zip(items, shown, strict=True)}
    out: list[e.Notification] = []
    for note in notes:
        sender = accounts.get(note.from_account_id)
        status = statuses.get(note.status_id) if note.status_id is not None else None
        if sender is None or (note.status_id is not None and status is None):
            continue
        report = reports.get(note.report_id) if note.report_id is not None else None
        out.append(
            e.Notification(
                id=str(note.id),
                type=note.type,
                group_key=note.group_key,
                created_at=iso(note.created_at) or "",
                account=renderer.account(sender),
                status=status,
                report=msgspec.to_builtins(render_report(renderer, report, accounts))
                if report is not None
                else None,
                filtered=True if note.filtered else msgspec.UNSET,
            )
        )
    return out


def _wanted(params: Params, viewer_id: int) -> q.NotificationFilter:
    types = frozenset(params.str_list("types")) & TYPES
    exclude = frozenset(params.str_list("exclude_types"))
    if not params.has("types"):
        exclude |= PORINA_ONLY  # Porina's own types only for a client that names them
    if params.has("types") and not types:
        types = frozenset({"none"})  # only unknown types asked for: nothing matches
    return q.NotificationFilter(
        types=types,
        exclude_types=exclude,
        account_id=params.id("account_id"),
        include_filtered=params.bool("include_filtered", False),
    )


@get("/api/v1/notifications")
async def list_notifications(request: Request[Any, Any, Any]) -> Response[list[e.Notification]]:
    viewer = await require(request, "read:notifications")
    me = viewer.require_account()
    params = await Params.of(request)
    page = Page.of(params, default=40, maximum=80)
    svc = services_of(request)
    wanted = _wanted(params, me)
    found = await reads.notes(svc, me, wanted, page, TYPES)
    if not reads.has_reports(found):
        encoded = await reads.page_json(svc, me, found)  # the served schema stays the entities'
        return Response(
            cast(Any, encoded), headers=link_header(request, [n.id for n in found], page)
        )
    async with svc.db.read() as session:  # reports (moderators'): the full path
        query = page.apply(q.notifications_select(me, wanted), cast(Any, Notification.id))
        notes = page.arrange(list(await session.scalars(query)))
        body = await render_notifications(_renderer(request), session, me, notes)
    return Response(body, headers=link_header(request, [n.id for n in notes], page))


@get("/api/v1/notifications/unread_count")
async def unread_count(request: Request[Any, Any, Any]) -> dict[str, int]:
    viewer = await require(request, "read:notifications")
    params = await Params.of(request)
    cap = params.int("limit", 100, lo=1) or 100
    async with services_of(request).db.read() as session:
        unread = await q.unread_notifications(
            session,
            viewer.require_account(),
            min(cap, 1000),
            _wanted(params, viewer.require_account()),
        )
    return {"count": len(unread)}


@get("/api/v1/notifications/{notification_id:str}")
async def show_notification(
    request: Request[Any, Any, Any], notification_id: str
) -> e.Notification:
    viewer = await require(request, "read:notifications")
    me = viewer.require_account()
    nid = parse_id(notification_id)
    if nid is None or nid == INT64_MAX:  # no id is that large; nid + 1 would not bind
        raise NotFound()
    svc = services_of(request)
    one = Page(max_id=nid + 1, since_id=nid - 1, min_id=None, limit=1)
    found = await reads.notes(svc, me, q.NotificationFilter(include_filtered=True), one, TYPES)
    if reads.has_reports(found):
        async with svc.db.read() as session:
            rendered = await render_notifications(
                _renderer(request),
                session,
                me,
                found_orm := [n for n in [await q.notification(session, me, nid)] if n is not None],
            )
            del found_orm
    else:
        rendered = await reads.entities(svc, me, found)
    if not rendered:
        raise NotFound()
    return rendered[0]


@post("/api/v1/notifications/clear", status_code=200)
async def clear_notifications(request: Request[Any, Any, Any]) -> dict[str, Any]:
    viewer = await require(request, "write:notifications")
    async with services_of(request).db.transaction() as tx:
        await inbox.clear(tx, viewer.require_account())
    return {}


@post("/api/v1/notifications/{notification_id:str}/dismiss", status_code=200)
async def dismiss_notification(
    request: Request[Any, Any, Any], notification_id: str
) -> dict[str, Any]:
    viewer = await require(request, "write:notifications")
    nid = parse_id(notification_id)
    if nid is None:
        raise NotFound()
    async with services_of(request).db.transaction() as tx:
        await inbox.dismiss(tx, viewer.require_account(), nid)
    return {}


# --- grouped (v2) --------------------------------------------------------------------------


class _Note(Protocol):
    """A notification as the ORM or a prebuilt statement (``NotificationRow``) reads it."""

    @property
    def id(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def group_key(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def from_account_id(self) -> int: ...
    @property
    def status_id(self) -> int | None: ...
    @property
    def report_id(self) -> int | None: ...


@dataclass(slots=True)
class _Group:
    key: str
    notes: list[_Note] = field(default_factory=list)


def _key(note: _Note, grouped: frozenset[str]) -> str:
    if note.type in grouped and note.type in GROUPED:
        return note.group_key
    return f"ungrouped-{note.id}"


class _Reports(Exception):
    """A scanned page holds a report notification: the full path renders it."""


async def _scan(
    svc: ApiRuntime,
    me: int,
    wanted: q.NotificationFilter,
    page: Page,
    grouped: frozenset[str],
) -> list[_Group]:
    """Walk notifications from the page edge until ``page.limit`` groups have begun; each
    group holds its notifications within the page's range (as Mastodon's page_min/max_id).
    Batches of ``SCAN_BATCH`` through the prebuilt page statement; raises ``_Reports`` at a
    report notification."""

    async def batch(cursor_page: Page) -> list[_Note]:
        rows = await reads.notes(svc, me, wanted, cursor_page, TYPES)
        if reads.has_reports(rows):
            raise _Reports()
        return list(rows)

    return await _walk(batch, page, grouped)


async def scan_orm(
    session: AsyncSession,
    me: int,
    wanted: q.NotificationFilter,
    page: Page,
    grouped: frozenset[str],
) -> list[_Group]:
    """``_scan`` through the ORM, for pages with report notifications."""

    async def batch(cursor_page: Page) -> list[_Note]:
        statement = cursor_page.apply(
            q.notifications_select(me, wanted), cast(Any, Notification.id)
        )
        return list(cursor_page.arrange(list(await session.scalars(statement))))

    return await _walk(batch, page, grouped)


async def _walk(
    batch: Callable[[Page], Awaitable[list[_Note]]], page: Page, grouped: frozenset[str]
) -> list[_Group]:
    """Group what ``batch`` reads, ``SCAN_BATCH`` at a time from the page edge, until
    ``page.limit`` groups have begun (or ``SCAN_LIMIT`` notifications were read)."""
    groups: dict[str, _Group] = {}
    cursor_page = Page(page.max_id, page.since_id, page.min_id, SCAN_BATCH)
    seen = 0
    while seen < SCAN_LIMIT:
        rows = await batch(cursor_page)
        if page.ascending:
            rows.reverse()  # walk upwards from min_id
        for note in rows:
            key = _key(note, grouped)
            if key not in groups:
                if len(groups) >= page.limit:
                    return _newest_first(list(groups.values()))
                groups[key] = _Group(key)
            groups[key].notes.append(note)
        seen += len(rows)
        if len(rows) < SCAN_BATCH:
            break
        edge = rows[-1].id
        cursor_page = (
            Page(page.max_id, None, edge, SCAN_BATCH)
            if page.ascending
            else Page(edge, page.since_id, page.min_id, SCAN_BATCH)
        )
    return _newest_first(list(groups.values()))


def _newest_first(groups: list[_Group]) -> list[_Group]:
    return sorted(groups, key=lambda g: max(n.id for n in g.notes), reverse=True)


def _group_entity(group: _Group, *, paged: bool) -> NotificationGroup:
    notes = sorted(group.notes, key=lambda n: n.id, reverse=True)
    newest = notes[0]
    samples = list(dict.fromkeys(str(n.from_account_id) for n in notes))[:SAMPLE_ACCOUNTS]
    entity = NotificationGroup(
        group_key=group.key,
        notifications_count=len(notes),
        type=newest.type,
        most_recent_notification_id=str(newest.id),
        sample_account_ids=samples,
        status_id=str(newest.status_id) if newest.status_id is not None else None,
    )
    if paged:
        entity.page_min_id = str(notes[-1].id)
        entity.page_max_id = str(newest.id)
        entity.latest_page_notification_at = iso(newest.created_at) or ""
    return entity


async def grouped_results(
    renderer: Renderer,
    session: AsyncSession,
    me: int,
    groups: list[_Group],
    *,
    paged: bool,
) -> GroupedNotificationsResults:
    """Groups rendered through the ORM (the full path: report notifications, one group)."""
    entities = [_group_entity(g, paged=paged) for g in groups]
    every = [n for g in groups for n in g.notes]
    reports = await _reports(session, every)
    account_ids = {int(a) for g in entities for a in g.sample_account_ids}
    account_ids |= {r.target_account_id for r in reports.values()}
    accounts = await q.accounts_by_id(session, account_ids)
    status_ids = [int(g.status_id) for g in entities if g.status_id is not None]
    items = await bundles_by_id(session, me, status_ids)
    state = await viewer_state(session, me, items)
    statuses = await render_bundles(renderer, session, items, state, me)
    visible = {s.id for s in statuses}
    shown: list[NotificationGroup] = []
    for group, entity in zip(groups, entities, strict=True):
        if entity.status_id is not None and entity.status_id not in visible:
            continue
        report_id = group.notes[0].report_id
        if report_id is not None and report_id in reports:
            entity.report = msgspec.to_builtins(
                render_report(renderer, reports[report_id], accounts)
            )
        shown.append(entity)
    samples = list(dict.fromkeys(int(a) for g in shown for a in g.sample_account_ids))
    return GroupedNotificationsResults(
        accounts=[renderer.account(accounts[a]) for a in samples if a in accounts],
        statuses=statuses,
        notification_groups=shown,
    )


async def _grouped_cached(
    svc: ApiRuntime, me: int, groups: list[_Group], *, paged: bool
) -> GroupedNotificationsResults:
    """``grouped_results`` for groups without reports: the sample accounts and statuses
    from the status cache (``notification_reads.render``), each rendered once for the page."""
    entities = [_group_entity(g, paged=paged) for g in groups]
    every = [cast(q.NotificationRow, n) for g in groups for n in g.notes]
    status_ids = [int(g.status_id) for g in entities if g.status_id is not None]
    rendered = await reads.render(svc, me, every, status_ids)
    shown = [
        entity
        for entity in entities
        if entity.status_id is None or int(entity.status_id) in rendered.statuses
    ]
    samples = list(dict.fromkeys(int(a) for g in shown for a in g.sample_account_ids))
    statuses = [rendered.statuses[i] for i in dict.fromkeys(status_ids) if i in rendered.statuses]
    return GroupedNotificationsResults(
        accounts=[rendered.senders[a] for a in samples if a in rendered.senders],
        statuses=statuses,
        notification_groups=shown,
    )


def _grouped_types(params: Params) -> frozenset[str]:
    if params.has("grouped_types"):
        return frozenset(params.str_list("grouped_types")) & GROUPED
    return frozenset(GROUPED)


@get("/api/v2/notifications")
async def list_grouped(request: Request[Any, Any, Any]) -> Response[GroupedNotificationsResults]:
    viewer = await require(request, "read:notifications")
    me = viewer.require_account()
    params = await Params.of(request)
    page = Page.of(params, default=40, maximum=80)
    svc = services_of(request)
    wanted, grouped = _wanted(params, me), _grouped_types(params)
    try:
        groups = await _scan(svc, me, wanted, page, grouped)
        body = await _grouped_cached(svc, me, groups, paged=True)
    except _Reports:
        async with svc.db.read() as session:
            groups = await scan_orm(session, me, wanted, page, grouped)
            body = await grouped_results(_renderer(request), session, me, groups, paged=True)
    edges = sorted({n.id for g in groups for n in g.notes}, reverse=True)
    headers = link_header(request, [edges[0], edges[-1]], page) if edges else {}
    return Response(body, headers=headers)


@get("/api/v2/notifications/unread_count")
async def unread_group_count(request: Request[Any, Any, Any]) -> dict[str, int]:
    viewer = await require(request, "read:notifications")
    me = viewer.require_account()
    params = await Params.of(request)
    cap = min(params.int("limit", 100, lo=1) or 100, 1000)
    grouped = _grouped_types(params)
    async with services_of(request).db.read() as session:
        unread = await q.unread_notifications(session, me, SCAN_LIMIT, _wanted(params, me))
    keys = list(dict.fromkeys(_key(n, grouped) for n in unread))
    return {"count": min(len(keys), cap)}


async def _one_group(
    request: Request[Any, Any, Any], session: AsyncSession, me: int, group_key: str
) -> _Group:
    notes = await q.group(session, me, group_key)
    if not notes and group_key.startswith("ungrouped-"):
        nid = parse_id(group_key.removeprefix("ungrouped-"))
        note = await q.notification(session, me, nid) if nid is not None else None
        notes = [note] if note is not None else []
    if not notes:
        raise NotFound()
    found: list[_Note] = list(notes)
    return _Group(group_key, found)


@get("/api/v2/notifications/{group_key:str}")
async def show_group(
    request: Request[Any, Any, Any], group_key: str
) -> GroupedNotificationsResults:
    viewer = await require(request, "read:notifications")
    me = viewer.require_account()
    async with services_of(request).db.read() as session:
        group = await _one_group(request, session, me, group_key)
        body = await grouped_results(_renderer(request), session, me, [group], paged=False)
    if not body.notification_groups:
        raise NotFound()
    return body


@get("/api/v2/notifications/{group_key:str}/accounts")
async def group_accounts(request: Request[Any, Any, Any], group_key: str) -> list[e.Account]:
    viewer = await require(request, "read:notifications")
    me = viewer.require_account()
    renderer = _renderer(request)
    async with services_of(request).db.read() as session:
        group = await _one_group(request, session, me, group_key)
        order = list(dict.fromkeys(n.from_account_id for n in group.notes))
        accounts = await q.accounts_by_id(session, order)
    return [renderer.account(accounts[a]) for a in order if a in accounts]


@post("/api/v2/notifications/{group_key:str}/dismiss", status_code=200)
async def dismiss_group(request: Request[Any, Any, Any], group_key: str) -> dict[str, Any]:
    viewer = await require(request, "write:notifications")
    me = viewer.require_account()
    async with services_of(request).db.transaction() as tx:
        if group_key.startswith("ungrouped-"):
            nid = parse_id(group_key.removeprefix("ungrouped-"))
            if nid is None:
                raise NotFound()
            await inbox.dismiss(tx, me, nid)
        else:
            await inbox.dismiss_group(tx, me, group_key)
    return {}


ROUTES = [
    list_notifications,
    unread_count,
    show_notification,
    clear_notifications,
    dismiss_notification,
    list_grouped,
    unread_group_count,
    show_group,
    group_accounts,
    dismiss_group,
]
