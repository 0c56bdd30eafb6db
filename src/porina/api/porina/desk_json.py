"""The desk's lists and conversation pages as joined JSON: each listed conversation, and
each conversation's page, rendered and encoded once per process while what it shows is
unchanged (issue 16, "Scale and checks"; docs/performance.md, "The desk at scale").

A page's rows (``fast_reads.page_rows``, read with the caller's role) carry everything a
listed conversation shows but the accounts, which render from the process's status cache at
the row's versions. A
conversation's encoding is kept with the row it came from and the account entities it used;
the next page that lists it with the same row and the same cached entities (the cache
renders an account again only when its version changed) joins the kept bytes instead of
building and encoding it again. Anything else (a change of status, assignee, labels,
activity, an account's new version) renders it again. A brand with SLA targets renders every
page afresh: its answers change with the time. A whole page is kept too (per brand, staff
member and page asked, ``KEPT_PAGES`` of them): the same rows and shown statuses again (the
rows carry every version the page shows) are the same bytes, with no check per
conversation.

A conversation's page (``detail``) is kept whole, but for its viewers (who is looking now:
added to every answer), with the rows its statement gave, the rules' runs and the account
renderings it used. The statement's rows carry every version and mark the page shows (the
conversation, each item and its account's version, each status's page row with the brand's
marks and whether the brand has filters), so the next read whose rows, shown status (a
snooze can run out), runs and cached accounts are the same joins the kept bytes: nothing
parsed, rendered or encoded. A page whose statuses were not all the status cache's
encodings (a quote, a brand with filters) or a brand with SLA targets is not kept.

The bytes are those ``msgspec.json.encode`` gives for the list or the detail ``desk_reads``
renders (``tests/desk/test_desk_json.py`` compares them).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

import msgspec

from porina.api.mastodon.auth import ApiRuntime
from porina.api.porina import desk_reads
from porina.core.actor import Actor
from porina.core.clock import now
from porina.desk import fast_reads
from porina.desk.detail_reads import DetailRows
from porina.desk.fast_reads import Listed, RunRow
from porina.desk.service_levels import NO_SLA
from porina.render import entities as e
from porina.render.status_cache import Bounded, StatusCache
from porina.storage.fastread import Row

KEPT = 8192
"""Conversations whose encodings a process keeps (about 1.5 kB each)."""
KEPT_PAGES = 256
"""Pages a process keeps of each kind: conversations' pages (20 items: 5-45 kB each, with
their rows) and whole lists (20 conversations: 20-40 kB)."""


@dataclass(frozen=True, slots=True)
class _Kept:
    row: Row
    status: str
    contact: e.Account | None
    assignee: e.Account | None
    body: bytes


K = TypeVar("K")
V = TypeVar("V")


class PerCache(Generic[K, V]):
    """Kept entries, a bounded store of them per status cache (per process, as the
    renderings they were made from; a test's fresh cache starts with none)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._stores: weakref.WeakKeyDictionary[StatusCache, Bounded[K, V]] = (
            weakref.WeakKeyDictionary()
        )

    def of(self, cache: StatusCache) -> Bounded[K, V]:
        found = self._stores.get(cache)
        if found is None:
            found = self._stores[cache] = Bounded(self.size)
        return found


_KEPT = PerCache[int, _Kept](KEPT)


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
    statuses = [_status(raw, moment) for raw in raws]
    key = (staff.brand_id, staff.user_id, asked)
    whole = _LISTS.of(cache).get(key)
    if whole is not None and whole.raws == raws and whole.statuses == statuses:
        return whole.body, ids
    kept = _KEPT.of(cache)
    parts: list[bytes] = []
    missing: list[int] = []
    for n, raw in enumerate(raws):
        found = kept.get(Listed.id(raw))
        if found is not None and _hit(found, raw, statuses[n], cache):
            parts.append(found.body)
        else:
            parts.append(b"")
            missing.append(n)
    if missing:
        fresh = await _render(svc, [raws[n] for n in missing], moment)
        for n, body in zip(missing, fresh, strict=True):
            parts[n] = body
    body = b"[" + b",".join(parts) + b"]"
    _LISTS.of(cache).put(key, _KeptList(raws, statuses, body))
    return body, ids


@dataclass(frozen=True, slots=True)
class _KeptList:
    """A whole page of a view: its rows as read, each conversation's shown status, the
    JSON. The same rows (every version the page shows) and statuses are the same page."""

    raws: list[Row]
    statuses: list[str]
    body: bytes


ListKey = tuple[int, int, fast_reads.Asked]
"""A kept page's: the brand, the staff member (*mine*, *mentioned*), the page asked."""

_LISTS = PerCache[ListKey, _KeptList](KEPT_PAGES)


async def _render(svc: ApiRuntime, raws: Sequence[Row], moment: datetime) -> list[bytes]:
    """``raws`` (what a page lacked) rendered and encoded; each is kept for the next page
    only when its accounts are the cache's at the row's versions."""
    cache = svc.status_cache
    kept = _KEPT.of(cache)
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


@dataclass(frozen=True, slots=True)
class _KeptPage:
    rows: list[Row]
    status: str
    runs: list[RunRow]
    people: dict[int, tuple[int, e.Account]]
    body: bytes
    earlier: int | None


PageKey = tuple[int, int, int, int | None]
"""A kept page's: the brand, the conversation, the items asked for (``limit``), ``max_id``."""

_PAGES = PerCache[PageKey, _KeptPage](KEPT_PAGES)


def _same_page(kept: _KeptPage, read: DetailRows, runs: list[RunRow], cache: StatusCache) -> bool:
    if kept.rows != read.rows or kept.runs != runs or kept.status != read.status:
        return False
    return all(
        cache.account(key, version) is shown for key, (version, shown) in kept.people.items()
    )


async def detail(
    svc: ApiRuntime, actor: Actor, conversation_id: int, limit: int, before: int | None
) -> tuple[bytes, int | None]:
    """The conversation with its latest ``limit`` items below ``before`` (an item id), oldest
    first, as JSON (a ``DeskConversationDetail``: ``desk_reads.detail_body`` renders it), and
    the id to ask ``max_id`` for the earlier ones (None: there are none); joined from the
    kept page when what it shows is unchanged."""
    read = await desk_reads.detail_rows(svc, actor, conversation_id, (limit + 1, before))
    runs = await desk_reads.runs_of(svc, read)
    cache = svc.status_cache
    key = (actor.account_id, conversation_id, limit, before)
    kept = _PAGES.of(cache).get(key)
    if kept is not None and _same_page(kept, read, runs, cache):
        body, earlier = kept.body, kept.earlier
    else:
        shown = await desk_reads.detail_body(svc, actor.account_id, read, limit, runs)
        body, earlier = shown.body, shown.earlier
        if shown.joined and not read.has_sla_targets:
            page = _KeptPage(read.rows, read.status, runs, shown.people, body, earlier)
            _PAGES.of(cache).put(key, page)
    viewers = await desk_reads.viewers(svc, actor, conversation_id)
    return desk_reads.with_viewers(body, viewers), earlier
