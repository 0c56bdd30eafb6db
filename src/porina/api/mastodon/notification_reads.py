"""Notifications on the home timeline's paths: ``/api/v1/notifications`` (any filter),
``/api/v1/notifications/:id`` and the grouped ``/api/v2/notifications``.

The notifications come from one prebuilt statement (``notifications.queries.page_statement``:
the viewer's shown notifications with each sender's row version), their statuses from page rows
(``timelines/page.py``, one statement per 64), and every rendering from the status cache: a
sender is rendered once per process and version, not once per notification. What the cache
lacks (statuses, then senders) is read on the driver (``posts.queries.rows_by_id`` and
``account_rows``), the viewer's filters, when they have any, in a session. A page holding a
report notification (moderators') returns None: the full path renders those.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from porina.api.mastodon.auth import ApiRuntime
from porina.api.mastodon.pagination import Page
from porina.core.clock import iso, now
from porina.interactions.filters import ActiveFilter, load_active_of, prepare
from porina.notifications import queries as q
from porina.posts.models import Status
from porina.render import entities as e
from porina.render.pages import fill_cached, found_statuses
from porina.render.status_cache import Found, StatusCache, Viewing
from porina.storage.fastread import as_datetime
from porina.timelines.feeds import NO_BOUND
from porina.timelines.page import PageRow, for_ids

_encode = msgspec.json.Encoder().encode


async def notes(
    svc: ApiRuntime,
    me: int,
    wanted: q.NotificationFilter,
    page: Page,
    every_type: Iterable[str],
) -> list[q.NotificationRow]:
    """A page of ``me``'s shown notifications that ``wanted`` asks for, newest first (their
    ``created_at`` as datetimes)."""
    statement, extra = q.page_statement(wanted, every_type, ascending=page.ascending)
    params = {
        "porina_viewer": me,
        "porina_moment": now(),
        "porina_below": page.max_id if page.max_id is not None else NO_BOUND,
        "porina_above": max(page.min_id or 0, page.since_id or 0),
        "porina_limit": page.limit,
        **extra,
    }
    raw = await svc.db.fast.fetch(statement, params)
    found = [q.NotificationRow._make(row) for row in raw]
    return page.arrange([n._replace(created_at=as_datetime(n.created_at)) for n in found])


def has_reports(found: Iterable[q.NotificationRow]) -> bool:
    return any(note.report_id is not None for note in found)


@dataclass(frozen=True, slots=True)
class Rendered:
    """What the cache gives for a page of notifications."""

    senders: dict[int, e.Account]
    """By account id, at the version the notifications named."""
    statuses: dict[int, e.Status]
    """The viewer's visible statuses among them, by id."""


@dataclass(frozen=True, slots=True)
class _Filled:
    """A page's visible statuses' rows and the cache's renderings of them (senders kept)."""

    rows: dict[int, PageRow]
    hits: dict[int, Found]
    filters: list[ActiveFilter]


async def _filled(
    svc: ApiRuntime, me: int, found: Sequence[q.NotificationRow], status_ids: Sequence[int]
) -> _Filled:
    rows = await _status_rows(svc, me, status_ids)
    hits, filters = await _fill(svc, svc.status_cache, me, found, rows)
    present = {status_id: hit for status_id, hit in hits.items() if hit is not None}
    return _Filled(rows, present, filters)


async def render(
    svc: ApiRuntime, me: int, found: Sequence[q.NotificationRow], status_ids: Sequence[int]
) -> Rendered:
    """The senders of ``found`` and the statuses ``status_ids`` (those the viewer may see)."""
    return await _rendered(svc, me, found, await _filled(svc, me, found, status_ids))


async def _rendered(
    svc: ApiRuntime, me: int, found: Sequence[q.NotificationRow], filled: _Filled
) -> Rendered:
    cache = svc.status_cache
    viewing = Viewing(me, filled.filters)
    statuses = {
        status_id: cache.personal(hit, filled.rows[status_id], viewing)
        for status_id, hit in filled.hits.items()
    }
    await fill_cached(svc, me, list(filled.hits.values()), list(statuses.values()))
    return Rendered(_senders(cache, found), statuses)


def _senders(cache: StatusCache, found: Sequence[q.NotificationRow]) -> dict[int, e.Account]:
    senders: dict[int, e.Account] = {}
    for note in found:
        sender = cache.account(note.from_account_id, note.from_account_version)
        if sender is not None:
            senders[note.from_account_id] = sender
    return senders


def _senders_json(cache: StatusCache, found: Sequence[q.NotificationRow]) -> dict[int, bytes]:
    """Each sender's JSON at the version its notification named, encoded once per version
    and kept by the status cache (``account_json_at``), as the conversations' participants."""
    senders: dict[int, bytes] = {}
    for note in found:
        if note.from_account_id not in senders:
            encoded = cache.account_json_at(note.from_account_id, note.from_account_version)
            if encoded is not None:
                senders[note.from_account_id] = encoded
    return senders


