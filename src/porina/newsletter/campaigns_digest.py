"""Digest campaigns: the brand's recent public posts as Markdown, under the campaign's own
introduction (docs/newsletter.md, "Campaigns"). Built for the preview, and frozen into the
campaign's body when sending starts, so every recipient gets the same posts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from porina.accounts.models import Account
from porina.core.clock import now
from porina.newsletter.campaigns_models import NewsletterCampaign
from porina.posts.models import Status
from porina.storage.db import Tx

POSTS = 10
SINCE = timedelta(days=30)
EXCERPT = 280


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    cut = flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rsplit(" ", 1)[0] + "…"
    return cut.replace("[", "\\[").replace("]", "\\]")


async def digest(tx: Tx, row: NewsletterCampaign) -> str:
    """The campaign's Markdown with its brand's newest public posts (the last 30 days, at most
    ten, no replies or boosts) appended as a list of excerpts and links."""
    brand = await tx.session.get(Account, row.brand_account_id)
    posts = await tx.session.scalars(
        select(Status)
        .where(
            Status.account_id == row.brand_account_id,
            Status.visibility == "public",
            Status.deleted_at.is_(None),
            Status.reblog_of_id.is_(None),
            Status.in_reply_to_id.is_(None),
            Status.created_at >= now() - SINCE,
        )
        .order_by(Status.id.desc())
        .limit(POSTS)
    )
    base = tx.settings.base_url.rstrip("/")
    handle = brand.username if brand is not None else ""
    links = [(p, f"{base}/@{handle}/{p.id}") for p in posts]
    lines = [f"- {_excerpt(p.text or p.spoiler_text)} — [{url}]({url})" for p, url in links]
    intro = row.body.strip()
    return "\n\n".join(part for part in (intro, "\n".join(lines)) if part) + "\n"


async def freeze(tx: Tx, row: NewsletterCampaign) -> None:
    """Write the digest into the body (a digest not started yet is built again each time)."""
    if row.kind == "digest":
        row.body = await digest(tx, row)
