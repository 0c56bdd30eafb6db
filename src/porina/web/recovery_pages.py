"""Forgotten passwords and e-mail confirmation (``accounts.recovery``).

``/auth/password/new`` asks for an address and answers the same whether or not it has an
account; the mailed link opens ``/auth/password/edit``. ``/auth/confirmation`` shows a button
and confirms only on its POST (mail scanners open links by themselves); ``/auth/confirmation/new``
sends a confirmation link again.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from porina.accounts import recovery
from porina.core.errors import PorinaError
from porina.web import i18n
from porina.web.common import Me, form, reader, render, see_other, text
from porina.web.errors import message_for
from porina.web.runtime import services
from porina.web.sessions import COOKIE

INVALID_LINK = i18n.N_("This link is invalid, already used or expired. You can ask for a new one.")


def _notice(
    request: Request[Any, Any, Any],
    me: Me | None,
    title: str,
    message: str,
    *,
    link_href: str = "",
    link_label: str = "",
) -> Template:
    """A short page saying what happened, with a link onwards."""
    return render(
        request,
        "auth/notice.html",
        me=me,
        title=title,
        message=message,
        link_href=link_href,
        link_label=link_label,
    )


async def _usable(request: Request[Any, Any, Any], token: str, purpose: str) -> bool:
    if not token:
        return False
    async with services(request).db.read() as session:
        return await recovery.is_usable(session, token, purpose)


# --- forgotten password ------------------------------------------------------------------------


@get("/auth/password/new", name="web:password-new")
async def password_new(request: Request[Any, Any, Any]) -> Template:
    me = await reader(request)
    return render(request, "auth/password_new.html", me=me)


@post("/auth/password/new", name="web:password-new-post")
async def password_request(request: Request[Any, Any, Any]) -> Template:
    me = await reader(request)
    email = text(await form(request), "email")[:255]
    if email.strip():
        async with services(request).db.transaction() as tx:
            await recovery.request_password_reset(tx, email)
    return _notice(
        request,
        me,
        i18n._("Check your e-mail"),
        i18n._(
            "If an account uses that address, we have sent it a link to choose a new "
            "password. The link works for one hour."
        ),
        link_href="/auth/sign_in",
        link_label=i18n._("Back to log in"),
    )


def _edit_page(
    request: Request[Any, Any, Any], token: str, *, error: str | None, status_code: int = 200
) -> Template:
    return render(
        request,
        "auth/password_edit.html",
        token=token,
        error=error,
        status_code=status_code,
    )


@get("/auth/password/edit", name="web:password-edit")
async def password_edit(request: Request[Any, Any, Any], token: str = "") -> Template:
    await reader(request)
    if not await _usable(request, token, recovery.RESET):
        return _edit_page(request, "", error=i18n._(INVALID_LINK))
    return _edit_page(request, token, error=None)


@post("/auth/password/edit", name="web:password-edit-post")
async def password_update(request: Request[Any, Any, Any]) -> Template | Redirect:
    await reader(request)
    data = await form(request)
    token, password = text(data, "token"), text(data, "password")
    if password != text(data, "password_confirmation"):
        return _edit_page(
            request, token, error=i18n._("The passwords do not match."), status_code=422
        )
    try:
        if not await _usable(request, token, recovery.RESET):
            raise recovery.InvalidToken("This link is invalid or has expired")
        hashed = await recovery.new_password_hash(password)  # before the transaction
        async with services(request).db.transaction() as tx:
            await recovery.reset_password(tx, token, hashed)
    except recovery.InvalidToken:
        return _edit_page(request, "", error=i18n._(INVALID_LINK), status_code=422)
    except PorinaError as exc:
        return _edit_page(request, token, error=message_for(exc)[1], status_code=422)
    response = see_other("/auth/password/changed")
    response.delete_cookie(COOKIE, path="/")
    return response


@get("/auth/password/changed", name="web:password-changed")
async def password_changed(request: Request[Any, Any, Any]) -> Template:
    me = await reader(request)
    return _notice(
        request,
        me,
        i18n._("Your password is changed"),
        i18n._("Log in with your new password. You were logged out everywhere else."),
        link_href="/auth/sign_in",
        link_label=i18n._("Log in"),
    )


# --- e-mail confirmation -----------------------------------------------------------------------


@get("/auth/confirmation", name="web:confirmation")
async def confirmation(request: Request[Any, Any, Any], confirmation_token: str = "") -> Template:
    me = await reader(request)
    usable = await _usable(request, confirmation_token, recovery.CONFIRM)
    return render(
        request,
        "auth/confirmation.html",
        me=me,
        token=confirmation_token if usable else "",
        error=None if usable else i18n._(INVALID_LINK),
    )


@post("/auth/confirmation", name="web:confirmation-post")
async def confirm(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await reader(request)
    token = text(await form(request), "confirmation_token")
    try:
        async with services(request).db.transaction() as tx:
            await recovery.confirm_email(tx, token)
    except recovery.InvalidToken:
        return render(
            request,
            "auth/confirmation.html",
            me=me,
            token="",
            error=i18n._(INVALID_LINK),
            status_code=422,
        )
    return see_other("/auth/confirmation/done")


@get("/auth/confirmation/done", name="web:confirmation-done")
async def confirmed(request: Request[Any, Any, Any]) -> Template:
    me = await reader(request)
    return _notice(
        request,
        me,
        i18n._("Your e-mail address is confirmed"),
        i18n._("Thank you! Your account is all set."),
        link_href="/home" if me else "/auth/sign_in",
        link_label=i18n._("Continue"),
    )


@get("/auth/confirmation/new", name="web:confirmation-new")
async def confirmation_new(request: Request[Any, Any, Any]) -> Template:
    me = await reader(request)
    return render(request, "auth/confirmation_new.html", me=me)


@post("/auth/confirmation/new", name="web:confirmation-new-post")
async def confirmation_request(request: Request[Any, Any, Any]) -> Template:
    me = await reader(request)
    email = text(await form(request), "email")[:255]
    if email.strip():
        async with services(request).db.transaction() as tx:
            await recovery.request_confirmation(tx, email)
    return _notice(
        request,
        me,
        i18n._("Check your e-mail"),
        i18n._(
            "If that address is waiting to be confirmed, we have sent it a new link. "
            "The link works for two days."
        ),
    )


ROUTES = [
    password_new,
    password_request,
    password_edit,
    password_update,
    password_changed,
    confirmation,
    confirm,
    confirmed,
    confirmation_new,
    confirmation_request,
]
