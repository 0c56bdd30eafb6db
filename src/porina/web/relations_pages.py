"""``/settings/relations``: the accounts the reader has muted and blocked
(``accounts.queries``), with unmute (at once: easily undone) and unblock (behind a confirm
step: the other person can see and follow the reader again). Writes are ``accounts.graph``'s
``unmute`` and ``unblock``, the actions the API uses, emitting ``Unmuted`` / ``Unblocked``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts import graph
from porina.accounts import queries as accounts
from porina.accounts.models import Account, Block, Mute
from porina.anonymity.blocking import quiet_block
from porina.web import i18n
from porina.web.common import (
    Me,
    id_or_404,
    is_htmx,
    render,
    renderer,
    see_other,
    signed_in,
)
from porina.web.runtime import services

HOME = "/settings/relations"
SHOWN = 200


async def _muted(session: AsyncSession, me: Me) -> list[tuple[Account, datetime | None]]:
    """The reader's mutes in force, newest first, each with its end (None: until unmuted)."""
    query = accounts.mutes_query(me.id).add_columns(Mute.expires_at).order_by(Mute.id.desc())
    return [(row[1], row[2]) for row in (await session.execute(query.limit(SHOWN))).all()]


async def _blocked(session: AsyncSession, me: Me) -> list[Account]:
    query = (
        accounts.blocks_query(me.id)
        .where(~quiet_block(Block.account_id, Block.target_account_id))
        .order_by(Block.id.desc())
    )
    return [row[1] for row in (await session.execute(query.limit(SHOWN))).all()]


@get(HOME, name="web:relations")
async def relations_page(request: Request[Any, Any, Any], done: str | None = None) -> Template:
    me = await signed_in(request)
    async with services(request).db.read() as session:
        muted = await _muted(session, me)
        blocked = await _blocked(session, me)
    draw = renderer(request)
    notice = {
        "unmuted": i18n._("Unmuted. Their posts show in your timelines again."),
        "unblocked": i18n._("Unblocked."),
    }.get(done or "")
    return render(
        request,
        "pages/relations.html",
        me=me,
        muted=[(draw.account(a), until) for a, until in muted],
        blocked=[draw.account(a) for a in blocked],
        notice=notice,
    )


@post(HOME + "/{account_id:str}/unmute", name="web:relations-unmute")
async def unmute(request: Request[Any, Any, Any], account_id: str) -> Template | Redirect:
    """htmx gets the row saying so (the list stays where it was); a form post, the page."""
    me = await signed_in(request)
    async with services(request).db.transaction() as tx:
        account = await graph.unmute(tx, me.actor, id_or_404(account_id))
    if is_htmx(request):
        name = f"@{renderer(request).acct(account)}"
        message = i18n._("%(name)s is unmuted: their posts show in your timelines again.")
        return render(
            request,
            "partials/done_row.html",
            me=me,
            message=message % {"name": name},
            row_class="account-card",
        )
    return see_other(HOME + "?done=unmuted")


@get(HOME + "/{account_id:str}/unblock", name="web:relations-unblock-confirm")
async def unblock_confirm(request: Request[Any, Any, Any], account_id: str) -> Template:
    """Only for someone the reader blocks; anyone else is a 404."""
    me = await signed_in(request)
    wanted = id_or_404(account_id)
    async with services(request).db.read() as session:
        row = (
            await session.execute(
                accounts.blocks_query(me.id).where(Block.target_account_id == wanted)
            )
        ).first()
    if row is None:
        raise NotFoundException()
    shown = renderer(request).account(row[1])
    name = f"@{shown.acct}"
    return render(
        request,
        "pages/confirm.html",
        me=me,
        title=i18n._("Unblock %(name)s?") % {"name": name},
        question=i18n._(
            "%(name)s will be able to see your public posts and follow you again. You will see "
            "their posts where they reach you."
        )
        % {"name": name},
        action=f"{HOME}/{wanted}/unblock",
        button=i18n._("Unblock"),
        back=HOME,
    )


@post(HOME + "/{account_id:str}/unblock", name="web:relations-unblock")
async def unblock(request: Request[Any, Any, Any], account_id: str) -> Redirect:
    me = await signed_in(request)
    async with services(request).db.transaction() as tx:
        await graph.unblock(tx, me.actor, id_or_404(account_id))
    return see_other(HOME + "?done=unblocked")


ROUTES = [relations_page, unmute, unblock_confirm, unblock]
