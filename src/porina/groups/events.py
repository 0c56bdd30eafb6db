"""What happens in a group. ``actor`` is who did it; ``group_id`` is also the group's account id."""

from __future__ import annotations

from porina.core.events import Event


class GroupCreated(Event, frozen=True, kw_only=True):
    group_id: int
    owner_id: int
    privacy: str


class GroupJoined(Event, frozen=True, kw_only=True):
    """``account_id`` became a member (joined a public group, accepted an invitation, or had
    a join request approved)."""

    group_id: int
    account_id: int


class GroupJoinRequested(Event, frozen=True, kw_only=True):
    group_id: int
    account_id: int


class GroupJoinRequestRejected(Event, frozen=True, kw_only=True):
    group_id: int
    account_id: int


class GroupInvited(Event, frozen=True, kw_only=True):
    group_id: int
    account_id: int


class GroupLeft(Event, frozen=True, kw_only=True):
    """``account_id`` left, or a moderator removed them (``removed``), banning them too
    (``banned``)."""

    group_id: int
    account_id: int
    removed: bool = False
    banned: bool = False


class GroupUnbanned(Event, frozen=True, kw_only=True):
    group_id: int
    account_id: int


class GroupRoleChanged(Event, frozen=True, kw_only=True):
    group_id: int
    account_id: int
    role: str


class GroupUpdated(Event, frozen=True, kw_only=True):
    """The group's rules or description changed."""

    group_id: int


class GroupThreadStarted(Event, frozen=True, kw_only=True):
    group_id: int
    status_id: int
    author_id: int


class GroupThreadChanged(Event, frozen=True, kw_only=True):
    """A moderator ``pinned``, ``unpinned``, ``locked``, ``unlocked`` or ``removed`` a post
    (``removed``: any post of the group, a discussion or a reply)."""

    group_id: int
    status_id: int
    change: str


class GroupReportFiled(Event, frozen=True, kw_only=True):
    group_id: int
    report_id: int
    target_account_id: int
    status_id: int | None = None


class GroupReportResolved(Event, frozen=True, kw_only=True):
    group_id: int
    report_id: int
