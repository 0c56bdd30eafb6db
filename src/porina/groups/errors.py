"""The groups' refusals, in Mastodon's error shape through the API."""

from __future__ import annotations

from porina.core.errors import Forbidden, NotFound, Unprocessable


class GroupNotFound(NotFound):
    """No such group, or a hidden one the viewer may not know of (as if it did not exist)."""

    code = "group_not_found"

    def __init__(self, message: str = "Record not found") -> None:
        super().__init__(message)


class NotMember(Forbidden):
    code = "group_not_member"

    def __init__(self, message: str = "Only members of this group can do this") -> None:
        super().__init__(message)


class NotModerator(Forbidden):
    code = "group_not_moderator"

    def __init__(self, message: str = "Only the group's owners and moderators can do this") -> None:
        super().__init__(message)


class ThreadLocked(Forbidden):
    code = "group_thread_locked"

    def __init__(self) -> None:
        super().__init__("This discussion is locked")


class Banned(Forbidden):
    code = "group_banned"

    def __init__(self) -> None:
        super().__init__("You are banned from this group")


class InvalidGroup(Unprocessable):
    code = "group_invalid"
