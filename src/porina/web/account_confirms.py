"""The confirm step of blocking, muting and removing a follower from a profile's account menu
(``pages/confirm.html``; with JavaScript the same question opens as a dialog on the profile,
``partials/account_menu.html``). The actions themselves post to ``/web/accounts/:id/:action``
(``web/profiles.py``); cancelling changes nothing."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Template

from porina.accounts import queries as accounts
from porina.core.errors import PorinaError
from porina.web import i18n
from porina.web.common import id_or_404, render, renderer, safe_next, signed_in
from porina.web.runtime import services


def questions(action: str, name: str) -> tuple[str, str, str, str]:
    """(title, question, detail, button) of one action about ``name`` (``@user``)."""
    if action == "block":
        return (
            i18n._("Block %(name)s?") % {"name": name},
            i18n._(
                "They will no longer be able to follow you or see your posts, "
                "and you will not see theirs."
            ),
            i18n._(
                "You can unblock them later in Settings, "
                "but you will have to follow each other again."
            ),
            i18n._("Block"),
        )
    if action == "mute":
        return (
            i18n._("Mute %(name)s?") % {"name": name},
            i18n._(
                "You will no longer see their posts or notifications from them. They will not know."
            ),
            i18n._("You can unmute them later in Settings."),
            i18n._("Mute"),
        )
    return (
        i18n._("Remove %(name)s from your followers?") % {"name": name},
        i18n._(
            "They will stop following you and your followers-only posts will be hidden from them."
        ),
        i18n._("They will not be told, and they can follow you again."),
        i18n._("Remove follower"),
    )


ACTIONS = ("block", "mute", "remove_follower")


@get("/web/accounts/{account_id:str}/{action:str}/confirm", name="web:account-confirm")
async def confirm(
    request: Request[Any, Any, Any], account_id: str, action: str, next: str | None = None
) -> Template:
    """``next``: where Cancel and the done action return (a local path; default the profile),
    so a post's menu can come back to the timeline it was in."""
    me = await signed_in(request)
    if action not in ACTIONS:
        raise NotFoundException()
    try:
        async with services(request).db.read() as session:
            found = await accounts.account(session, id_or_404(account_id), me.id)
    except PorinaError as exc:
        raise NotFoundException() from exc
    acct = renderer(request).acct(found)
    back = safe_next(next, f"/@{acct}")
    title, question, detail, button = questions(action, "@" + acct)
    return render(
        request,
        "pages/confirm.html",
        me=me,
        title=title,
        question=question,
        detail=detail,
        action=f"/web/accounts/{found.id}/{action}",
        button=button,
        back=back,
        hidden={"next": back},
    )


ROUTES = [confirm]
