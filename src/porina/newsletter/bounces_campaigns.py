"""What bounces need to know of campaigns (``newsletter/campaigns*.py``, another part of the
newsletter): the brand a campaign belongs to. Kept in one place so that the bounce code
reads campaigns through these functions only."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


async def campaign_brand(session: AsyncSession, campaign_id: int | None) -> int | None:
    """The brand account of campaign ``campaign_id``; None when unknown."""
    if campaign_id is None:
        return None
    return None  # campaigns are not stored yet
