"""``/admin/mail``: the outbox for administrators (what ``make run`` keeps instead of sending).

Anyone but an administrator gets a 404, so the page does not reveal itself. A message's HTML
is shown in a sandboxed ``iframe`` (``srcdoc``, no scripts, its own opaque origin), never as
part of this page.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Template

from porina.core.ids import parse_id
from porina.mail import compose, outbox
from porina.web import i18n
from porina.web.common import Me, id_or_404, reader, render
from porina.web.runtime import services

STATES = {
    "queued": i18n.N_("Waiting to be sent"),
    "sent": i18n.N_("Sent"),
    "failed": i18n.N_("Failed"),
    "held": i18n.N_("Held in the outbox"),
}


async def _admin(request: Request[Any, Any, Any]) -> Me:
    me = await reader(request)
    if me is None or me.user.role != "admin":
        raise NotFoundException()
    return me


@get("/admin/mail", name="web:admin-mail")
async def mail_list(request: Request[Any, Any, Any], before: str = "") -> Template:
    me = await _admin(request)
    async with services(request).db.read() as session:
        messages = await outbox.newest(session, before=parse_id(before) if before else None)
    older = messages[-1].id if len(messages) == outbox.PAGE else None
    return render(
        request,
        "pages/admin_mail.html",
        me=me,
        messages=messages,
        states=STATES,
        older=older,
        mode=services(request).settings.mail,
    )


@get("/admin/mail/{message_id:str}", name="web:admin-mail-message")
async def mail_message(request: Request[Any, Any, Any], message_id: str) -> Template:
    me = await _admin(request)
    async with services(request).db.read() as session:
        message = await outbox.one(session, id_or_404(message_id))
    if message is None:
        raise NotFoundException()
    built = compose.build(message, services(request).settings)
    return render(
        request,
        "pages/admin_mail_message.html",
        me=me,
        message=message,
        headers=list(built.items()),
        states=STATES,
    )


ROUTES = [mail_list, mail_message]
