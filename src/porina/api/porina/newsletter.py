"""The newsletter (docs/api.md, "Newsletter"; docs/newsletter.md): ``/api/porina/v1/newsletter``.
The brand's owner or manager (a token acting as the brand) manages lists and reads, imports and
exports subscribers; anyone signs up, with no token, and always gets 202 (no enumeration)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, delete, get, patch, post

from porina.api.mastodon.auth import actor_of, require, services_of
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.core.ids import parse_id
from porina.newsletter import actions, queries, subscriptions
from porina.newsletter.errors import ListNotFound
from porina.newsletter.models import NewsletterList, NewsletterSubscriber
from porina.newsletter.texts import lang_of
from porina.render.renderer import timestamp

BASE = "/api/porina/v1/newsletter/lists"
MAX_CSV_BYTES = 5 * 1024 * 1024


class NewsletterListEntity(msgspec.Struct, kw_only=True):
    id: str
    brand_account_id: str
    name: str
    description: str
    frequency: str
    double_opt_in: bool
    click_tracking: bool
    """Links in campaigns to this list are counted (per campaign and link, nobody's clicks)."""
    gift_url: str | None
    gift_label: str | None
    privacy_en: str
    privacy_fi: str
    url: str
    embed_url: str
    created_at: str


class SubscriberEntity(msgspec.Struct, kw_only=True):
    id: str
    email: str
    name: str
    status: str
    source: str | None
    created_at: str
    confirmed_at: str | None
    unsubscribed_at: str | None


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise ListNotFound()
    return parsed


def _list(row: NewsletterList, base_url: str) -> NewsletterListEntity:
    url = f"{base_url.rstrip('/')}/newsletter/{row.id}"
    return NewsletterListEntity(
        id=str(row.id),
        brand_account_id=str(row.brand_account_id),
        name=row.name,
        description=row.description,
        frequency=row.frequency,
        double_opt_in=row.double_opt_in,
        click_tracking=row.click_tracking,
        gift_url=row.gift_url,
        gift_label=row.gift_label,
        privacy_en=row.privacy_en,
        privacy_fi=row.privacy_fi,
        url=url,
        embed_url=f"{url}/embed",
        created_at=timestamp(row.created_at) or "",
    )


def _subscriber(row: NewsletterSubscriber) -> SubscriberEntity:
    return SubscriberEntity(
        id=str(row.id),
        email=row.email,
        name=row.name,
        status=row.status,
        source=row.source,
        created_at=timestamp(row.created_at) or "",
        confirmed_at=timestamp(row.confirmed_at),
        unsubscribed_at=timestamp(row.unsubscribed_at),
    )


@post(BASE, status_code=200)
async def create_list(request: Request[Any, Any, Any]) -> NewsletterListEntity:
    """``{name, double_opt_in?, click_tracking?, description?, frequency?, gift_url?,
    gift_label?, privacy_en?, privacy_fi?}`` for the brand the token acts as."""
    actor = actor_of(await require(request, "write:accounts"))
    params = await Params.of(request)
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        row = await actions.create_list(tx, actor, params.data)
    return _list(row, svc.settings.base_url)


@get(BASE)
async def index_lists(request: Request[Any, Any, Any]) -> list[NewsletterListEntity]:
    actor = actor_of(await require(request, "read:accounts"))
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        rows = await queries.lists(tx, actor)
    return [_list(r, svc.settings.base_url) for r in rows]


@get(f"{BASE}/{{list_id:str}}")
async def show_list(request: Request[Any, Any, Any], list_id: str) -> NewsletterListEntity:
    actor = actor_of(await require(request, "read:accounts"))
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        row = await actions.owned(tx, actor, _id(list_id))
    return _list(row, svc.settings.base_url)


@patch(f"{BASE}/{{list_id:str}}", status_code=200)
async def update_list(request: Request[Any, Any, Any], list_id: str) -> NewsletterListEntity:
    actor = actor_of(await require(request, "write:accounts"))
    params = await Params.of(request)
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        row = await actions.update_list(tx, actor, _id(list_id), params.data)
    return _list(row, svc.settings.base_url)


@delete(f"{BASE}/{{list_id:str}}", status_code=200)
async def delete_list(request: Request[Any, Any, Any], list_id: str) -> dict[str, Any]:
    """The list and all its subscribers and consents."""
    actor = actor_of(await require(request, "write:accounts"))
    async with services_of(request).db.transaction() as tx:
        await actions.delete_list(tx, actor, _id(list_id))
    return {}


def _locale(request: Request[Any, Any, Any], params: Params) -> str:
    chosen = params.raw("locale")
    if isinstance(chosen, str) and chosen:
        return lang_of(chosen)
    return lang_of(request.headers.get("accept-language", ""))


@post(f"{BASE}/{{list_id:str}}/subscribe", status_code=202)
async def subscribe(request: Request[Any, Any, Any], list_id: str) -> dict[str, Any]:
    """``{email, name?, source?, locale?}``, no token: 202 whatever the address's state; 422
    for a malformed address or a name with a line break; 404 for an unknown list."""
    params = await Params.of(request)
    form = subscriptions.sign_up(params.data, _locale(request, params))
    async with services_of(request).db.transaction() as tx:
        await subscriptions.subscribe(tx, _id(list_id), form)
    return {}


@get(f"{BASE}/{{list_id:str}}/subscribers")
async def index_subscribers(request: Request[Any, Any, Any], list_id: str) -> Response[Any]:
    """Newest first, paged by ``max_id``/``limit`` with a ``Link`` header."""
    actor = actor_of(await require(request, "read:accounts"))
    page = Page.of(await Params.of(request), default=40, maximum=200)
    async with services_of(request).db.transaction() as tx:
        rows = await queries.subscribers(
            tx, actor, _id(list_id), max_id=page.max_id, limit=page.limit
        )
    body = [_subscriber(r) for r in rows]
    return Response(body, headers=link_header(request, [r.id for r in rows], page))


@get(f"{BASE}/{{list_id:str}}/subscribers.csv")
async def export_subscribers(request: Request[Any, Any, Any], list_id: str) -> Response[str]:
    actor = actor_of(await require(request, "read:accounts"))
    async with services_of(request).db.transaction() as tx:
        text = await queries.export_csv(tx, actor, _id(list_id))
    disposition = f'attachment; filename="newsletter-{list_id}.csv"'
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": disposition},
    )


async def _csv_body(request: Request[Any, Any, Any]) -> str:
    if request.headers.get("content-type", "").startswith("text/csv"):
        raw = await request.body()
        return raw.decode("utf-8-sig", errors="replace")
    params = await Params.of(request)
    return params.str("csv", "", max_len=MAX_CSV_BYTES) or ""


@post(f"{BASE}/{{list_id:str}}/subscribers/import", status_code=200)
async def import_subscribers(request: Request[Any, Any, Any], list_id: str) -> dict[str, Any]:
    """A CSV (``text/csv`` body, or ``{csv}``) with ``email``, optional ``name`` and
    ``status``: ``{imported: N}``; no mail is sent."""
    actor = actor_of(await require(request, "write:accounts"))
    text = await _csv_body(request)
    async with services_of(request).db.transaction() as tx:
        added = await queries.import_csv(tx, actor, _id(list_id), text)
    return {"imported": added}


ROUTES = [
    create_list,
    index_lists,
    show_list,
    update_list,
    delete_list,
    subscribe,
    index_subscribers,
    export_subscribers,
    import_subscribers,
]
