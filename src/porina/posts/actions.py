"""Status writers, by concern: ``compose`` (publish), ``scheduling``, ``editing`` (edit and
delete), ``pins``; with what they share in ``content`` (text, media, mentions, tags),
``access`` (the status acted on) and ``counters``. This module names the public writers, so
callers import one place."""

from __future__ import annotations

from porina.posts.access import get_own, get_visible, thread_of
from porina.posts.compose import IDEMPOTENCY_WINDOW, QUOTE_POLICIES, NewStatus, create_status
from porina.posts.content import MAX_MEDIA, MAX_SPOILER_CHARS, is_language, media_json
from porina.posts.counters import bump
from porina.posts.editing import StatusChange, delete_status, edit_status
from porina.posts.pins import MAX_PINS, pin, unpin
from porina.posts.scheduling import (
    MAX_SCHEDULED,
    MAX_SCHEDULED_PER_DAY,
    MIN_SCHEDULE_AHEAD,
    PUBLISH_SCHEDULED,
    TOO_SOON,
    cancel_scheduled,
    own_scheduled,
    publish_scheduled,
    reschedule,
    schedule_status,
)

__all__ = [
    "IDEMPOTENCY_WINDOW",
    "MAX_MEDIA",
    "MAX_PINS",
    "MAX_SCHEDULED",
    "MAX_SCHEDULED_PER_DAY",
    "MAX_SPOILER_CHARS",
    "MIN_SCHEDULE_AHEAD",
    "PUBLISH_SCHEDULED",
    "QUOTE_POLICIES",
    "TOO_SOON",
    "NewStatus",
    "StatusChange",
    "bump",
    "cancel_scheduled",
    "create_status",
    "delete_status",
    "edit_status",
    "get_own",
    "get_visible",
    "is_language",
    "media_json",
    "own_scheduled",
    "pin",
    "publish_scheduled",
    "reschedule",
    "schedule_status",
    "thread_of",
    "unpin",
]