async def entities(
    svc: ApiRuntime, me: int, found: Sequence[q.NotificationRow]
) -> list[e.Notification]:
    """``found`` as ``render_notifications`` renders them (no reports among them): those
    whose status the viewer can no longer see are left out."""
    ids = [n.status_id for n in found if n.status_id is not None]
    return _body(found, await render(svc, me, found, ids))


def _body(found: Sequence[q.NotificationRow], shown: Rendered) -> list[e.Notification]:
    body: list[e.Notification] = []
    for note in found:
        sender = shown.senders.get(note.from_account_id)
        status = shown.statuses.get(note.status_id) if note.status_id is not None else None
        if sender is None or (note.status_id is not None and status is None):
            continue
        body.append(_entity(note, sender, status))
    return body


async def page_json(svc: ApiRuntime, me: int, found: Sequence[q.NotificationRow]) -> bytes:
    """``entities(svc, me, found)`` encoded as a JSON array. A viewer without active filters
    on a page without quote posts (nearly every page) gets each status's cached encoding
    with its marks (``StatusCache.personal_json``, as the home timeline) and each sender
    encoded once; filters and quotes need the entities."""
    filled = await _filled(svc, me, found, [n.status_id for n in found if n.status_id])
    if filled.filters or any(_shown(hit).quote_of_id is not None for hit in filled.hits.values()):
        return _encode(_body(found, await _rendered(svc, me, found, filled)))
    cache = svc.status_cache
    statuses = {i: cache.personal_json(hit, filled.rows[i], me) for i, hit in filled.hits.items()}
    senders = _senders_json(cache, found)
    parts: list[bytes] = []
    for note in found:
        sender = senders.get(note.from_account_id)
        status = statuses.get(note.status_id) if note.status_id is not None else b"null"
        if sender is not None and status is not None:
            parts.append(_entity_json(note, sender, status))
    return b"[" + b",".join(parts) + b"]"


def _shown(hit: Found) -> Status:
    """The status row a notification's status shows (the boosted one for a boost)."""
    return (hit.reblog if hit.reblog is not None else hit.status).status


def _entity_json(note: q.NotificationRow, sender: bytes, status: bytes) -> bytes:
    """``_entity(note, ...)`` encoded, the sender and status already encoded."""
    return b"".join(
        (
            b'{"id":"',
            str(note.id).encode(),
            b'","type":',
            _encode(note.type),
            b',"group_key":',
            _encode(note.group_key),
            b',"created_at":',
            _encode(iso(note.created_at) or ""),
            b',"account":',
            sender,
            b',"status":',
            status,
            b',"report":null,"filtered":true}' if note.filtered else b',"report":null}',
        )
    )


async def _status_rows(svc: ApiRuntime, me: int, ids: Sequence[int]) -> dict[int, PageRow]:
    """Page rows of the visible statuses among ``ids``, by id (mutes left to the notification
    query: a muted author's mention still shows unless the mute hides notifications)."""
    return {row.id: row for row in await for_ids(svc.db, me, ids, mutes=False) if row.visible}


async def _fill(
    svc: ApiRuntime,
    cache: StatusCache,
    me: int,
    found: Sequence[q.NotificationRow],
    rows: dict[int, PageRow],
) -> tuple[dict[int, Found | None], list[ActiveFilter]]:
    """What the cache lacks (statuses, then the senders their authors were not) on the
    driver, and the viewer's filters; a session only for the filters (or without a reader)."""
    ordered = list(rows.values())
    hits = {row.id: cache.find(row) for row in ordered}
    senders = {n.from_account_id: n.from_account_version for n in found}
    misses = None in hits.values()
    has_filters = any(row.has_filters for row in ordered)
    orm = cache.needs_session and (misses or bool(cache.lacks_accounts(senders)))
    filters: list[ActiveFilter] = []
    async with _session(svc, needed=has_filters or orm) as session:
        if misses:
            fresh = await cache.fill(session, me, ordered)
            hits = {row.id: hit for row, hit in zip(ordered, fresh, strict=True)}
        await cache.keep_missing_accounts(session, senders)
        if has_filters and session is not None:
            filters = await load_active_of(session, me)
    if filters:  # matched now, off the loop when large; rendering finds the results
        await prepare(filters, found_statuses(hits.values()))
    return hits, filters


def _session(svc: ApiRuntime, *, needed: bool) -> AbstractAsyncContextManager[AsyncSession | None]:
    return svc.db.read() if needed else nullcontext()


def _entity(note: q.NotificationRow, sender: e.Account, status: e.Status | None) -> e.Notification:
    return e.Notification(
        id=str(note.id),
        type=note.type,
        group_key=note.group_key,
        created_at=iso(note.created_at) or "",
        account=sender,
        status=status,
        filtered=True if note.filtered else msgspec.UNSET,
    )
