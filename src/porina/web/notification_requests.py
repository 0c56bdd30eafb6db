"""Filtered notifications on the web: the requests the reader's notification policy holds
back, one per sender, each to accept (its notifications join the list, later ones pass) or
dismiss (they are deleted). The same readers and writers as the API's
(``notifications.requests``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from porina.notifications import requests as rq
from porina.notifications.models import NotificationRequest
from porina.notifications.queries import accounts_by_id
from porina.posts.queries import bundles_by_id
from porina.render import entities as e
from porina.web.common import id_or_404, render, renderer, see_other, signed_in
from porina.web.common import statuses as render_statuses
from porina.web.runtime import services

SHOWN = 40


@dataclass
class Held:
    """One request on the page."""

    id: int
    account: e.Account
    count: int
    last: e.Status | None


@get("/notifications/requests", name="web:notification-requests")
async def requests_page(request: Request[Any, Any, Any]) -> Template:
    me = await signed_in(request)
    async with services(request).db.read() as session:
        query = rq.requests_select(me.id).order_by(NotificationRequest.id.desc()).limit(SHOWN)
        found = rq.views(await session.execute(query))
        people = await accounts_by_id(session, {v.request.from_account_id for v in found})
        wanted = [v.last_status_id for v in found if v.last_status_id is not None]
        items = await bundles_by_id(session, me.id, wanted)
        shown = {s.id: s for s in await render_statuses(request, session, me, items)}
    draw = renderer(request)
    held = [
        Held(
            id=v.request.id,
            account=draw.account(people[v.request.from_account_id]),
            count=v.notifications_count,
            last=shown.get(str(v.last_status_id)) if v.last_status_id is not None else None,
        )
        for v in found
        if v.request.from_account_id in people
    ]
    return render(request, "pages/notification_requests.html", me=me, held=held)


@post("/web/notifications/requests/{request_id:str}/{action:str}", name="web:request-action")
async def request_action(request: Request[Any, Any, Any], request_id: str, action: str) -> Redirect:
    me = await signed_in(request)
    act = {"accept": rq.accept, "dismiss": rq.dismiss}.get(action)
    if act is None:
        raise NotFoundException()
    async with services(request).db.transaction() as tx:
        await act(tx, me.id, [id_or_404(request_id)], strict=True)
    return see_other("/notifications/requests")


ROUTES = [requests_page, request_action]
