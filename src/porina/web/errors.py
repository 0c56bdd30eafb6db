"""Errors as pages a person can read, in their language.

``web_aware(handlers)`` wraps the application's (API-shaped) exception handlers: a request for
a page (not an API path, and the browser accepts HTML) gets an HTML error page; an htmx request
gets a short text the page shows in its live region; everything else keeps the API's JSON.
Domain errors are shown through their ``code`` (``MESSAGES``), so the words are ours to
translate; an unknown code falls back to the domain's own message, through the catalog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.types import ExceptionHandlersMap

from porina.core.errors import PorinaError
from porina.storage.faults import client_fault
from porina.web import i18n
from porina.web.common import STATE_LOCALE, Me, SignInRequired, sign_in_url
from porina.web.i18n import N_, _

log = logging.getLogger(__name__)

NOT_PAGES = (
    "/api/",
    "/oauth/token",
    "/oauth/revoke",
    "/.well-known/",
    "/nodeinfo",
    "/users/",
    "/inbox",
    "/media/",
    "/static/",
    "/web/stream",
)

MESSAGES: dict[str, str] = {
    "not_found": N_(
        "We could not find that. It may have been deleted, or it is not visible to you."
    ),
    "account_not_found": N_("There is no such account."),
    "forbidden": N_("You are not allowed to do that."),
    "unauthorized": N_("Please sign in first."),
    "bad_credentials": N_("The e-mail address or password is not right."),
    "username_taken": N_("That username is already taken."),
    "email_taken": N_("That e-mail address is already in use."),
    "registrations_closed": N_("New sign-ups are closed on this server."),
    "self_action": N_("You cannot do that to yourself."),
    "blocked": N_("You cannot do that: one of you has blocked the other."),
    "validation_failed": N_("Some of what you sent is not valid."),
    "rate_limited": N_("Too many requests. Wait a moment and try again."),
    "payload_too_large": N_("That file is too large."),
    "gone": N_("That is gone."),
    "conflict": N_("That conflicts with something that already exists."),
    "unavailable": N_("The service is busy. Try again in a moment."),
}

# Domain messages shown as they are; marked here so the catalogs carry their translations.
DOMAIN_MESSAGES = (
    N_("Validation failed: Username must contain only letters, numbers and underscores"),
    N_("Validation failed: Username is reserved"),
    N_("Validation failed: Email is invalid"),
    N_("Validation failed: Password is too short (minimum is 8 characters)"),
    N_("Validation failed: Password is too long"),
    N_("Validation failed: Username has already been taken"),
    N_("Validation failed: Email has already been taken"),
    N_("Validation failed: Current password is invalid"),
    N_("Validation failed: Text can't be blank"),
    N_("Validation failed: Locale is not supported"),
    N_("Validation failed: Scheduled at The scheduled date must be in the future"),
    N_("Validation failed: Poll must have between 2 and 4 options"),
    N_("Validation failed: Cannot attach both media and a poll"),
)


def by_code(code: str) -> str:
    message = MESSAGES.get(code) or MESSAGES["validation_failed"]
    return _(message)


def _filled(exc: PorinaError) -> str:
    """A refusal with values: its template in the reader's language, the values put in (the
    English message if a translation's placeholders do not fit)."""
    assert exc.template is not None
    try:
        return _(exc.template) % exc.values
    except (KeyError, TypeError, ValueError):
        log.warning("translation of %r does not fit its values", exc.template)
        return exc.message


