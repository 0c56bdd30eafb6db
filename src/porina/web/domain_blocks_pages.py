"""``/admin/domain_blocks``: the administrator's blocks of other servers
(``federation.domain_blocks``, the actions ``/api/v1/admin/domain_blocks`` uses): the list, a
form to block a domain (suspend or silence, comments) and a button to lift a block. Anyone
but an administrator gets a 404, as ``/admin/mail``."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from porina.core.errors import PorinaError
from porina.federation import domain_blocks as blocks
from porina.web.common import Me, flag, form, id_or_404, reader, render, see_other, text
from porina.web.errors import message_for
from porina.web.i18n import N_
from porina.web.runtime import services

HOME = "/admin/domain_blocks"
SEVERITIES = {
    "suspend": N_("Suspend: nothing in or out, its accounts hidden"),
    "silence": N_("Silence: its accounts limited"),
    "noop": N_("No action: only noted"),
}


async def _admin(request: Request[Any, Any, Any]) -> Me:
    me = await reader(request)
    if me is None or me.user.role != "admin":
        raise NotFoundException()
    return me


async def _page(
    request: Request[Any, Any, Any], me: Me, *, error: str = "", status_code: int = 200
) -> Template:
    async with services(request).db.read() as session:
        rows = await blocks.listed(session)
    return render(
        request,
        "pages/admin_domain_blocks.html",
        me=me,
        blocks=rows,
        severities=SEVERITIES,
        error=error,
        done=request.query_params.get("done", ""),
        status_code=status_code,
    )


@get(HOME, name="web:admin-domain-blocks")
async def domain_blocks_page(request: Request[Any, Any, Any]) -> Template:
    return await _page(request, await _admin(request))


@post(HOME, name="web:admin-domain-blocks-create")
async def block_domain(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await _admin(request)
    data = await form(request)
    fields = blocks.BlockFields(
        severity=text(data, "severity", "silence"),
        reject_media=flag(data, "reject_media"),
        reject_reports=flag(data, "reject_reports"),
        obfuscate=flag(data, "obfuscate"),
        private_comment=text(data, "private_comment")[:1000] or None,
        public_comment=text(data, "public_comment")[:1000] or None,
    )
    try:
        async with services(request).db.transaction() as tx:
            await blocks.create(tx, text(data, "domain"), fields)
    except PorinaError as exc:
        status, message = message_for(exc)
        return await _page(request, me, error=message, status_code=status)
    return see_other(HOME + "?done=blocked")


@post(HOME + "/{block_id:str}/delete", name="web:admin-domain-blocks-delete")
async def lift_block(request: Request[Any, Any, Any], block_id: str) -> Redirect:
    await _admin(request)
    async with services(request).db.transaction() as tx:
        await blocks.remove(tx, id_or_404(block_id))
    return see_other(HOME + "?done=lifted")


ROUTES = [domain_blocks_page, block_domain, lift_block]
