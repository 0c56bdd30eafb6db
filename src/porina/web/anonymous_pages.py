"""Posting anonymously from the pages (docs/privacy.md): the reply composer's "Reply
anonymously" button posts the same form here (``formaction``), and the reply appears under a
pseudonym (``anonymity.actions.post``, as ``POST /api/porina/v1/anonymous/statuses``)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from porina.anonymity import actions, queries
from porina.anonymity.models import AnonymousPending
from porina.core.errors import PorinaError
from porina.core.ids import parse_id
from porina.web.common import form, render, see_other, signed_in, text
from porina.web.compose import BODY_LIMIT
from porina.web.errors import message_for
from porina.web.runtime import services


@post("/anonymous/compose", name="web:anonymous-compose", request_max_body_size=BODY_LIMIT)
async def anonymous_compose(request: Request[Any, Any, Any]) -> Template | Redirect:
    """The composer's text (and content warning) as an anonymous reply, as an anonymous
    question to the brand named by ``brand_id``, or as a new anonymous discussion in the group
    named by ``group_id`` (the group page's "Post anonymously"); photos and polls are not
    taken."""
    me = await signed_in(request)
    data = await form(request)
    spoiler = text(data, "spoiler_text").strip()
    new = actions.AnonymousPost(
        text=text(data, "status"),
        in_reply_to_id=parse_id(text(data, "in_reply_to_id") or None),
        brand_id=parse_id(text(data, "brand_id") or None),
        group_id=parse_id(text(data, "group_id") or None),
        spoiler_text=spoiler,
        sensitive=bool(spoiler),
        language=text(data, "language") or None,
    )
    try:
        async with services(request).db.transaction() as tx:
            status = await actions.post(tx, me.actor, new)
    except PorinaError as exc:
        code, message = message_for(exc)
        return render(
            request,
            "pages/form_error.html",
            me=me,
            message=message,
            back=_back(new),
            status_code=code,
        )
    if isinstance(status, AnonymousPending):
        return render(request, "pages/anonymous_held.html", me=me, back=_back(new), status_code=202)
    if status.in_reply_to_id is not None:
        return see_other(f"/statuses/{status.in_reply_to_id}#focus")
    if new.group_id is not None:
        return see_other(f"/groups/{new.group_id}")
    return see_other(f"/statuses/{status.id}")


def _back(new: actions.AnonymousPost) -> str:
    """Where the composer was: the thread, the group, else home."""
    if new.in_reply_to_id:
        return f"/statuses/{new.in_reply_to_id}"
    return f"/groups/{new.group_id}" if new.group_id else "/"


@get("/anonymous/ask/{username:str}", name="web:anonymous-ask")
async def ask_page(request: Request[Any, Any, Any], username: str) -> Template:
    """A brand's "ask us anonymously" page (a link it can share); 404 for an account that is
    not a brand or does not take anonymous questions."""
    me = await signed_in(request)
    async with services(request).db.read() as session:
        brand = await queries.brand_taking_questions(session, username)
    if brand is None:
        raise NotFoundException()
    return render(request, "pages/anonymous_ask.html", me=me, brand=brand)


ROUTES = [anonymous_compose, ask_page]
