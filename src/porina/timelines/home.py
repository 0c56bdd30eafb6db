"""The home timeline's page rows: candidates from the feed store, narrowed by ``page.py``.

A feed can hold entries the viewer may no longer see (an unfollow or block whose feed clean-up
job has not run yet, a deleted status, a muted author). Visibility is decided when the page is
read, so such entries are skipped, never shown. Each round takes a few more candidates than
the page needs; when hidden entries still leave the page short, the next round continues
below (or, paging upwards, above) the last candidate read, for at most ``ROUNDS`` rounds.
"""

from __future__ import annotations

from dataclasses import dataclass

from porina.timelines import page
from porina.timelines.feeds import NO_BOUND, FeedContext, PageBounds

ROUNDS = 4
SLACK = 4
"""Candidates read beyond the page, so a few hidden entries do not cost a second round."""


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


async def rows(svc: FeedContext, viewer_id: int, window: Window) -> tuple[list[page.PageRow], bool]:
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
    svc: FeedContext, viewer_id: int, window: Window, *, below: int, above: int, fetch: int
) -> tuple[list[page.PageRow], list[int]]:
    bounds = PageBounds(below=below, above=above, fetch=fetch, upwards=window.upwards)
    return await svc.feeds.page_rows(svc.db, viewer_id, bounds)
