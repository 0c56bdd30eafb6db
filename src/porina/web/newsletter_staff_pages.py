"""The newsletter's staff pages (issue 19, points 1 and 6; docs/newsletter.md, "Staff pages"),
for the brand's owner or manager acting as the brand — the same rules as the API (anyone
else outside the team 404, another role 403):

- ``/newsletter``: the brand's lists with their subscribers counted by state.
- ``/newsletter/lists/new`` and ``/newsletter/lists/:id``: create or edit a list (name,
  description, what and how often, single or double opt-in, click counting, the gift, the
  privacy statement EN/FI), with the links and the embed snippet to copy.
- ``/newsletter/lists/:id/subscribers?status=&q=&max_id=``: the subscribers, newest first,
  filtered by state and searched by address, 50 a page; CSV import (a file or pasted text) and
  export (``…/subscribers.csv``).

Every write goes through ``newsletter.actions``/``queries`` as the account the session acts
as; a refusal is shown on the page in the reader's language.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template
from sqlalchemy import select

from porina.accounts.models import Account
from porina.core.errors import PorinaError
from porina.newsletter import actions, brand_privacy, queries, staff_views
from porina.newsletter.errors import InvalidSubscription, ListNotFound
from porina.newsletter.models import STATES, NewsletterList
from porina.web import i18n
from porina.web.common import Me, form, id_or_404, render, see_other, signed_in
from porina.web.errors import message_for
from porina.web.i18n import N_
from porina.web.runtime import services

HOME = "/newsletter"
MAX_CSV_BYTES = 5 * 1024 * 1024
FIELDS = (
    "name",
    "description",
    "frequency",
    "gift_url",
    "gift_label",
    "privacy_en",
    "privacy_fi",
)
FLAGS = ("double_opt_in", "click_tracking")
STATE_NAMES = {
    "unconfirmed": N_("Unconfirmed"),
    "confirmed": N_("Confirmed"),
    "unsubscribed": N_("Unsubscribed"),
    "blocklisted": N_("Blocklisted"),
}
NOTICES = {
    "created": N_("The list is created."),
    "saved": N_("The list is saved."),
    "privacy": N_("The privacy statement is saved."),
}
# The newsletter's refusals (``newsletter.actions``/``queries``) in the reader's language.
REFUSALS = (
    N_("Validation failed: name can't be blank"),
    N_("Validation failed: gift_url must be an http(s) address or a media link"),
    N_("Validation failed: the CSV needs an email column"),
    N_("This role cannot run the brand's newsletter"),
)


def _states() -> dict[str, str]:
    return {key: i18n._(value) for key, value in STATE_NAMES.items()}


@get(HOME, name="web:newsletter-staff")
async def lists_page(request: Request[Any, Any, Any]) -> Template:
    me = await signed_in(request)
    rows: list[staff_views.ListRow] | None
    try:
        async with services(request).db.transaction() as tx:
            rows = await staff_views.overview(tx, me.actor)
    except ListNotFound:
        rows = None  # not acting as a brand the person serves
    return render(
        request,
        "pages/newsletter_lists.html",
        me=me,
        rows=rows,
        states=_states(),
        order=STATES,
    )


def _list_data(data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {k: str(data.get(k) or "") for k in FIELDS}
    for name in FLAGS:
        found[name] = "true" if data.get(name) else "false"
    return found


def _editor(
    request: Request[Any, Any, Any],
    me: Me,
    row: staff_views.ListRow | None,
    *,
    data: dict[str, Any] | None = None,
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    base = services(request).settings.base_url.rstrip("/")
    return render(
        request,
        "pages/newsletter_list.html",
        me=me,
        row=row,
        listing=row.listing if row is not None else None,
        data=data,
        error=error,
        notice=notice,
        base=base,
        states=_states(),
        order=STATES,
        status_code=status_code,
    )


@get(f"{HOME}/lists/new", name="web:newsletter-new")
async def new_list_page(request: Request[Any, Any, Any]) -> Template:
    me = await signed_in(request)
    async with services(request).db.transaction() as tx:
        await actions.require_staff(tx.session, me.actor)
    return _editor(request, me, None)


@post(f"{HOME}/lists", name="web:newsletter-create")
async def create_list(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await signed_in(request)
    data = _list_data(await form(request))
    try:
        async with services(request).db.transaction() as tx:
            row = await actions.create_list(tx, me.actor, data)
    except PorinaError as exc:
        status, message = message_for(exc)
        return _editor(request, me, None, data=data, error=message, status_code=status)
    return see_other(f"{HOME}/lists/{row.id}?done=created")


@get(f"{HOME}/lists/{{list_id:str}}", name="web:newsletter-list")
async def list_page(
    request: Request[Any, Any, Any], list_id: str, done: str | None = None
) -> Template:
    me = await signed_in(request)
    async with services(request).db.transaction() as tx:
        row = await staff_views.one(tx, me.actor, id_or_404(list_id))
    notice = i18n._(NOTICES[done]) if done in NOTICES else None
    return _editor(request, me, row, notice=notice)


@post(f"{HOME}/lists/{{list_id:str}}", name="web:newsletter-save")
async def save_list(request: Request[Any, Any, Any], list_id: str) -> Template | Redirect:
    me = await signed_in(request)
    parsed = id_or_404(list_id)
    data = _list_data(await form(request))
    try:
        async with services(request).db.transaction() as tx:
            await actions.update_list(tx, me.actor, parsed, data)
    except PorinaError as exc:
        status, message = message_for(exc)
        async with services(request).db.transaction() as tx:
            row = await staff_views.one(tx, me.actor, parsed)
        return _editor(request, me, row, data=data, error=message, status_code=status)
    return see_other(f"{HOME}/lists/{parsed}?done=saved")


async def _subscribers(
    request: Request[Any, Any, Any],
    list_id: str,
    *,
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    me = await signed_in(request)
    parsed = id_or_404(list_id)
    params = request.query_params
    status = params.get("status") or ""
    search = (params.get("q") or "")[:320]
    max_id = params.get("max_id")
    async with services(request).db.transaction() as tx:
        row = await staff_views.one(tx, me.actor, parsed)
        found, following = await staff_views.page(
            tx,
            me.actor,
            parsed,
            status=status or None,
            search=search,
            max_id=int(max_id) if max_id and max_id.isdigit() else None,
        )
    return render(
        request,
        "pages/newsletter_subscribers.html",
        me=me,
        row=row,
        listing=row.listing,
        subscribers=found,
        following=following,
        status=status,
        search=search,
        states=_states(),
        order=STATES,
        error=error,
        notice=notice,
        status_code=status_code,
    )


@get(f"{HOME}/lists/{{list_id:str}}/subscribers", name="web:newsletter-subscribers")
async def subscribers_page(
    request: Request[Any, Any, Any], list_id: str, added: str | None = None
) -> Template:
    notice = None
    if added is not None and added.isdigit():
        number = int(added)
        notice = i18n.ngettext(
            "%(num)s address was added.", "%(num)s addresses were added.", number
        ) % {"num": number}
    return await _subscribers(request, list_id, notice=notice)


@get(f"{HOME}/lists/{{list_id:str}}/subscribers.csv", name="web:newsletter-export")
async def export_csv(request: Request[Any, Any, Any], list_id: str) -> Response[str]:
    me = await signed_in(request)
    parsed = id_or_404(list_id)
    async with services(request).db.transaction() as tx:
        body = await queries.export_csv(tx, me.actor, parsed)
    disposition = f'attachment; filename="newsletter-{parsed}-subscribers.csv"'
    return Response(
        body, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition}
    )


async def _csv_text(data: dict[str, Any]) -> str:
    upload = data.get("file")
    if isinstance(upload, UploadFile):
        raw = await upload.read(MAX_CSV_BYTES + 1)
        if raw:
            if len(raw) > MAX_CSV_BYTES:
                raise InvalidSubscription("Validation failed: the CSV is too large")
            return raw.decode("utf-8-sig", errors="replace")
    text = data.get("csv")
    return text if isinstance(text, str) else ""


@post(f"{HOME}/lists/{{list_id:str}}/subscribers/import", name="web:newsletter-import")
async def import_csv(request: Request[Any, Any, Any], list_id: str) -> Template | Redirect:
    me = await signed_in(request)
    parsed = id_or_404(list_id)
    data = await form(request)
    try:
        text = await _csv_text(data)
        async with services(request).db.transaction() as tx:
            added = await queries.import_csv(tx, me.actor, parsed, text)
    except PorinaError as exc:
        if isinstance(exc, ListNotFound):
            raise
        status, message = message_for(exc)
        return await _subscribers(request, list_id, error=message, status_code=status)
    return see_other(f"{HOME}/lists/{parsed}/subscribers?added={added}")


async def _privacy_editor(
    request: Request[Any, Any, Any], me: Me, *, error: str | None = None, status_code: int = 200
) -> Template:
    async with services(request).db.transaction() as tx:
        await actions.require_staff(tx.session, me.actor)
        row = await brand_privacy.get(tx.session, me.id)
    done = request.query_params.get("done")
    return render(
        request,
        "pages/newsletter_brand_privacy_edit.html",
        me=me,
        row=row,
        error=error,
        notice=i18n._(NOTICES[done]) if done in NOTICES else None,
        status_code=status_code,
    )


@get(f"{HOME}/privacy", name="web:newsletter-privacy-edit")
async def privacy_editor(request: Request[Any, Any, Any]) -> Template:
    return await _privacy_editor(request, await signed_in(request))


@post(f"{HOME}/privacy", name="web:newsletter-privacy-save")
async def save_privacy(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await signed_in(request)
    data = await form(request)
    try:
        async with services(request).db.transaction() as tx:
            await brand_privacy.save(tx, me.actor, data)
    except PorinaError as exc:
        if isinstance(exc, ListNotFound):
            raise
        status, message = message_for(exc)
        return await _privacy_editor(request, me, error=message, status_code=status)
    return see_other(f"{HOME}/privacy?done=privacy")


@get(f"{HOME}/privacy/{{username:str}}", name="web:newsletter-brand-privacy")
async def brand_privacy_page(request: Request[Any, Any, Any], username: str) -> Template:
    """The brand's statement, public; 404 for an unknown local account."""
    async with services(request).db.read() as session:
        brand = await session.scalar(
            select(Account).where(Account.username == username, Account.domain.is_(None))
        )
        if brand is None:
            raise ListNotFound()
        row = await brand_privacy.get(session, brand.id)
        lists = list(
            await session.scalars(
                select(NewsletterList)
                .where(NewsletterList.brand_account_id == brand.id)
                .order_by(NewsletterList.id)
            )
        )
    return render(
        request,
        "pages/newsletter_brand_privacy.html",
        brand=brand,
        text=brand_privacy.text_of(row, i18n.current()),
        lists=lists,
    )


ROUTES = [
    privacy_editor,
    save_privacy,
    brand_privacy_page,
    lists_page,
    new_list_page,
    create_list,
    list_page,
    save_list,
    subscribers_page,
    export_csv,
    import_csv,
]
