"""``/settings/privacy``: the reader's data archive (ask for one, see it being built, download
it while it lasts) and deleting their account.

Writes are ``privacy.archive.request_archive`` (at most one a week) and
``privacy.deletion.delete_own_account`` (after the password, checked outside the write
transaction, and the username typed as confirmation); deleting signs the reader out. An
archive downloads only for its owner, signed in; for anyone else it is a 404."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import File, Redirect, Template

from porina.accounts.errors import BadCredentials
from porina.accounts.throttle import LoginThrottled
from porina.core.errors import PorinaError
from porina.core.ids import parse_id
from porina.privacy import archive, deletion
from porina.privacy.models import DataArchive
from porina.web import i18n, sessions
from porina.web.auth_pages import throttled
from porina.web.common import Me, form, see_other, signed_in
from porina.web.common import render as render_page
from porina.web.errors import message_for
from porina.web.runtime import services

HOME = "/settings/privacy"


def _notice(done: str | None) -> str | None:
    return {
        "requested": i18n._(
            "Your archive is being prepared. We will notify you and send you an e-mail when it "
            "is ready."
        ),
    }.get(done or "")


async def _page(
    request: Request[Any, Any, Any],
    me: Me,
    *,
    notice: str | None = None,
    error: str | None = None,
    delete_error: str | None = None,
    status_code: int = 200,
) -> Template:
    async with services(request).db.read() as session:
        latest = await archive.latest(session, me.id)
    return render_page(
        request,
        "pages/privacy.html",
        me=me,
        archive=_shown(latest),
        next_allowed=archive.next_allowed(latest),
        notice=notice,
        error=error,
        delete_error=delete_error,
        status_code=status_code,
    )


def _shown(latest: DataArchive | None) -> dict[str, Any] | None:
    if latest is None:
        return None
    return {
        "id": latest.id,
        "state": archive.state_of(latest),
        "created_at": latest.created_at,
        "expires_at": latest.expires_at,
        "size": latest.size,
    }


@get(HOME, name="web:privacy")
async def privacy_page(request: Request[Any, Any, Any], done: str | None = None) -> Template:
    me = await signed_in(request)
    return await _page(request, me, notice=_notice(done))


@post(HOME + "/archive", name="web:privacy-archive")
async def request_archive(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await signed_in(request)
    try:
        async with services(request).db.transaction() as tx:
            await archive.request_archive(tx, me.actor)
    except archive.ArchiveTooSoon:
        refused = i18n._("You can ask for an archive once every seven days.")
        return await _page(request, me, error=refused, status_code=429)
    return see_other(HOME + "?done=requested")


@get(HOME + "/archive/{archive_id:str}", name="web:privacy-download")
async def download(request: Request[Any, Any, Any], archive_id: str) -> File:
    me = await signed_in(request)
    svc = services(request)
    async with svc.db.read() as session:
        found = await archive.downloadable(session, svc.settings, me.id, parse_id(archive_id))
    if found is None:
        raise NotFoundException()
    path, name = found
    return File(
        path=path,
        filename=name,
        media_type="application/zip",
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


@get(HOME + "/deleted", name="web:privacy-deleted")
async def deleted_page(request: Request[Any, Any, Any]) -> Template:
    return render_page(request, "pages/account_deleted.html")


@post(HOME + "/delete", name="web:privacy-delete")
async def delete_account(request: Request[Any, Any, Any]) -> Template | Response[Any]:
    me = await signed_in(request)
    data = await form(request)
    svc = services(request)
    host = request.client.host if request.client else None
    password = data.get("password")
    confirmation = data.get("confirmation")
    try:
        checked = await deletion.check_password(
            svc.db,
            me.actor,
            password if isinstance(password, str) else "",
            throttle=svc.login_throttle,
            host=host,
        )
        async with svc.db.transaction() as tx:
            await deletion.delete_own_account(
                tx, me.actor, checked, confirmation if isinstance(confirmation, str) else ""
            )
    except LoginThrottled as exc:
        page = await _page(request, me, delete_error=throttled(exc), status_code=429)
        page.headers.update(exc.headers())
        return page
    except BadCredentials:
        wrong = i18n._("The password is not correct.")
        return await _page(request, me, delete_error=wrong, status_code=422)
    except deletion.WrongConfirmation:
        typed = i18n._("Type your username exactly as shown to confirm.")
        return await _page(request, me, delete_error=typed, status_code=422)
    except PorinaError as exc:
        status, message = message_for(exc)
        return await _page(request, me, delete_error=message, status_code=status)
    response: Response[Any] = Redirect(HOME + "/deleted", status_code=303)
    await sessions.sign_out(svc, request, response)
    return response


ROUTES = [privacy_page, request_archive, download, deleted_page, delete_account]
