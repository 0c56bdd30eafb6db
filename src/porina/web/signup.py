"""Sign up: a new account through ``accounts.actions.create_account``, then signed in; a mail
asks to confirm the address (``accounts.recovery.send_confirmation``)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from porina.accounts import recovery
from porina.accounts.actions import NewAccount, create_account, hashed
from porina.core.errors import PorinaError
from porina.web import i18n, sessions
from porina.web.common import form, reader, render, see_other, text
from porina.web.errors import message_for
from porina.web.runtime import services


@get("/auth/sign_up", name="web:sign-up")
async def sign_up_page(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await reader(request)
    if me is not None:
        return Redirect(path="/home")
    return render(request, "pages/sign_up.html", me=None, values={}, error=None)


@post("/auth/sign_up", name="web:sign-up-post")
async def sign_up(request: Request[Any, Any, Any]) -> Template | Redirect:
    await reader(request)
    data = await form(request)
    values = {k: text(data, k)[:255] for k in ("username", "email", "display_name")}
    password = text(data, "password")
    error: str | None = None
    if password != text(data, "password_confirmation"):
        error = i18n._("The passwords do not match.")
    elif not text(data, "agreement"):
        error = i18n._("Please accept the server rules to continue.")
    if error is None:
        svc = services(request)
        new = NewAccount(
            username=values["username"].strip().lstrip("@"),
            email=values["email"].strip(),
            password=password,
            display_name=values["display_name"].strip(),
            locale=i18n.current(),
        )
        try:
            new = await hashed(new)  # before the transaction: no write waits for the hash
            async with svc.db.transaction() as tx:
                _account, user = await create_account(tx, new)
                await recovery.send_confirmation(tx, user)
        except PorinaError as exc:
            error = message_for(exc)[1]
        else:
            cookie = await sessions.sign_in(svc, user, request.headers.get("user-agent", ""))
            return see_other("/home", cookies=[cookie])
    return render(request, "pages/sign_up.html", values=values, error=error, status_code=422)


ROUTES = [sign_up_page, sign_up]
