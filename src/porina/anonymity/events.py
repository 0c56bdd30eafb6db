"""What anonymity announces. ``actor`` is the person behind the pseudonym (or the admin who
revealed them): these events are for this package's own record, and no subscriber renders
them. The status itself is announced by ``posts`` (``StatusCreated``) with the pseudonym as
its actor and author, so nothing downstream learns who wrote it."""

from __future__ import annotations

from porina.core.events import Event


class AnonymousPosted(Event, frozen=True, kw_only=True):
    status_id: int
    pseudonym_id: int
    thread_id: int


class AnonymousAuthorRevealed(Event, frozen=True, kw_only=True):
    """An instance admin read who wrote ``status_id``; ``reveal_id`` is the log's row."""

    status_id: int
    reveal_id: int


class AnonymityPolicyChanged(Event, frozen=True, kw_only=True):
    """``account_id`` (a brand, a person, or a group's account) set whether its threads take
    anonymous posts: ``open``, ``moderated`` or ``off``."""

    account_id: int
    mode: str


class AnonymousHeld(Event, frozen=True, kw_only=True):
    """An anonymous post waits in ``queue_id``'s queue (a group's or a brand's); ``actor`` is
    its author (for this package's record: the queue's readers never learn it)."""

    pending_id: int
    queue_id: int


class AnonymousApproved(Event, frozen=True, kw_only=True):
    """A moderator of ``queue_id`` approved a held post: published as ``status_id``, or None
    when another queue holds it next (a brand's, after the group's)."""

    pending_id: int
    queue_id: int
    status_id: int | None


class AnonymousRejected(Event, frozen=True, kw_only=True):
    """A moderator of ``queue_id`` rejected a held post: it is never published."""

    pending_id: int
    queue_id: int
