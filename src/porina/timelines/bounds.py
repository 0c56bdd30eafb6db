"""The parameters every prebuilt timeline page takes: the viewer, the moment mutes expire
against, the page's id bounds and how many candidates to fetch (``public.py``'s ``BELOW``,
``ABOVE`` and ``FETCH``)."""

from __future__ import annotations

from typing import Any

from porina.core.clock import now
from porina.timelines.feeds import NO_BOUND
from porina.timelines.home import Window


def params(viewer_id: int | None, window: Window) -> dict[str, Any]:
    return {
        "porina_viewer": viewer_id,
        "porina_moment": now(),
        "porina_below": window.max_id if window.max_id is not None else NO_BOUND,
        "porina_above": max(window.min_id or 0, window.since_id or 0),
        "porina_fetch": window.limit,
    }


def newest_first(rows: list[Any], window: Window) -> list[Any]:
    """A page's rows, fetched upwards or downwards, newest first."""
    return list(reversed(rows)) if window.upwards else rows
