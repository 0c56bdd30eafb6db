"""Sign up: a new account through ``accounts.actions.register`` (as the API's sign-up: refused
while registrations are closed; waiting for a moderator while they need approval, and then not
signed in), else signed in; a mail asks to confirm the address
(``accounts.recovery.send_confirmation``).

A refused form names every problem at once, each next to its field and in a summary at the
top, and keeps what was typed (all but the passwords)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import recovery
from porina.accounts.actions import (
    EMAIL,
    MAX_DISPLAY_NAME,
    MIN_PASSWORD,
    RESERVED,
    USERNAME,
    NewAccount,
    check_registration,
    hashed,
    register,
)
from porina.accounts.errors import EmailTaken, UsernameTaken
from porina.accounts.models import Account, User
from porina.core.errors import PorinaError
from porina.web import i18n, sessions
from porina.web.common import form, reader, render, see_other, text
from porina.web.errors import message_for
from porina.web.runtime import services

_ = i18n.gettext
MAX_PASSWORD = 1024
FIELDS = ("display_name", "username", "email", "password", "password_confirmation", "agreement")
"""The form's fields in page order: the summary lists problems in this order."""

Problems = dict[str, str]
"""A field's name -> what is wrong with it, in the reader's language (``""`` for the form)."""


@get("/auth/sign_up", name="web:sign-up")
async def sign_up_page(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await reader(request)
    if me is not None:
        return Redirect(path="/home")
    return _page(request, {}, {})


def _page(request: Request[Any, Any, Any], values: dict[str, str], problems: Problems) -> Template:
    ordered = [(name, problems[name]) for name in ("", *FIELDS) if name in problems]
    return render(
        request,
        "pages/sign_up.html",
        me=None,
        values=values,
        problems=problems,
        ordered=ordered,
        status_code=422 if problems else 200,
    )


def _username_problem(username: str) -> str | None:
    if not username:
        return _("Choose a username.")
    if not USERNAME.match(username):
        return _("A username may have only letters, numbers and underscores, at most 30.")
    if username.lower() in RESERVED:
        return _("That username is reserved.")
    return None


def _email_problem(email: str) -> str | None:
    if not email:
        return _("Enter your e-mail address.")
    if not EMAIL.match(email) or len(email) > 255:
        return _("Enter an e-mail address like name@example.com.")
    return None


def _password_problem(password: str, again: str) -> tuple[str, str] | None:
    if len(password) < MIN_PASSWORD:
        message = _("The password needs at least %(num)s characters.") % {"num": MIN_PASSWORD}
        return "password", message
    if len(password) > MAX_PASSWORD:
        return "password", _("The password is too long.")
    if password != again:
        return "password_confirmation", _("The passwords do not match.")
    return None


def problems_of(values: dict[str, str], password: str, again: str) -> Problems:
    """What is wrong with the form, field by field, without asking the database."""
    found: Problems = {}
    if len(values["display_name"]) > MAX_DISPLAY_NAME:
        found["display_name"] = _("The display name can be at most %(num)s characters.") % {
            "num": MAX_DISPLAY_NAME
        }
    if (problem := _username_problem(values["username"])) is not None:
        found["username"] = problem
    if (problem := _email_problem(values["email"])) is not None:
        found["email"] = problem
    if (pair := _password_problem(password, again)) is not None:
        found[pair[0]] = pair[1]
    if not values["agreement"]:
        found["agreement"] = _("Please accept the server rules to continue.")
    return found


async def taken(session: AsyncSession, values: dict[str, str], problems: Problems) -> Problems:
    """The username (among local accounts) and the address already in use, for the fields
    that are otherwise well formed."""
    found: Problems = {}
    if "username" not in problems:
        same_name = func.lower(Account.username) == values["username"].lower()
        query = select(Account.id).where(same_name, Account.domain.is_(None)).limit(1)
        if await session.scalar(query) is not None:
            found["username"] = _("That username is already taken.")
    if "email" not in problems:
        same_email = func.lower(User.email) == values["email"].lower()
        if await session.scalar(select(User.id).where(same_email).limit(1)) is not None:
            found["email"] = _("An account with this e-mail address already exists.")
    return found


def _values(data: dict[str, Any]) -> dict[str, str]:
    values = {k: text(data, k)[:255].strip() for k in ("display_name", "email")}
    values["username"] = text(data, "username")[:255].strip().lstrip("@")
    values["agreement"] = "1" if text(data, "agreement") else ""
    return values


def _problem_of(exc: PorinaError) -> Problems:
    """A refusal of ``register`` (closed; a race lost to another sign-up) as a problem."""
    if isinstance(exc, UsernameTaken):
        return {"username": message_for(exc)[1]}
    if isinstance(exc, EmailTaken):
        return {"email": message_for(exc)[1]}
    return {"": message_for(exc)[1]}


def _waiting(request: Request[Any, Any, Any]) -> Template:
    message = _(
        "A moderator will look at your sign-up. You can log in once it is approved; "
        "first, confirm your e-mail address with the link we sent you."
    )
    title = _("Thank you for signing up")
    return render(request, "auth/notice.html", me=None, title=title, message=message)


@post("/auth/sign_up", name="web:sign-up-post")
async def sign_up(request: Request[Any, Any, Any]) -> Template | Redirect:
    await reader(request)
    data = await form(request)
    values = _values(data)
    password = text(data, "password")
    problems = problems_of(values, password, text(data, "password_confirmation"))
    svc = services(request)
    try:
        check_registration(svc.settings, agreement=True)
    except PorinaError as exc:
        return _page(request, values, _problem_of(exc))
    async with svc.db.read() as session:
        problems.update(await taken(session, values, problems))
    if problems:
        return _page(request, values, problems)
    new = NewAccount(
        username=values["username"],
        email=values["email"],
        password=password,
        display_name=values["display_name"],
        locale=i18n.current(),
    )
    try:
        new = await hashed(new)  # before the transaction: no write waits for the hash
        async with svc.db.transaction() as tx:
            _account, user = await register(tx, new, agreement=True)
            await recovery.send_confirmation(tx, user)
    except PorinaError as exc:
        return _page(request, values, _problem_of(exc))
    if not user.approved:
        return _waiting(request)
    cookie = await sessions.sign_in(svc, user, request.headers.get("user-agent", ""))
    return see_other("/home", cookies=[cookie])


ROUTES = [sign_up_page, sign_up]
