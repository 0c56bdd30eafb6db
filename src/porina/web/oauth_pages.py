"""``/oauth/authorize``: the consent page. Signs the person in on the same page if needed, lists
the scopes asked for, and on Authorize redirects to the app with a one-time code (PKCE aware)
or shows the code for out-of-band apps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template

from porina.accounts import oauth
from porina.accounts.models import Account, OAuthApp, User
from porina.accounts.throttle import LoginThrottled
from porina.web import sessions
from porina.web.auth_pages import BAD_CREDENTIALS, form_of, throttled
from porina.web.common import Me
from porina.web.i18n import N_, _
from porina.web.runtime import services

FIELDS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


# What a person reads on the page (in their language); the app still gets OAuth's own
# ``error`` and ``error_description`` in English, as the protocol expects.
UNKNOWN_CLIENT = N_("This app is not registered on this server.")
BAD_REDIRECT = N_("This app asked to send you to an address it has not registered.")
PAGE_ERRORS: dict[str, str] = {
    "access_denied": N_("You denied the app access. You can close this page."),
    "unsupported_response_type": N_("The app sent a request this server does not support."),
    "invalid_request": N_("The app sent a request this server does not support."),
    "invalid_scope": N_("The app asked for permissions that it may not have."),
    "invalid_redirect_uri": BAD_REDIRECT,
    "invalid_client": UNKNOWN_CLIENT,
}
SIGN_IN_FIRST = N_("Please log in to continue.")

# What each scope allows, in words (granular scopes fall back to their group).
SCOPE_WORDS: dict[str, str] = {
    "read": N_("See everything in your account: posts, follows, notifications and lists"),
    "write": N_("Post, like, share and change everything in your account"),
    "follow": N_("Follow, block and mute people for you"),
    "push": N_("Send you push notifications"),
    "profile": N_("See your profile and who you are"),
    "admin:read": N_("See moderation data of this server"),
    "admin:write": N_("Take moderation actions on this server"),
}


def scope_words(scope: str) -> str:
    """``read:statuses`` -> "See ... (statuses only)" in the reader's language."""
    if scope in SCOPE_WORDS:
        return _(SCOPE_WORDS[scope])
    group, _sep, part = scope.rpartition(":")
    if group in SCOPE_WORDS:
        return _("%(what)s (%(part)s only)") % {"what": _(SCOPE_WORDS[group]), "part": part}
    return scope


@dataclass
class AuthRequest:
    app: OAuthApp
    redirect_uri: str
    scopes: str
    state: str | None
    challenge: str | None
    method: str | None
    hidden: list[tuple[str, str]]


class PageError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def error_page(message: str, status: int = 400) -> Template:
    """``message`` is a catalog entry; it is shown in the reader's language."""
    return Template(
        template_name="oauth/error.html",
        context={"error": _(message)},
        status_code=status,
        media_type="text/html",
    )


def page_error(code: str | None) -> str:
    return PAGE_ERRORS.get(code or "", PAGE_ERRORS["invalid_request"])


def back_to_app(req: AuthRequest, **values: str | None) -> Response[Any]:
    if req.redirect_uri == oauth.OOB:
        return error_page(page_error(values.get("error")))
    query = urlencode({k: v for k, v in {**values, "state": req.state}.items() if v is not None})
    joiner = "&" if "?" in req.redirect_uri else "?"
    return Redirect(f"{req.redirect_uri}{joiner}{query}", status_code=302)


async def parse_request(
    request: Request[Any, Any, Any], values: dict[str, str]
) -> AuthRequest | Response[Any]:
    """The validated request, a redirect carrying an error back to the app, or raises PageError
    when the client or redirect URI cannot be trusted (RFC 6749 4.1.2.1: never redirect then)."""
    async with services(request).db.read() as session:
        app = await oauth.app_by_client_id(session, values.get("client_id"))
    if app is None:
        raise PageError(UNKNOWN_CLIENT)
    try:
        redirect_uri = oauth.check_redirect(app, values.get("redirect_uri"))
    except oauth.OAuthError as exc:
        raise PageError(page_error(exc.code)) from exc
    hidden = [(k, values[k]) for k in FIELDS if values.get(k)]
    req = AuthRequest(
        app,
        redirect_uri,
        "",
        values.get("state") or None,
        values.get("code_challenge") or None,
        values.get("code_challenge_method") or None,
        hidden,
    )
    if values.get("response_type", "code") != "code":
        return back_to_app(
            req,
            error="unsupported_response_type",
            error_description="The authorization server does not support this response type.",
        )
    try:
        oauth.check_challenge(req.challenge, req.method)
        req.scopes = oauth.requested_scopes(app, values.get("scope"))
    except oauth.OAuthError as exc:
        return back_to_app(req, error=exc.code, error_description=exc.message)
    return req


