"""The desk's events for the label catalogue, contacts' tags and notes (issue 16, points 2
and 7) and a staff member's sentiment correction.

Each carries the brand (``brand_account_id``); ``actor`` is the staff member who did it.
"""

from __future__ import annotations

from porina.core.events import Event


class DeskLabelChanged(Event, frozen=True, kw_only=True):
    """A catalogue label was ``created``, ``updated`` or ``deleted`` (``change``)."""

    brand_account_id: int
    label_id: int
    change: str
    name: str


class DeskContactTagged(Event, frozen=True, kw_only=True):
    """The team replaced a person's tags (``target_account_id``: the person)."""

    brand_account_id: int
    target_account_id: int
    tags: tuple[str, ...] = ()


class DeskContactNoted(Event, frozen=True, kw_only=True):
    """An internal note about a person was ``added`` or ``deleted`` (``change``)."""

    brand_account_id: int
    target_account_id: int
    note_id: int
    change: str


class DeskSentimentOverridden(Event, frozen=True, kw_only=True):
    """A staff member corrected (or confirmed) an incoming message's ``sentiment``."""

    conversation_id: int
    brand_account_id: int
    item_id: int
    sentiment: str
    predicted: str | None = None


class DeskSlaWarned(Event, frozen=True, kw_only=True):
    """A conversation reached its SLA target's warning share (``target``: first_response or
    resolution), once per conversation, target and due time; no actor (time did it)."""

    conversation_id: int
    brand_account_id: int
    target: str
    due_at: str
    assignee_user_id: int | None = None


class DeskSlaBreached(Event, frozen=True, kw_only=True):
    """A conversation's SLA target fell due unmet, once per conversation, target and due
    time; no actor."""

    conversation_id: int
    brand_account_id: int
    target: str
    due_at: str
    assignee_user_id: int | None = None
