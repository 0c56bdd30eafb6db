"""What the list pages (``explore.py``) lacked: renaming a list, and a confirm step before a
list is deleted. Writes are ``lists.actions.update``, the action ``PUT /api/v1/lists/:id``
uses; another person's list is a 404."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from porina.core.errors import NotFound, PorinaError
from porina.lists import actions as list_actions
from porina.lists import queries as iq
from porina.web import i18n
from porina.web.common import form, id_or_404, render, see_other, signed_in, text
from porina.web.errors import message_for
from porina.web.runtime import services


@post("/lists/{list_id:str}/rename", name="web:list-rename")
async def rename(request: Request[Any, Any, Any], list_id: str) -> Redirect | Template:
    me = await signed_in(request)
    wanted = id_or_404(list_id)
    data = await form(request)
    try:
        async with services(request).db.transaction() as tx:
            await list_actions.update(tx, me.id, wanted, title=text(data, "title"))
    except NotFound:
        raise
    except PorinaError as exc:
        status, message = message_for(exc)
        return render(
            request,
            "pages/form_error.html",
            me=me,
            message=message,
            back=f"/lists/{wanted}",
            status_code=status,
        )
    return see_other(f"/lists/{wanted}")


@get("/lists/{list_id:str}/delete", name="web:list-delete-confirm")
async def delete_confirm(request: Request[Any, Any, Any], list_id: str) -> Template:
    me = await signed_in(request)
    async with services(request).db.read() as session:
        found = await iq.own_list(session, me.id, id_or_404(list_id))
    if found is None:
        raise NotFoundException()
    return render(
        request,
        "pages/confirm.html",
        me=me,
        title=i18n._("Delete the list “%(title)s”?") % {"title": found.title},
        question=i18n._(
            "The list and its members are deleted; you keep following them. You cannot undo this."
        ),
        action=f"/lists/{found.id}/delete",
        button=i18n._("Delete list"),
        back=f"/lists/{found.id}",
    )


ROUTES = [rename, delete_confirm]
