"""The desk's own events: what happened to a conversation, for the response metrics, rules
and the live inbox that come later (they subscribe here, in ``desk`` or above).

Each carries the brand (``brand_account_id``) and the conversation; ``actor`` is the staff
member for what the team did (``actor.user_id``), the person for what came in.
"""

from __future__ import annotations

from porina.core.events import Event


class DeskItemAdded(Event, frozen=True, kw_only=True):
    """An item joined a conversation: a message or light item that came in, a reply the brand
    sent (``sent``), a note. ``reopened``: the item made a resolved, snoozed or pending
    conversation open again (or opened one that was never open)."""

    conversation_id: int
    brand_account_id: int
    item_id: int
    kind: str
    status_id: int | None = None
    reopened: bool = False
    has_rules: bool | None = None
    """Whether the brand had enabled rules, when the filing read it with the conversation
    (None: not read; ``desk.rules_engine`` asks)."""
    has_mentioned: bool | None = None
    """Whether the conversation had *Mentioned* rows, when the filing read it with the
    conversation (None: not read; ``desk.mentioned`` copies onto whatever rows there are)."""


class DeskAssigned(Event, frozen=True, kw_only=True):
    """``assignee_user_id`` (None: nobody) now handles the conversation."""

    conversation_id: int
    brand_account_id: int
    assignee_user_id: int | None
    previous_user_id: int | None
    rule_id: int | None = None
    """Set when a desk rule did it (``desk.rules``), not a person."""


class DeskStatusChanged(Event, frozen=True, kw_only=True):
    """The team set the conversation's status (``snooze_until`` as ISO 8601 when snoozed)."""

    conversation_id: int
    brand_account_id: int
    status: str
    previous: str
    snooze_until: str | None = None
    rule_id: int | None = None
    """Set when a desk rule did it (``desk.rules``), not a person."""


class DeskReplied(Event, frozen=True, kw_only=True):
    """A staff member published ``status_id`` as the brand from the desk."""

    conversation_id: int
    brand_account_id: int
    status_id: int
    visibility: str
    rule_id: int | None = None
    """Set when a desk rule did it (``desk.rules``), not a person."""


class DeskNoteAdded(Event, frozen=True, kw_only=True):
    """An internal note; ``mentioned_user_ids`` are the colleagues it mentions."""

    conversation_id: int
    brand_account_id: int
    item_id: int
    mentioned_user_ids: tuple[int, ...] = ()


class DeskBusinessHoursSet(Event, frozen=True, kw_only=True):
    """The brand's business hours were set (time zone, weekly intervals, holidays)."""

    brand_account_id: int
    time_zone: str


class DeskSlaTargetsSet(Event, frozen=True, kw_only=True):
    """The brand's SLA targets were replaced (``priorities``: those with a target)."""

    brand_account_id: int
    priorities: tuple[str, ...] = ()


class DeskSavedReplyChanged(Event, frozen=True, kw_only=True):
    """A saved reply was ``created``, ``updated`` or ``deleted`` (``change``)."""

    brand_account_id: int
    saved_reply_id: int
    change: str


class DeskTriaged(Event, frozen=True, kw_only=True):
    """The conversation's priority or labels changed (their values after the change)."""

    conversation_id: int
    brand_account_id: int
    priority: str | None
    labels: tuple[str, ...] = ()
    rule_id: int | None = None
    """Set when a desk rule did it (``desk.rules``), not a person."""


class DeskRuleChanged(Event, frozen=True, kw_only=True):
    """A desk rule was ``created``, ``updated`` or ``deleted`` (``change``)."""

    brand_account_id: int
    rule_id: int
    change: str


class DeskWatchChanged(Event, frozen=True, kw_only=True):
    """A listening watch was ``created``, ``updated`` or ``deleted`` (``change``)."""

    brand_account_id: int
    watch_id: int
    change: str
