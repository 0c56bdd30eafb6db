"""The calendar's own events (rank 7: only the calendar and packages above it may subscribe).
Each names the brand and the draft; ``actor`` is the staff member acting as the brand, None
for the publishing job."""

from __future__ import annotations

from porina.core.events import Event


class DraftCreated(Event, frozen=True, kw_only=True):
    brand_account_id: int
    draft_id: int


class DraftEdited(Event, frozen=True, kw_only=True):
    """The draft's content or planned time changed; ``reopened`` when that sent an approved
    or scheduled draft back to ``draft`` (it needs approval again)."""

    brand_account_id: int
    draft_id: int
    reopened: bool = False


class DraftTransitioned(Event, frozen=True, kw_only=True):
    """A change of state: submitted, approved, scheduled, changes requested (``comment``),
    deleted, retried."""

    brand_account_id: int
    draft_id: int
    from_state: str
    to_state: str
    comment: str | None = None


class DraftPublished(Event, frozen=True, kw_only=True):
    brand_account_id: int
    draft_id: int
    status_id: int


class DraftMissed(Event, frozen=True, kw_only=True):
    """The draft could not be published at its time; ``reason`` says why."""

    brand_account_id: int
    draft_id: int
    reason: str
