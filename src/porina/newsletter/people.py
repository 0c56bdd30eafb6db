"""The newsletter and the brand's people (issue 16, point 7; issue 18's ``newsletter`` entry):
a subscription belongs to an account when its address is that local account's confirmed
sign-in e-mail — a newsletter keeps addresses, not accounts, so this is the only link.

- ``section``: the newsletter part of a contact's page in the desk
  (``desk.contacts.register_section``, wired by ``porina.services``): the contact's state on
  each of the brand's lists (nothing for a remote account, whose address nobody here knows).
- ``entrant``: the brand and the account behind a subscription, for the contests' entry
  (``porina.services`` turns ``NewsletterConfirmed`` into a ``newsletter`` entry).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, User
from porina.core.clock import aware
from porina.newsletter.models import NewsletterList, NewsletterSubscriber


async def _address(session: AsyncSession, account_id: int) -> str | None:
    user = await session.scalar(select(User).where(User.account_id == account_id))
    if user is None or user.confirmed_at is None:
        return None
    return user.email.strip().lower()


def _when(value: datetime | None) -> str | None:
    return aware(value).isoformat() if value is not None else None


async def section(session: AsyncSession, brand_id: int, contact_id: int) -> dict[str, Any] | None:
    account = await session.get(Account, contact_id)
    if account is None or account.domain is not None:
        return None
    address = await _address(session, contact_id)
    if address is None:
        return None
    rows = (
        await session.execute(
            select(NewsletterList, NewsletterSubscriber)
            .join(NewsletterSubscriber, NewsletterSubscriber.list_id == NewsletterList.id)
            .where(
                NewsletterList.brand_account_id == brand_id, NewsletterSubscriber.email == address
            )
            .order_by(NewsletterList.id)
        )
    ).all()
    if not rows:
        return None
    return {
        "lists": [
            {
                "list_id": str(listing.id),
                "name": listing.name,
                "status": row.status,
                "source": row.source,
                "created_at": _when(row.created_at),
                "confirmed_at": _when(row.confirmed_at),
            }
            for listing, row in rows
        ]
    }


async def entrant(session: AsyncSession, subscriber_id: int) -> tuple[int, int] | None:
    """``(brand_id, account_id)`` for a subscription whose address is a local account's
    confirmed e-mail, else None."""
    found = (
        await session.execute(
            select(NewsletterList.brand_account_id, User.account_id)
            .select_from(NewsletterSubscriber)
            .join(NewsletterList, NewsletterList.id == NewsletterSubscriber.list_id)
            .join(User, func.lower(User.email) == NewsletterSubscriber.email)
            .where(NewsletterSubscriber.id == subscriber_id, User.confirmed_at.is_not(None))
        )
    ).first()
    return (int(found[0]), int(found[1])) if found is not None else None
