"""A group's anonymous posts on the web (docs/privacy.md, docs/groups.md "Pages"):
``/groups/:id/anonymous``, for the group's owners and moderators alone — the group's setting
(``open``, ``moderated`` or ``off``) and its queue of held anonymous posts, each with
"Approve" (published under its pseudonym, every check made again) and "Reject" (never
published). The queue never names an author: a held post shows its text, when, and the post
it answers. Every write is the action ``/api/porina/v1/anonymous`` uses; a refusal is the
error page in the reader's language, and nothing is written."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from porina.anonymity import actions, queries
from porina.anonymity.models import AnonymousPending
from porina.groups import queries as group_queries
from porina.web.common import form, id_or_404, render, renderer, see_other, signed_in, text
from porina.web.runtime import services

DECISIONS = ("approve", "reject")


@get("/groups/{group_id:str}/anonymous", name="web:group-anonymous")
async def anonymous_page(request: Request[Any, Any, Any], group_id: str) -> Template:
    """The group's anonymous setting and its queue, oldest first (owners and moderators:
    anyone else is refused as the API refuses them)."""
    me = await signed_in(request)
    async with services(request).db.read() as session:
        seen = await group_queries.moderating(session, id_or_404(group_id), me.id)
        mode = await queries.group_mode(session, seen.group)
        held = await queries.queue_of(session, seen.group.id)
    return render(
        request,
        "pages/group_anonymous.html",
        me=me,
        group=seen.group,
        account=renderer(request).account(seen.account),
        mode=mode,
        modes=actions.MODES,
        held=held,
    )


@post("/groups/{group_id:str}/anonymous/policy", name="web:group-anonymous-policy")
async def set_policy(request: Request[Any, Any, Any], group_id: str) -> Redirect:
    """``policy``: open, moderated or off."""
    me = await signed_in(request)
    data = await form(request)
    gid = id_or_404(group_id)
    async with services(request).db.transaction() as tx:
        await actions.set_group_policy(tx, me.actor, gid, text(data, "policy"))
    return see_other(f"/groups/{gid}/anonymous?saved=1")


@post(
    "/groups/{group_id:str}/anonymous/{pending_id:str}/{decision:str}",
    name="web:group-anonymous-decide",
)
async def decide(
    request: Request[Any, Any, Any], group_id: str, pending_id: str, decision: str
) -> Redirect:
    """``approve`` or ``reject`` a post held in this group's queue (404: not one of them)."""
    if decision not in DECISIONS:
        raise NotFoundException()
    me = await signed_in(request)
    gid, pid = id_or_404(group_id), id_or_404(pending_id)
    async with services(request).db.transaction() as tx:
        row = await tx.session.get(AnonymousPending, pid)
        if row is None or row.queue_account_id != gid:
            await group_queries.moderating(tx.session, gid, me.id)  # a stranger: 403 first
            raise NotFoundException()
        if decision == "reject":
            await actions.reject(tx, me.actor, pid)
            return see_other(f"/groups/{gid}/anonymous?rejected=1")
        made = await actions.approve(tx, me.actor, pid)
    waits = isinstance(made, AnonymousPending)
    return see_other(f"/groups/{gid}/anonymous?{'forwarded' if waits else 'approved'}=1")


ROUTES = [anonymous_page, set_policy, decide]
