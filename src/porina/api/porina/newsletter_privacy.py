"""The brand's newsletter privacy statement (docs/api.md, "Newsletter privacy statement";
docs/newsletter.md): ``/api/porina/v1/newsletter/brands/:account_id/privacy``. Anyone reads
it (it is public, like its page ``/newsletter/privacy/<username>``); the brand's owner or
manager (a token acting as the brand) replaces it; someone outside the team gets 404, an
agent or analyst 403."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, put

from porina.api.mastodon.auth import actor_of, optional, require, services_of
from porina.api.mastodon.params import Params
from porina.core.ids import parse_id
from porina.newsletter import brand_privacy
from porina.newsletter.errors import ListNotFound
from porina.newsletter.models import NewsletterBrandPrivacy
from porina.render.renderer import timestamp

PATH = "/api/porina/v1/newsletter/brands/{account_id:str}/privacy"


class NewsletterPrivacyEntity(msgspec.Struct, kw_only=True):
    brand_account_id: str
    text_en: str
    """The statement in English ("" when unset; the Finnish one then serves both)."""
    text_fi: str
    """The statement in Finnish ("" when unset; the English one then serves both)."""
    url: str
    """Its public page."""
    updated_at: str | None
    """When it was last saved; null while the brand has none (the lists' pages then show
    Porina's short default)."""


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise ListNotFound()
    return parsed


def _entity(
    account_id: int, username: str, row: NewsletterBrandPrivacy | None, base_url: str
) -> NewsletterPrivacyEntity:
    return NewsletterPrivacyEntity(
        brand_account_id=str(account_id),
        text_en=row.text_en if row is not None else "",
        text_fi=row.text_fi if row is not None else "",
        url=f"{base_url.rstrip('/')}/newsletter/privacy/{username}",
        updated_at=timestamp(row.updated_at) if row is not None else None,
    )


@get(PATH)
async def show_privacy(request: Request[Any, Any, Any], account_id: str) -> NewsletterPrivacyEntity:
    """Public, no token: the brand's statement in English and Finnish; 404 for an unknown
    or remote account. A token sent must carry a read scope (as Mastodon's public reads)."""
    await optional(request, "read:accounts")
    svc = services_of(request)
    async with svc.db.read() as session:
        brand = await brand_privacy.brand(session, _id(account_id))
        row = await brand_privacy.get(session, brand.id)
    return _entity(brand.id, brand.username, row, svc.settings.base_url)


@put(PATH, status_code=200)
async def replace_privacy(
    request: Request[Any, Any, Any], account_id: str
) -> NewsletterPrivacyEntity:
    """``{text_en, text_fi}`` (each at most 20,000 characters; a missing one is ""): the
    brand the token acts as, which must be ``account_id``."""
    actor = actor_of(await require(request, "write:accounts"))
    params = await Params.of(request)
    svc = services_of(request)
    async with svc.db.transaction() as tx:
        if _id(account_id) != actor.account_id:
            raise ListNotFound()
        row = await brand_privacy.save(tx, actor, params.data)
        brand = await brand_privacy.brand(tx.session, actor.account_id)
    return _entity(brand.id, brand.username, row, svc.settings.base_url)


ROUTES = [show_privacy, replace_privacy]
