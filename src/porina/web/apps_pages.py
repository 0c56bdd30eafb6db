"""``/settings/apps``: the apps the reader has let use their account (``accounts.
authorised_apps``), what each may do (scopes in words, as on the consent page), since when
and when last used, and a revoke button behind a confirm step. Revoking signs the app out of
every token the reader holds for it at once; the web session is not an app and stays."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from porina.accounts import authorised_apps as apps
from porina.web import i18n
from porina.web.common import Me, id_or_404, render, see_other, signed_in
from porina.web.oauth_pages import scope_words
from porina.web.runtime import services

HOME = "/settings/apps"


async def _mine(request: Request[Any, Any, Any], me: Me) -> list[apps.AuthorisedApp]:
    async with services(request).db.read() as session:
        return await apps.authorised_apps(session, me.user.id)


@get(HOME, name="web:apps")
async def apps_page(request: Request[Any, Any, Any], done: str | None = None) -> Template:
    me = await signed_in(request)
    found = await _mine(request, me)
    notice = i18n._("The app's access is revoked.") if done == "revoked" else None
    return render(
        request,
        "pages/apps.html",
        me=me,
        apps=found,
        words={s: scope_words(s) for a in found for s in a.scopes},
        notice=notice,
    )


@get(HOME + "/{app_id:str}/revoke", name="web:apps-revoke-confirm")
async def revoke_confirm(request: Request[Any, Any, Any], app_id: str) -> Template:
    me = await signed_in(request)
    wanted = id_or_404(app_id)
    found = next((a for a in await _mine(request, me) if a.id == wanted), None)
    if found is None:
        raise apps.AppNotAuthorised()
    return render(
        request,
        "pages/confirm.html",
        me=me,
        title=i18n._("Revoke access of %(app)s?") % {"app": found.name},
        question=i18n._(
            "%(app)s will be signed out of your account at once and can no longer read or "
            "post for you. To use it again, you have to authorise it again."
        )
        % {"app": found.name},
        action=f"{HOME}/{found.id}/revoke",
        button=i18n._("Revoke access"),
        back=HOME,
    )


@post(HOME + "/{app_id:str}/revoke", name="web:apps-revoke")
async def revoke(request: Request[Any, Any, Any], app_id: str) -> Redirect:
    me = await signed_in(request)
    wanted = id_or_404(app_id)
    async with services(request).db.transaction() as tx:
        await apps.revoke_app(tx, me.user.id, wanted)
    return see_other(HOME + "?done=revoked")


ROUTES = [apps_page, revoke_confirm, revoke]
