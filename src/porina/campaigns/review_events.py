"""Contests' own events (rank 8: only campaigns and packages above it may subscribe)."""

from __future__ import annotations

from porina.core.events import Event


class ContestEntrantReviewed(Event, frozen=True, kw_only=True):
    """Staff decided on a flagged entrant: ``decision`` is ``allow`` or ``disqualify``."""

    brand_account_id: int
    contest_id: int
    target_account_id: int
    decision: str
