"""Contests' own events (rank 8: only campaigns and packages above it may subscribe)."""

from __future__ import annotations

from porina.core.events import Event


class ContestEntrantReviewed(Event, frozen=True, kw_only=True):
    """Staff decided on a flagged entrant: ``decision`` is ``allow`` or ``disqualify``."""

    brand_account_id: int
    contest_id: int
    target_account_id: int
    decision: str


class ContestDrawn(Event, frozen=True, kw_only=True):
    """A contest closed and its winners were drawn (``campaigns.contests.close``; ``actor`` is
    None when the job ``campaigns.close_due`` closed it at ``ends_at``)."""

    brand_account_id: int
    contest_id: int
    winners: list[str]


class ContestRedrawn(Event, frozen=True, kw_only=True):
    """A winner (``replaced``) was set aside for ``reason`` and ``acct`` drawn in their place
    (``campaigns.contests.redraw``: staff's re-draw, a disqualification in the review)."""

    brand_account_id: int
    contest_id: int
    replaced: str
    acct: str
    reason: str


class ContestPrizeClaimed(Event, frozen=True, kw_only=True):
    """A winner claimed their prize (``campaigns.winners.claim``; ``actor`` is the winner), or
    the brand's staff recorded the claim for them (``mark_claimed``: a remote winner who
    answered the DM)."""

    brand_account_id: int
    contest_id: int
    acct: str


class ContestResultsPublished(Event, frozen=True, kw_only=True):
    """The brand published the contest's results as a reply to its post
    (``campaigns.winners.publish_results``), after staff edited the draft."""

    brand_account_id: int
    contest_id: int
    status_id: int
