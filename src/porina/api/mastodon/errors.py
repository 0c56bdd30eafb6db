"""Every failure leaves the API in Mastodon's shape: ``{"error": "..."}`` with the right status."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from sqlalchemy.exc import DBAPIError

from porina.core.errors import PorinaError, RateLimited
from porina.storage.faults import client_fault

log = logging.getLogger(__name__)


def error_response(
    status: int, message: str, description: str | None = None, headers: dict[str, str] | None = None
) -> Response[dict[str, str]]:
    body = {"error": message}
    if description:
        body["error_description"] = description
    return Response(body, status_code=status, headers=headers)


def on_porina_error(request: Request[Any, Any, Any], exc: PorinaError) -> Response[dict[str, str]]:
    headers = None
    if isinstance(exc, RateLimited) and isinstance(exc.details, dict):
        headers = {k: str(v) for k, v in exc.details.items()}
    description = exc.details if isinstance(exc.details, str) else None
    return error_response(exc.status, exc.message, description, headers)


def on_http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, str]]:
    if isinstance(exc, NotFoundException):
        return error_response(404, "Record not found")
    if isinstance(exc, MethodNotAllowedException):
        return error_response(405, "Method not allowed", headers=exc.headers)
    if isinstance(exc, ValidationException):
        return error_response(422, f"Validation failed: {exc.detail}")
    if isinstance(exc, NotAuthorizedException):
        return error_response(401, "The access token is invalid")
    if isinstance(exc, PermissionDeniedException):
        return error_response(403, "This action is not allowed")
    status = exc.status_code if 400 <= exc.status_code < 600 else 500
    return error_response(status, str(exc.detail or "Error"), headers=exc.headers)


def on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, str]]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "Internal server error")


def on_database_error(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[dict[str, str]]:
    """A client error when only the client's input can have caused it (``storage.faults``);
    any other database error is the server's."""
    fault = client_fault(exc, f"{request.method} {request.url.path}")
    if fault is None:
        return on_unexpected(request, exc)
    return on_porina_error(request, fault)


HANDLERS: dict[type[Exception], Any] = {
    PorinaError: on_porina_error,
    HTTPException: on_http_error,
    DBAPIError: on_database_error,
    Exception: on_unexpected,
}
