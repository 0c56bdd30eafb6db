"""The weekly report's unsubscribe link (``analytics/weekly.py``): a genuine token turns the
person's ``analytics_weekly_report`` setting off; anything else is 404. No sign-in needed:
the token is an HMAC of the user and the account."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Template

from porina.analytics import weekly
from porina.web.common import render
from porina.web.runtime import services


@get("/analytics/weekly/unsubscribe", name="web:weekly-unsubscribe")
async def weekly_unsubscribe(request: Request[Any, Any, Any], token: str = "") -> Template:
    svc = services(request)
    found = weekly.read_token(svc.settings, token)
    if found is None:
        raise NotFoundException()
    user_id, _account_id = found
    async with svc.db.transaction() as tx:
        await weekly.set_wanted(tx, user_id, False)
    return render(request, "pages/weekly_unsubscribed.html")


ROUTES = [weekly_unsubscribe]
