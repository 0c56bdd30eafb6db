"""Domain events: the facts actions announce, typed and frozen.

An action makes its own writes, then emits each event once (``porina.jobs.events.emit``).
Everything that reacts — notifications, home feeds, conversations, analytics, and later the
desk, contests and federation — subscribes to these types in its own package; no action
imports a consumer. ``docs/events.md`` lists every event, its fields and its subscribers (a
test keeps it true).

Events carry ids and small values, never ORM rows: a durable subscriber receives the event
as a job payload after commit, possibly in another process. ``actor`` is who did it (the
acting account, the signed-in person operating it, the app).
"""

from __future__ import annotations

import msgspec

from porina.core.actor import Actor


class Event(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    """Base of every domain event; ``tag`` is the class name, so payloads decode by type."""

    actor: Actor | None = None


# --- accounts ---------------------------------------------------------------------------------


class AccountCreated(Event, frozen=True, kw_only=True):
    account_id: int
    user_id: int


class ProfileUpdated(Event, frozen=True, kw_only=True):
    """The profile or a personal setting changed; ``changed`` names what, when not the
    profile itself (``password``, ``locale``)."""

    account_id: int
    changed: str | None = None
    locale: str | None = None


class Followed(Event, frozen=True, kw_only=True):
    """``follower_id`` now follows ``target_id`` (no approval was needed)."""

    follower_id: int
    target_id: int


class FollowRequested(Event, frozen=True, kw_only=True):
    follower_id: int
    target_id: int


class FollowRequestAuthorized(Event, frozen=True, kw_only=True):
    """The locked ``target_id`` accepted ``follower_id``, who now follows it."""

    follower_id: int
    target_id: int


class FollowRequestRejected(Event, frozen=True, kw_only=True):
    follower_id: int
    target_id: int


class Unfollowed(Event, frozen=True, kw_only=True):
    """A follow ended; ``by_block`` when a block removed it (the block is recorded apart)."""

    follower_id: int
    target_id: int
    by_block: bool = False


class Blocked(Event, frozen=True, kw_only=True):
    account_id: int
    target_id: int


class Unblocked(Event, frozen=True, kw_only=True):
    account_id: int
    target_id: int


class Muted(Event, frozen=True, kw_only=True):
    account_id: int
    target_id: int
    notifications: bool
    duration: int


class Unmuted(Event, frozen=True, kw_only=True):
    account_id: int
    target_id: int


class OperatorAdded(Event, frozen=True, kw_only=True):
    """``user_id`` now operates the team-run ``account_id`` as ``role`` (``previous_role``
    when only the role changed); ``actor.user_id`` is who did it (None: the CLI)."""

    account_id: int
    user_id: int
    role: str
    previous_role: str | None = None


class OperatorRemoved(Event, frozen=True, kw_only=True):
    """``user_id`` no longer operates ``account_id``; their tokens for it are revoked."""

    account_id: int
    user_id: int
    role: str
    tokens_revoked: int


# --- statuses ---------------------------------------------------------------------------------


class StatusCreated(Event, frozen=True, kw_only=True):
    """A status was published (not a reblog: ``Reblogged``). ``mentioned`` are the accounts
    mentioned; ``parent`` and ``quoted`` the statuses replied to and quoted, with authors."""

    status_id: int
    author_id: int
    visibility: str
    thread_id: int
    mentioned: tuple[int, ...] = ()
    parent_id: int | None = None
    parent_author_id: int | None = None
    quoted_id: int | None = None
    quoted_author_id: int | None = None
    links: bool = False
    """The text holds an http(s) link (a preview card may be made for it)."""
    tags: tuple[str, ...] = ()
    """Its hashtags, lower-cased (the public streams it goes to, published at commit)."""
    local: bool = True
    """Posted here; False for a status received from another server (federation)."""
    group_id: int | None = None
    """The group (its account id) whose discussion it belongs to (``groups``)."""
    mentioned_groups: tuple[int, ...] = ()
    """The groups' accounts among ``mentioned`` (a mention of a group posts into it)."""


class StatusEdited(Event, frozen=True, kw_only=True):
    """An own status was edited; ``mentioned`` are the accounts newly mentioned."""

    status_id: int
    author_id: int
    thread_id: int
    edited_at: str
    mentioned: tuple[int, ...] = ()


class StatusDeleted(Event, frozen=True, kw_only=True):
    """A status or reblog is gone. ``cascade`` when it went because another was deleted (a
    reblog of a deleted status)."""

    status_id: int
    author_id: int
    reblog_of_id: int | None = None
    cascade: bool = False


class QuoteRevoked(Event, frozen=True, kw_only=True):
    """The author of ``quoted_id`` withdrew their consent to the quote ``status_id`` (by
    ``author_id``): its quote is now ``revoked``."""

    status_id: int
    author_id: int
    quoted_id: int
    quoted_author_id: int


class StatusPinned(Event, frozen=True, kw_only=True):
    status_id: int


class StatusUnpinned(Event, frozen=True, kw_only=True):
    status_id: int


class DirectMessageSent(Event, frozen=True, kw_only=True):
    """A direct status reached ``recipients`` (the accounts it mentions)."""

    status_id: int
    author_id: int
    thread_id: int
    recipients: tuple[int, ...]


# --- interactions -----------------------------------------------------------------------------


class Favourited(Event, frozen=True, kw_only=True):
    status_id: int
    status_author_id: int
    thread_id: int
    status_local: bool = True
    """The status was written here (a like of another server's status federates)."""


class Unfavourited(Event, frozen=True, kw_only=True):
    status_id: int
    status_author_id: int
    status_local: bool = True


class Bookmarked(Event, frozen=True, kw_only=True):
    status_id: int
    status_author_id: int


class Unbookmarked(Event, frozen=True, kw_only=True):
    status_id: int
    status_author_id: int


class Reblogged(Event, frozen=True, kw_only=True):
    """``reblog_id`` (owned by the actor) boosts ``status_id``."""

    reblog_id: int
    reblogger_id: int
    status_id: int
    status_author_id: int
    thread_id: int


class Unreblogged(Event, frozen=True, kw_only=True):
    reblog_id: int
    reblogger_id: int
    status_id: int
    status_author_id: int


class PollVoted(Event, frozen=True, kw_only=True):
    poll_id: int
    status_id: int
    poll_author_id: int
    voter_id: int
    choices: tuple[int, ...]
    poll_local: bool = True
    """The poll was written here (a vote on another server's poll federates)."""


class PollEnded(Event, frozen=True, kw_only=True):
    """A poll closed: its author and voters hear of it (``ended_at`` makes it unique)."""

    poll_id: int
    status_id: int
    poll_author_id: int
    ended_at: str


# --- notifications ----------------------------------------------------------------------------


class NotificationCreated(Event, frozen=True, kw_only=True):
    """A notification reached ``account_id`` (one a notification policy held back is not
    announced). ``push_subscribed``: the recipient had a Web Push subscription then, read
    with the checks that created the notification, so hearing of it costs nothing more."""

    notification_id: int
    account_id: int
    from_account_id: int
    kind: str
    """The notification type (``favourite``, ``mention``...)."""
    status_id: int | None = None
    push_subscribed: bool = False


# --- moderation -------------------------------------------------------------------------------


class ReportFiled(Event, frozen=True, kw_only=True):
    report_id: int
    reporter_id: int
    target_account_id: int
    category: str


class ReportResolved(Event, frozen=True, kw_only=True):
    report_id: int
    target_account_id: int
    action: str


# --- privacy ----------------------------------------------------------------------------------


class ArchiveRequested(Event, frozen=True, kw_only=True):
    """A person asked for an archive of their data; a job builds it."""

    archive_id: int
    account_id: int


class ArchiveReady(Event, frozen=True, kw_only=True):
    """The archive ``archive_id`` is built and may be downloaded by its owner until it
    expires."""

    archive_id: int
    account_id: int


class AccountDeleted(Event, frozen=True, kw_only=True):
    """A person deleted their own account: it is suspended at once (hiding everything of
    theirs), their sign-ins end, and a job deletes its data; the username stays reserved."""

    account_id: int
    user_id: int
