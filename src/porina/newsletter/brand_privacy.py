"""The brand's newsletter privacy statement (issue 19, point 1: "a privacy statement page per
brand, in EN and FI"): one text per brand in English and Finnish (either one alone serves both
languages), edited by the brand's owner or manager and shown at
``/newsletter/privacy/<username>``. A list's privacy page shows the list's own statement when
it has one, else the brand's, else Porina's short default (``web/newsletter_pages.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.events import Event
from porina.core.i18n import N_
from porina.jobs.events import emit
from porina.newsletter.actions import require_staff
from porina.newsletter.errors import InvalidList, ListNotFound
from porina.newsletter.models import NewsletterBrandPrivacy, NewsletterList
from porina.newsletter.texts import lang_of
from porina.storage.db import Tx

MAX_TEXT = 20000


class NewsletterBrandPrivacyChanged(Event, frozen=True, kw_only=True):
    """The brand's owner or manager saved the brand's newsletter privacy statement."""

    brand_account_id: int


async def get(session: AsyncSession, brand_id: int) -> NewsletterBrandPrivacy | None:
    return await session.get(NewsletterBrandPrivacy, brand_id)


async def brand(session: AsyncSession, account_id: int) -> Account:
    """The local account ``account_id`` (a brand's statement is public); ``ListNotFound``
    (404) for an unknown or remote account."""
    found = await session.get(Account, account_id)
    if found is None or found.domain is not None:
        raise ListNotFound()
    return found


def text_of(row: NewsletterBrandPrivacy | None, lang: str) -> str:
    if row is None:
        return ""
    if lang_of(lang) == "fi":
        return row.text_fi or row.text_en
    return row.text_en or row.text_fi


async def for_list(session: AsyncSession, listing: NewsletterList, lang: str) -> str:
    """The statement a list's page shows: the list's own, else the brand's ("" for neither)."""
    if lang_of(lang) == "fi":
        own = listing.privacy_fi or listing.privacy_en
    else:
        own = listing.privacy_en or listing.privacy_fi
    return own or text_of(await get(session, listing.brand_account_id), lang)


def _clean(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name) or ""
    if not isinstance(value, str) or len(value) > MAX_TEXT or "\0" in value:
        raise InvalidList.filled(
            N_("Validation failed: %(name)s must be text of at most %(limit)s characters"),
            name=name,
            limit=MAX_TEXT,
        )
    return value.strip()


async def save(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> NewsletterBrandPrivacy:
    """Set the acting brand's statement (``text_en``, ``text_fi``); owner or manager only."""
    await require_staff(tx.session, actor)
    text_en, text_fi = _clean(data, "text_en"), _clean(data, "text_fi")
    row = await get(tx.session, actor.account_id)
    if row is None:
        row = NewsletterBrandPrivacy(brand_account_id=actor.account_id)
        tx.session.add(row)
    row.text_en, row.text_fi, row.updated_at = text_en, text_fi, now()
    await tx.session.flush()
    await emit(tx, NewsletterBrandPrivacyChanged(actor=actor, brand_account_id=actor.account_id))
    return row
