"""``/settings/filters``: the reader's filters (``interactions.filters``): list, create, edit
(title, keywords with whole-word, where it applies, what it does, when it expires) and delete
behind a confirm step. Writes are ``filters.create`` / ``update`` / ``remove``, the actions
``/api/v2/filters`` uses; another person's filter is a 404, as one that does not exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from porina.core.errors import NotFound, PorinaError, Unprocessable
from porina.core.ids import parse_id
from porina.interactions import filters as f
from porina.web import i18n
from porina.web.common import Me, flag, form, id_or_404, render, see_other, signed_in, text, texts
from porina.web.errors import message_for
from porina.web.i18n import N_
from porina.web.runtime import services

HOME = "/settings/filters"
NEW_ROWS = 3
"""Blank keyword rows on the form (more after saving: the form comes back with three more)."""

CONTEXT_NAMES = {
    "home": N_("Home timeline and lists"),
    "notifications": N_("Notifications"),
    "public": N_("Public timelines"),
    "thread": N_("Conversations"),
    "account": N_("Profiles"),
}
ACTION_NAMES = {
    "warn": N_("Hide behind a warning"),
    "blur": N_("Blur the media only"),
    "hide": N_("Hide completely"),
}
EXPIRY = [
    ("1800", N_("In 30 minutes")),
    ("3600", N_("In an hour")),
    ("21600", N_("In 6 hours")),
    ("43200", N_("In 12 hours")),
    ("86400", N_("In a day")),
    ("604800", N_("In a week")),
]
# Messages of interactions.filters shown on the form; marked so the catalogs carry them.
FILTER_MESSAGES = (
    N_("Validation failed: Title can't be blank"),
    N_("Validation failed: Context can't be blank"),
    N_("Validation failed: Keyword can't be blank"),
)


@dataclass
class Keyword:
    id: int | None
    keyword: str
    whole_word: bool = True


@dataclass
class FilterForm:
    """What the form shows: a filter as stored, or as just posted (after an error)."""

    id: int | None = None
    title: str = ""
    context: list[str] = field(default_factory=lambda: ["home", "public", "thread"])
    action: str = "warn"
    expires_at: datetime | None = None
    expiry: str = "keep"
    keywords: list[Keyword] = field(default_factory=list)


def _of(active: f.ActiveFilter) -> FilterForm:
    row = active.row
    return FilterForm(
        id=row.id,
        title=row.title,
        context=list(row.context),
        action=row.action,
        expires_at=row.expires_at,
        keywords=[Keyword(k.id, k.keyword, k.whole_word) for k in active.keywords],
    )


def _names() -> dict[str, Any]:
    return {
        "contexts": {k: i18n._(v) for k, v in CONTEXT_NAMES.items()},
        "actions": {k: i18n._(v) for k, v in ACTION_NAMES.items()},
    }


@get(HOME, name="web:filters")
async def filters_page(request: Request[Any, Any, Any], done: str | None = None) -> Template:
    me = await signed_in(request)
    async with services(request).db.read() as session:
        mine = await f.filters_of(session, me.id)
    notice = {
        "saved": i18n._("The filter is saved."),
        "deleted": i18n._("The filter is deleted."),
    }.get(done or "")
    return render(
        request,
        "pages/filters.html",
        me=me,
        filters=[_of(a) for a in sorted(mine, key=lambda a: a.row.title.lower())],
        notice=notice,
        **_names(),
    )


def _form_page(
    request: Request[Any, Any, Any],
    me: Me,
    shown: FilterForm,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "pages/filter_form.html",
        me=me,
        filter=shown,
        blank=NEW_ROWS,
        expiry_choices=[(v, i18n._(label)) for v, label in EXPIRY],
        error=error,
        status_code=status_code,
        **_names(),
    )


async def _mine(request: Request[Any, Any, Any], me: Me, filter_id: int) -> f.ActiveFilter:
    async with services(request).db.read() as session:
        return await f.one(session, me.id, filter_id)


@get(HOME + "/new", name="web:filters-new")
async def new_page(request: Request[Any, Any, Any]) -> Template:
    me = await signed_in(request)
    return _form_page(request, me, FilterForm(expiry=""))


@get(HOME + "/{filter_id:str}", name="web:filters-edit")
async def edit_page(request: Request[Any, Any, Any], filter_id: str) -> Template:
    me = await signed_in(request)
    return _form_page(request, me, _of(await _mine(request, me, id_or_404(filter_id))))


def _posted(data: dict[str, Any], filter_id: int | None) -> FilterForm:
    """The form as posted, to show again after an error."""
    kept = [
        Keyword(parse_id(key[3:]), text(data, key), flag(data, f"{key}_whole"))
        for key in data
        if key.startswith("kw_") and key[3:].isdigit()
    ]
    return FilterForm(
        id=filter_id,
        title=text(data, "title"),
        context=texts(data, "context"),
        action=text(data, "action", "warn"),
        expiry=text(data, "expires_in"),
        keywords=kept,
    )


def _keyword_changes(data: dict[str, Any]) -> list[f.KeywordChange]:
    """Existing keywords (``kw_<id>``, ``kw_<id>_whole``, ``kw_<id>_remove``) and new ones
    (``new_<n>``, ``new_<n>_whole``); a blank new row is no keyword."""
    changes: list[f.KeywordChange] = []
    for key in data:
        if key.startswith("kw_") and key[3:].isdigit():
            changes.append(
                f.KeywordChange(
                    id=id_or_404(key[3:]),
                    keyword=text(data, key),
                    whole_word=flag(data, f"{key}_whole"),
                    destroy=flag(data, f"{key}_remove"),
                )
            )
        elif key.startswith("new_") and key[4:].isdigit() and text(data, key).strip():
            changes.append(
                f.KeywordChange(keyword=text(data, key), whole_word=flag(data, f"{key}_whole"))
            )
    return changes


def _expiry(raw: str) -> tuple[int | None, bool]:
    """(expires_in seconds, clear it): "" never expires, "keep" leaves it as it is."""
    if raw == "keep":
        return None, False
    if not raw:
        return None, True
    if raw not in {v for v, _ in EXPIRY}:
        raise Unprocessable("Validation failed: expires_in must be positive")
    return int(raw), False


@post(HOME, name="web:filters-create")
async def create(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = await signed_in(request)
    data = await form(request)
    try:
        seconds, _clear = _expiry(text(data, "expires_in"))
        async with services(request).db.transaction() as tx:
            await f.create(
                tx,
                me.id,
                title=text(data, "title"),
                context=texts(data, "context"),
                action=text(data, "action", "warn"),
                expires_in=seconds,
                keywords=_keyword_changes(data),
            )
    except PorinaError as exc:
        status, message = message_for(exc)
        shown = _posted(data, None)
        return _form_page(request, me, shown, error=message, status_code=status)
    return see_other(HOME + "?done=saved")


@post(HOME + "/{filter_id:str}", name="web:filters-update")
async def update(request: Request[Any, Any, Any], filter_id: str) -> Template | Redirect:
    me = await signed_in(request)
    wanted = id_or_404(filter_id)
    data = await form(request)
    try:
        seconds, clear = _expiry(text(data, "expires_in", "keep"))
        async with services(request).db.transaction() as tx:
            await f.update(
                tx,
                me.id,
                wanted,
                title=text(data, "title"),
                context=texts(data, "context"),
                action=text(data, "action", "warn"),
                expires_in=seconds,
                clear_expiry=clear,
                keywords=_keyword_changes(data),
            )
    except NotFound:
        raise
    except PorinaError as exc:
        status, message = message_for(exc)
        shown = _posted(data, wanted)
        return _form_page(request, me, shown, error=message, status_code=status)
    return see_other(HOME + "?done=saved")


@get(HOME + "/{filter_id:str}/delete", name="web:filters-delete-confirm")
async def delete_confirm(request: Request[Any, Any, Any], filter_id: str) -> Template:
    me = await signed_in(request)
    active = await _mine(request, me, id_or_404(filter_id))
    return render(
        request,
        "pages/confirm.html",
        me=me,
        title=i18n._("Delete the filter “%(title)s”?") % {"title": active.row.title},
        question=i18n._("Posts it hides will show again. You cannot undo this."),
        detail=", ".join(k.keyword for k in active.keywords)[:280],
        action=f"{HOME}/{active.row.id}/delete",
        button=i18n._("Delete filter"),
        back=HOME,
    )


@post(HOME + "/{filter_id:str}/delete", name="web:filters-delete")
async def delete(request: Request[Any, Any, Any], filter_id: str) -> Redirect:
    me = await signed_in(request)
    async with services(request).db.transaction() as tx:
        await f.remove(tx, me.id, id_or_404(filter_id))
    return see_other(HOME + "?done=deleted")


ROUTES = [filters_page, new_page, edit_page, create, update, delete_confirm, delete]
