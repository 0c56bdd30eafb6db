"""Typed errors with machine codes.

Every domain error carries a code (stable, for logs and clients), an HTTP status, and a message
a person can read. The Mastodon API renders them as ``{"error": message}``; pages render the
message in the reader's language through the code.

A refusal that carries values (a name someone sent, a limit) is made with ``filled``: its
``template`` is marked with ``N_`` (``core.i18n``) so the catalogues carry it, and its
``values`` fill it in. The API says the English (``message``, the template filled in); a page
translates the template, then fills it in (``web.errors.message_for``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Self


class PorinaError(Exception):
    """Base of all expected failures. Never raised for programming mistakes."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    template: str | None = None
    """The message before ``values`` were put in (``%(name)s`` placeholders), when it has any."""
    values: Mapping[str, object] = {}

    def __init__(self, message: str, *, code: str | None = None, details: object = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code  # type: ignore[misc]
        self.details = details

    @classmethod
    def filled(cls, template: str, /, **values: object) -> Self:
        """The error whose message is ``template`` (marked ``N_``) with ``values`` put in."""
        error = cls(template % values)
        error.template = template
        error.values = values
        return error


class BadRequest(PorinaError):
    status = 400
    code = "bad_request"


class Unauthorized(PorinaError):
    status = 401
    code = "unauthorized"


class Forbidden(PorinaError):
    status = 403
    code = "forbidden"


class NotFound(PorinaError):
    status = 404
    code = "not_found"

    def __init__(self, message: str = "Record not found", **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class Conflict(PorinaError):
    status = 409
    code = "conflict"


class Gone(PorinaError):
    status = 410
    code = "gone"


class PayloadTooLarge(PorinaError):
    status = 413
    code = "payload_too_large"


class Unprocessable(PorinaError):
    """Mastodon's 422: the request was understood but a field is invalid."""

    status = 422
    code = "validation_failed"


class RateLimited(PorinaError):
    status = 429
    code = "rate_limited"


class ServiceUnavailable(PorinaError):
    status = 503
    code = "unavailable"
