"""The weekly report's unsubscribe link (``analytics/weekly.py``). No sign-in is needed: the
token is an HMAC of the user and the account, and anything else is 404.

Opening the link (GET) changes nothing: mail scanners open links to check them, so the page
asks, and its button POSTs. The same URL takes the one-click POST of RFC 8058 that mail
providers send for the ``List-Unsubscribe-Post`` header (body ``List-Unsubscribe=One-Click``,
no cookie), so the POST is exempt from the pages' CSRF check: the token is its authority."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Template

from porina.analytics import weekly
from porina.web.common import render
from porina.web.runtime import services

PATH = "/analytics/weekly/unsubscribe"


def _user(request: Request[Any, Any, Any], token: str) -> int:
    found = weekly.read_token(services(request).settings, token)
    if found is None:
        raise NotFoundException()
    return found[0]


@get(PATH, name="web:weekly-unsubscribe")
async def weekly_unsubscribe_page(request: Request[Any, Any, Any], token: str = "") -> Template:
    _user(request, token)
    return render(request, "pages/weekly_unsubscribe.html", token=token)


@post(PATH, status_code=200, opt={"exclude_from_csrf": True})
async def weekly_unsubscribe(request: Request[Any, Any, Any], token: str = "") -> Template:
    user_id = _user(request, token)
    async with services(request).db.transaction() as tx:
        await weekly.set_wanted(tx, user_id, False)
    return render(request, "pages/weekly_unsubscribed.html")


ROUTES = [weekly_unsubscribe_page, weekly_unsubscribe]