def message_for(exc: Exception) -> tuple[int, str]:
    """The status and the reader's-language message for ``exc``."""
    if isinstance(exc, PorinaError) and exc.template is not None:
        return exc.status, _filled(exc)
    if isinstance(exc, PorinaError):
        translated = _(exc.message)
        if translated != exc.message or i18n.current() == i18n.DEFAULT:
            return exc.status, translated
        if exc.code in MESSAGES:
            return exc.status, by_code(exc.code)
        return exc.status, exc.message
    if isinstance(exc, NotFoundException):
        return 404, _("This page does not exist.")
    if isinstance(exc, PermissionDeniedException) and "CSRF" in str(exc.detail):
        return 403, _("This form has expired. Reload the page and try again.")
    if isinstance(exc, PermissionDeniedException):
        return 403, by_code("forbidden")
    if isinstance(exc, MethodNotAllowedException):
        return 405, _("That cannot be done here.")
    if isinstance(exc, ValidationException):
        return 400, by_code("validation_failed")
    if isinstance(exc, HTTPException) and 400 <= exc.status_code < 500:
        if exc.status_code == 404:
            return 404, by_code("not_found")
        return exc.status_code, _("That request could not be handled.")
    return 500, _("Something went wrong on our side. Please try again.")


def wants_page(request: Request[Any, Any, Any]) -> bool:
    if request.url.path.startswith(NOT_PAGES):
        return False
    return (
        "text/html" in request.headers.get("accept", "")
        or request.headers.get("hx-request") == "true"
    )


def _reader(request: Request[Any, Any, Any]) -> Me | None:
    """Whoever the page handler already found (no database work in an error handler)."""
    found = request.scope.get("state", {}).get("porina_user")
    return Me(*found) if found else None


def _activate(request: Request[Any, Any, Any], me: Me | None) -> None:
    chosen = request.scope.get("state", {}).get(STATE_LOCALE)
    if chosen is None:
        chosen = i18n.choose(
            me.user.locale if me else None,
            request.cookies.get(i18n.COOKIE),
            request.headers.get("accept-language"),
        )
    i18n.activate(chosen)


def error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    me = _reader(request)
    _activate(request, me)
    if isinstance(exc, SignInRequired):
        target = sign_in_url(request.url.path)
        if request.headers.get("hx-request") == "true":
            return Response("", status_code=204, headers={"HX-Redirect": target})
        return Redirect(path=target, status_code=303)
    exc = client_fault(exc, f"{request.method} {request.url.path}") or exc
    status, message = message_for(exc)
    if status >= 500:
        log.exception("error on page %s", request.url.path, exc_info=exc)
    if request.headers.get("hx-request") == "true":
        return Response(message, status_code=status, media_type="text/plain")
    return Template(
        template_name="error.html",
        context={"me": me, "lang": i18n.current(), "status": status, "message": message},
        status_code=status,
        media_type="text/html",
    )


Handler = Callable[[Request[Any, Any, Any], Any], Response[Any]]


def web_aware(handlers: dict[type[Exception], Any]) -> ExceptionHandlersMap:
    """The same handlers, answering page requests with pages."""

    def wrap(original: Handler) -> Handler:
        def handle(request: Request[Any, Any, Any], exc: Any) -> Response[Any]:
            if isinstance(exc, SignInRequired) or wants_page(request):
                return error_page(request, exc)
            return _in_language(request, exc, original(request, exc))

        return handle

    wrapped: ExceptionHandlersMap = {kind: wrap(handler) for kind, handler in handlers.items()}
    wrapped.setdefault(Exception, wrap(_fallback))
    wrapped.setdefault(HTTPException, wrap(_fallback))
    return wrapped


def _in_language(
    request: Request[Any, Any, Any], exc: Exception, response: Response[Any]
) -> Response[Any]:
    """The web app's own JSON endpoints (``/web/...``, read by its scripts, which show the
    ``error`` to the person) say a refusal in the reader's language; the API stays English."""
    content = response.content
    if not request.url.path.startswith("/web/") or not isinstance(exc, PorinaError):
        return response
    if not isinstance(content, dict) or "error" not in content:
        return response
    _activate(request, _reader(request))
    response.content = {**content, "error": message_for(exc)[1]}
    return response


def _fallback(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return Response({"error": str(exc)}, status_code=status)
