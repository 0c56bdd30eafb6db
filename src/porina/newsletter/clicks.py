"""Click counting, when the brand turns it on (issue 19, point 6; docs/newsletter.md, "Click
counting"; docs/privacy.md). Privacy first: one number per campaign and link, nothing about
who clicked — no subscriber, address, IP address, cookie or time of a person is kept, and
there is no open-tracking pixel.

- ``rewrite_links(html, campaign_id, settings)``: every ``http(s)`` link of a campaign's HTML
  becomes ``<BASE_URL>/newsletter/c/<token>``, the token carrying the campaign, the original
  URL and an HMAC with the server's secret. Links to Porina's own newsletter pages
  (unsubscribe, preferences: personal tokens) and links holding a ``{{placeholder}}`` stay as
  they are. The plain-text part is never rewritten.
- ``tracking_on(session, list_ids)``: whether a campaign to these lists is rewritten — only
  when every one of them has ``click_tracking`` on.
- ``count(tx, token)``: the redirect's action — the original URL of a genuine token, with its
  count raised by one (``NewsletterLinkClicked``); None for a forged or damaged token, so the
  redirect can only ever send people to a link a campaign of this server contained.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import re
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.clock import now
from porina.jobs.events import emit
from porina.newsletter.events import NewsletterLinkClicked
from porina.newsletter.models import NewsletterLinkClicks, NewsletterList
from porina.settings import Settings
from porina.storage.db import Tx

PATH = "/newsletter/c/"
MAX_URL = 2000
CAMPAIGN = re.compile(r"[1-9][0-9]{0,17}")
HREF = re.compile(r"""(<a\b[^>]*?\shref\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def _mac(settings: Settings, campaign_id: int, url: str) -> str:
    key = settings.resolved_secret().encode()
    message = f"click:{campaign_id}:{url}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token(settings: Settings, campaign_id: int, url: str) -> str:
    """``<campaign id>.<the URL, base64url>.<HMAC, base64url>``."""
    encoded = base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")
    return f"{campaign_id}.{encoded}.{_mac(settings, campaign_id, url)}"


def read(settings: Settings, value: str) -> tuple[int, str] | None:
    """(campaign id, URL) of a genuine token; None for anything else."""
    parts = value.split(".")
    if len(parts) != 3 or not CAMPAIGN.fullmatch(parts[0]) or len(value) > 4 * MAX_URL:
        return None
    campaign_id = int(parts[0])
    try:
        url = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not hmac.compare_digest(_mac(settings, campaign_id, url).encode(), parts[2].encode()):
        return None
    return (campaign_id, url) if _trackable(url) else None


def _trackable(url: str) -> bool:
    lowered = url.lower()
    return (
        lowered.startswith(("https://", "http://"))
        and len(url) <= MAX_URL
        and "{{" not in url
        and not any(c in url for c in "\r\n\t\0 \"'<>")
    )


def rewrite_links(html_text: str, campaign_id: int, settings: Settings) -> str:
    """The campaign's HTML with its ``http(s)`` links going through the click counter."""
    base = settings.base_url.rstrip("/")
    own = (f"{base}/newsletter/", f"{base}{PATH}")

    def one(found: re.Match[str]) -> str:
        url = html.unescape(found[3]).strip()
        if not _trackable(url) or url.startswith(own):
            return found[0]
        tracked = f"{base}{PATH}{token(settings, campaign_id, url)}"
        return f"{found[1]}{found[2]}{html.escape(tracked)}{found[2]}"

    return HREF.sub(one, html_text)


async def tracking_on(session: AsyncSession, list_ids: list[int]) -> bool:
    """True when every list has ``click_tracking`` on (and there is at least one)."""
    if not list_ids:
        return False
    rows = await session.scalars(
        select(NewsletterList.click_tracking).where(NewsletterList.id.in_(list_ids))
    )
    found = list(rows)
    return len(found) == len(set(list_ids)) and all(found)


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def _upsert(dialect: str, row: dict[str, Any]) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(Table, NewsletterLinkClicks.__table__)
    statement = insert(table).values(**row)
    return statement.on_conflict_do_update(
        index_elements=["campaign_id", "url_hash"],
        set_={"clicks": table.c.clicks + 1, "last_at": statement.excluded.last_at},
    )


async def count(tx: Tx, value: str) -> str | None:
    """The URL to redirect to, its click counted; None for a token this server did not make."""
    found = read(tx.settings, value)
    if found is None:
        return None
    campaign_id, url = found
    digest = url_hash(url)
    row = {"campaign_id": campaign_id, "url_hash": digest, "url": url, "clicks": 1}
    dialect = (await tx.session.connection()).dialect.name
    await tx.session.execute(_upsert(dialect, {**row, "last_at": now()}))
    await emit(tx, NewsletterLinkClicked(campaign_id=campaign_id, url_hash=digest))
    return url