def consent_page(
    req: AuthRequest,
    user: tuple[User, Account] | None,
    *,
    error: str | None = None,
    login: str = "",
    status: int = 200,
    cookie: Cookie | None = None,
    headers: dict[str, str] | None = None,
) -> Template:
    return Template(
        template_name="oauth/authorize.html",
        status_code=status,
        cookies=[cookie] if cookie else None,
        headers=headers,
        media_type="text/html",
        context={
            "me": Me(*user) if user else None,
            "app_name": req.app.name,
            "app_website": req.app.website
            if (req.app.website or "").startswith(("http://", "https://"))
            else None,
            "scopes": [(scope, scope_words(scope)) for scope in req.scopes.split()],
            "hidden": req.hidden,
            "user": user[0] if user else None,
            "user_acct": user[1].username if user else "",
            "error": error,
            "login": login,
        },
    )


@get("/oauth/authorize")
async def authorize_page(request: Request[Any, Any, Any]) -> Response[Any]:
    values = {k: v for k, v in request.query_params.items() if isinstance(v, str)}
    try:
        req = await parse_request(request, values)
    except PageError as exc:
        return error_page(exc.message)
    if not isinstance(req, AuthRequest):
        return req
    user = await sessions.current_user(request)
    if user is not None and values.get("force_login", "").lower() in {"1", "true"}:
        user = None
    return consent_page(req, user)


@post("/oauth/authorize", status_code=200)
async def authorize(request: Request[Any, Any, Any]) -> Response[Any]:
    values = await form_of(request)
    try:
        req = await parse_request(request, values)
    except PageError as exc:
        return error_page(exc.message)
    if not isinstance(req, AuthRequest):
        return req
    svc = services(request)
    if "login" in values or "password" in values:
        return await _sign_in(request, req, values)
    signed_in = await sessions.current_user(request)
    if signed_in is None:
        return consent_page(req, None, error=_(SIGN_IN_FIRST), status=401)
    if values.get("decision") != "authorize":
        return back_to_app(
            req,
            error="access_denied",
            error_description="The resource owner or authorization server denied the request.",
        )
    try:
        async with svc.db.transaction() as tx:
            code = await oauth.create_code(
                tx,
                req.app,
                signed_in[0],
                redirect_uri=req.redirect_uri,
                scopes=req.scopes,
                challenge=req.challenge,
                method=req.method,
            )
    except oauth.OAuthError as exc:
        return back_to_app(req, error=exc.code, error_description=exc.message)
    if req.redirect_uri == oauth.OOB:
        return Template(
            template_name="oauth/code.html",
            context={"code": code, "app_name": req.app.name, "me": Me(*signed_in)},
            media_type="text/html",
        )
    return back_to_app(req, code=code)


async def _sign_in(
    request: Request[Any, Any, Any], req: AuthRequest, values: dict[str, str]
) -> Template:
    """The consent page's own sign-in, counted by the login throttle as the sign-in page's."""
    svc = services(request)
    login = values.get("login", "")[:255]
    host = request.client.host if request.client else None
    try:
        user = await oauth.throttled_check(
            svc.db, svc.login_throttle, host, login, values.get("password", "")
        )
    except LoginThrottled as exc:
        error = throttled(exc)
        return consent_page(req, None, error=error, login=login, status=429, headers=exc.headers())
    account = None
    if user is not None:
        async with svc.db.read() as session:
            account = await session.get(Account, user.account_id)
    if user is None or account is None:
        return consent_page(req, None, error=_(BAD_CREDENTIALS), login=login, status=401)
    cookie = await sessions.sign_in(svc, user, request.headers.get("user-agent", ""))
    return consent_page(req, (user, account), cookie=cookie)


ROUTES = [authorize_page, authorize]
