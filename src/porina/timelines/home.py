"""The home timeline's page rows: candidates from the feed store, narrowed by ``page.py``.

A feed can hold entries the viewer may no longer see (an unfollow or block whose feed clean-up
job has not run yet, a deleted status, a muted author). Visibility is decided when the page is
read, so such entries are skipped, never shown. Each round takes a few more candidates than
the page needs; when hidden entries still leave the page short, the next round continues
below (or, paging upwards, above) the last candidate read, for at most ``ROUNDS`` rounds.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Integer, bindparam, select

from porina.core.clock import now
from porina.posts.queries import VIEWER
from porina.storage.fastread import Prebuilt
from porina.timelines import page
from porina.timelines.feeds_db import DatabaseFeedStore
from porina.timelines.models import HomeFeedEntry as H

if TYPE_CHECKING:
    from porina.services import Services

ROUNDS = 4
SLACK = 4
"""Candidates read beyond the page, so a few hidden entries do not cost a second round."""
NO_BOUND = 2**63 - 1
BELOW = bindparam("porina_below", type_=BigInteger)
ABOVE = bindparam("porina_above", type_=BigInteger)
FETCH = bindparam("porina_fetch", type_=Integer)


@dataclass(frozen=True, slots=True)
class Window:
    """Which part of the feed a page asks for (Mastodon's ``max_id``/``since_id``/``min_id``)."""

    max_id: int | None
    since_id: int | None
    min_id: int | None
    limit: int

    @property
    def upwards(self) -> bool:
        return self.min_id is not None


@functools.cache
def _from_feed(*, ascending: bool) -> Prebuilt:
    order = H.status_id.asc() if ascending else H.status_id.desc()
    candidates = (
        select(H.status_id)
        .where(H.account_id == VIEWER, H.status_id < BELOW, H.status_id > ABOVE)
        .order_by(order)
        .limit(FETCH)
        .subquery("candidates")
    )
    return page.from_candidates(candidates, ascending=ascending)


async def rows(svc: Services, viewer_id: int, window: Window) -> tuple[list[page.PageRow], bool]:
    """Up to ``window.limit`` visible rows, newest first, and whether the feed had any entry
    in the window at all (an empty feed may need rebuilding)."""
    below = window.max_id if window.max_id is not None else NO_BOUND
    above = max(window.min_id or 0, window.since_id or 0)
    fetch = min(window.limit + SLACK, page.SLOTS)
    shown: list[page.PageRow] = []
    any_entry = False
    for _ in range(ROUNDS):
        batch, scanned = await _round(svc, viewer_id, window, below=below, above=above, fetch=fetch)
        any_entry = any_entry or bool(scanned)
        shown.extend(row for row in batch if row.visible)
        if len(shown) >= window.limit or len(scanned) < fetch:
            break
        if window.upwards:
            above = max(scanned)
        else:
            below = min(scanned)
    shown = shown[: window.limit]
    return (list(reversed(shown)) if window.upwards else shown), any_entry


async def _round(
    svc: Services, viewer_id: int, window: Window, *, below: int, above: int, fetch: int
) -> tuple[list[page.PageRow], list[int]]:
    params: dict[str, Any] = {"porina_viewer": viewer_id, "porina_moment": now()}
    if isinstance(svc.feeds, DatabaseFeedStore):
        params.update(porina_below=below, porina_above=above, porina_fetch=fetch)
        raw = await svc.db.fast.fetch(_from_feed(ascending=window.upwards), params)
        found = page.rows(raw)
        return found, [row.id for row in found]
    ids = await svc.feeds.page(
        viewer_id,
        max_id=None if below == NO_BOUND else below,
        since_id=above if not window.upwards and above else None,
        min_id=above if window.upwards else None,
        limit=fetch,
    )
    if not ids:
        return [], []
    found = await page.for_ids(svc.db, viewer_id, ids)
    return (list(reversed(found)) if window.upwards else found), ids
