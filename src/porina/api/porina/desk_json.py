"""The desk's lists as joined JSON: each conversation rendered and encoded once per process
(issue 16, "Scale and checks"; docs/performance.md, "The desk at scale").

A page's rows (``fast_reads.page_rows``, read with the caller's role) carry everything a
listed conversation shows but the accounts, which render from the process's status cache at
the row's versions. A
conversation's encoding is kept with the row it came from and the account entities it used;
the next page that lists it with the same row and the same cached entities (the cache
renders an account again only when its version changed) joins the kept bytes instead of
building and encoding it again. Anything else (a change of status, assignee, labels,
activity, an account's new version) renders it again. A brand with SLA targets renders every
page afresh: its answers change with the time.

The bytes are those ``msgspec.json.encode`` gives for the list ``desk_reads`` renders
(``tests/desk/test_desk_json.py`` compares them).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import msgspec

from porina.api.mastodon.auth import ApiRuntime
from porina.api.porina import desk_reads
from porina.core.actor import Actor
from porina.core.clock import now
from porina.desk import fast_reads
from porina.desk.fast_reads import Listed
from porina.desk.service_levels import NO_SLA
from porina.render import entities as e
from porina.render.status_cache import Bounded, StatusCache
from porina.storage.fastread import Row

KEPT = 8192
"""Conversations whose encodings a process keeps (about 1.5 kB each)."""


@dataclass(frozen=True, slots=True)
class _Kept:
    row: Row
    status: str
    contact: e.Account | None
    assignee: e.Account | None
    body: bytes


_KEPT: weakref.WeakKeyDictionary[StatusCache, Bounded[int, _Kept]] = weakref.WeakKeyDictionary()


def _kept(cache: StatusCache) -> Bounded[int, _Kept]:
    found = _KEPT.get(cache)
    if found is None:
        found = _KEPT[cache] = Bounded(KEPT)
    return found


def _accounts(cache: StatusCache, raw: Row) -> tuple[e.Account | None, e.Account | None, bool]:
    """The cached renderings of the row's contact and assignee at its versions, and whether
    both are there (no assignee: nothing to find)."""
    contact = cache.account(*Listed.contact(raw))
    named = Listed.assignee(raw)
    assignee = None if named is None else cache.account(*named)
    whole = contact is not None and (assignee is not None or raw[5] is None)
    return contact, assignee, whole


def _status(raw: Row, moment: datetime) -> str:
    return str(raw[3]) if raw[3] != "snoozed" else Listed.status(raw, moment)


def _hit(kept: _Kept | None, raw: Row, status: str, cache: StatusCache) -> bool:
    if kept is None or kept.row != raw or kept.status != status:
        return False
    contact, assignee, whole = _accounts(cache, raw)
    return whole and kept.contact is contact and kept.assignee is assignee


async def conversations(
    svc: ApiRuntime, actor: Actor, asked: fast_reads.Asked
) -> tuple[bytes, list[str]]:
    """A page of a view as a JSON array, and its conversations' ids (for the ``Link``); the
    caller refused as ``desk_reads.worker`` refuses."""
    moment = now()
    staff, raws = await desk_reads.page_rows(svc, actor, asked, moment)
    ids = [str(raw[0]) for raw in raws]
    if raws and Listed.has_sla_targets(raws[0]):
        rows = [fast_reads.listed(raw, moment) for raw in raws]
        return msgspec.json.encode(await desk_reads.rendered(svc, staff.brand_id, rows)), ids
    cache = svc.status_cache
    kept = _kept(cache)
    parts: list[bytes] = []
    missing: list[int] = []
    for n, raw in enumerate(raws):
        found = kept.get(Listed.id(raw))
        if found is not None and _hit(found, raw, _status(raw, moment), cache):
            parts.append(found.body)
        else:
            parts.append(b"")
            missing.append(n)
    if missing:
        fresh = await _render(svc, [raws[n] for n in missing], moment)
        for n, body in zip(missing, fresh, strict=True):
            parts[n] = body
    return b"[" + b",".join(parts) + b"]", ids


async def _render(svc: ApiRuntime, raws: Sequence[Row], moment: datetime) -> list[bytes]:
    """``raws`` (what a page lacked) rendered and encoded; each is kept for the next page
    only when its accounts are the cache's at the row's versions."""
    cache = svc.status_cache
    kept = _kept(cache)
    rows = [fast_reads.listed(raw, moment) for raw in raws]
    people = await desk_reads.people_of(svc, rows)
    bodies: list[bytes] = []
    for raw, row in zip(raws, rows, strict=True):
        body = msgspec.json.encode(desk_reads.listed(row, people, NO_SLA))
        bodies.append(body)
        contact, assignee, whole = _accounts(cache, raw)
        if whole:
            kept.put(row.id, _Kept(raw, row.status, contact, assignee, body))
    return bodies
