"""The calls' refusals, in Mastodon's error shape through the API."""

from __future__ import annotations

from porina.core.errors import Forbidden, NotFound, Unprocessable


class CallNotFound(NotFound):
    """No such call, or not one of the caller's (as if it did not exist)."""

    code = "call_not_found"

    def __init__(self, message: str = "Record not found") -> None:
        super().__init__(message)


class NotMutual(Forbidden):
    code = "call_not_mutual"

    def __init__(self) -> None:
        super().__init__("You can only call people who follow you and whom you follow")


class InvalidCall(Unprocessable):
    code = "call_invalid"
