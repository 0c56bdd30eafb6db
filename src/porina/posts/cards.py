"""Link preview cards: after a status is published or edited, a job fetches its first link.

The job (durable subscribers of ``StatusCreated`` and ``StatusEdited``) reads the status, picks
the first http(s) link of its text that is not a mention, a hashtag, its own media or a page of
this server, and gives the status that URL's card: the cached one (``preview_cards``, one per
URL, shared by every status that links it) while it is younger than two weeks, else one made
now. Making one fetches the page through the process's guarded ``OutboundClient`` (private
addresses refused, size and time limits), reads its head (``link_details``), asks the oEmbed
endpoint it advertises, and downloads, shrinks and stores its image. Any failure means no card;
the job never fails for another server's sake (as Mastodon's ``FetchLinkCardService``).

Privacy: direct messages are never fetched (a one-time or secret link in a private message
must not be opened by the server, nor the linked site told it was sent), nor statuses with
media or quotes (Mastodon shows no card there). A card is shown only inside its status, so it
is seen by exactly who may see the status.

The card reaches readers through ``statuses.card`` (a copy of the entity): writing it bumps the
status's row version, so every process's status cache renders the status again.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any, Protocol
from urllib.parse import urlsplit

from sqlalchemy import delete, select, update

from porina.core import cpu
from porina.core.clock import iso, now
from porina.core.errors import Unprocessable
from porina.core.events import StatusCreated, StatusEdited
from porina.core.ids import new_id
from porina.http.client import OutboundClient
from porina.http.errors import OutboundError
from porina.jobs.events import subscribe
from porina.jobs.queue import JobContext
from porina.posts import html as status_html
from porina.posts.card_models import PreviewCard, StatusCard
from porina.posts.link_details import Details, read_page, with_oembed
from porina.posts.media import process_image
from porina.posts.models import Status
from porina.settings import Settings
from porina.storage.db import insert_if_absent
from porina.storage.files import MediaStore

log = logging.getLogger(__name__)

FETCHED = frozenset({"public", "unlisted", "private"})
"""Visibilities whose links are fetched; direct messages' never are."""
REFRESH = timedelta(days=14)
PAGE_BYTES = 1024 * 1024
OEMBED_BYTES = 256 * 1024
IMAGE_BYTES = 4 * 1024 * 1024
IMAGE_SIDE = 640
MAX_URL = 2000
FOLDER = "preview_cards"


class CardContext(JobContext, Protocol):
    """What the card job needs: a job's context and the process's outbound client."""

    @property
    def outbound(self) -> OutboundClient: ...


def _may_have_card(event: StatusCreated) -> bool:
    """A job only for a status with a link that may be fetched (most posts have none)."""
    return event.links and event.visibility in FETCHED


@subscribe(StatusCreated, job="posts.card_on_created", when=_may_have_card)
async def card_on_created(ctx: CardContext, event: StatusCreated) -> None:
    await refresh_card(ctx, event.status_id)


@subscribe(StatusEdited, job="posts.card_on_edited")
async def card_on_edited(ctx: CardContext, event: StatusEdited) -> None:
    await refresh_card(ctx, event.status_id)


async def refresh_card(ctx: CardContext, status_id: int) -> None:
    """Give the status the card of its first link now, or none; idempotent."""
    async with ctx.db.read() as session:
        status = await session.get(Status, status_id)
    if status is None or status.deleted_at is not None or status.reblog_of_id is not None:
        return
    target = first_link(status, ctx.settings)
    shown = (status.card or {}).get("url")
    if target is not None and target == shown:
        return
    card = None if target is None else await card_for(ctx, target)
    if card is None and status.card is None:
        return
    async with ctx.db.transaction() as tx:
        await tx.session.execute(delete(StatusCard).where(StatusCard.status_id == status_id))
        entity = None
        if card is not None:
            tx.session.add(StatusCard(status_id=status_id, card_id=card.id))
            entity = card_entity(card, ctx.settings)
        await tx.session.execute(
            update(Status)
            .where(Status.id == status_id, Status.deleted_at.is_(None))
            .values(card=entity)
        )


def first_link(status: Status, settings: Settings) -> str | None:
    """The status's first link a card is made for, or None."""
    if status.visibility not in FETCHED or status.media or status.quote_of_id is not None:
        return None
    if status.local:
        links = [
            t.raw
            for t in status_html.tokens(status_html.normalize(status.text or ""))
            if t.kind == "url"
        ]
    else:
        links = _anchors(status.content or "")
    own = {urlsplit(settings.base_url).hostname}
    media = {m.get(k) for m in status.media or [] for k in ("url", "remote_url")}
    for link in links:
        try:
            parts = urlsplit(link)
        except ValueError:
            continue
        if (
            parts.scheme in ("http", "https")
            and parts.hostname
            and parts.hostname not in own
            and link not in media
            and len(link) <= MAX_URL
        ):
            return link
    return None


def _anchors(content: str) -> list[str]:
    """Links of a remote status's HTML, without its mentions and hashtags."""
    found: list[str] = []

    class Anchors(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = {k: v or "" for k, v in attrs}
            classes = set(values.get("class", "").split())
            if tag != "a" or "tag" in values.get("rel", "").split():
                return
            if classes & {"mention", "hashtag", "u-url", "h-card"} or not values.get("href"):
                return
            found.append(values["href"])

    Anchors().feed(content)
    return found


async def card_for(ctx: CardContext, url: str) -> PreviewCard | None:
    """The cached card of ``url`` while fresh, else one made now (None: the page has none)."""
    async with ctx.db.read() as session:
        cached = await session.scalar(select(PreviewCard).where(PreviewCard.url == url))
    if cached is not None and cached.fetched_at > now() - REFRESH:
        return cached
    details = await fetch_details(ctx.outbound, url)
    if details is None:
        return None
    image = await _store_image(ctx, details.image_url) if details.image_url else None
    return await _save(ctx, details, image)


async def fetch_details(client: OutboundClient, url: str) -> Details | None:
    """What the page at ``url`` says about itself, or None (refused, failed, not HTML, no
    title)."""
    try:
        page = await client.get(url, headers={"Accept": "text/html"}, max_bytes=PAGE_BYTES)
    except OutboundError as exc:
        log.info("no card for %s: %s", url, exc.code)
        return None
    kind = page.headers.get("content-type", "").split(";")[0].strip().lower()
    if page.status != 200 or kind not in ("text/html", "application/xhtml+xml"):
        return None
    details = await cpu.run(read_page, page.url, page.content, page.headers.get("content-type", ""))
    details.url = url
    if details.oembed_url:
        details = await _oembed(client, details)
    return details if details.usable else None


async def _oembed(client: OutboundClient, details: Details) -> Details:
    assert details.oembed_url is not None
    try:
        answer = await client.get(
            details.oembed_url, headers={"Accept": "application/json"}, max_bytes=OEMBED_BYTES
        )
        embed = answer.json() if answer.ok else None
    except OutboundError:
        return details
    return with_oembed(details, embed, answer.url)


async def _store_image(ctx: CardContext, url: str) -> tuple[str, int, int, str | None] | None:
    """The card's image, downloaded, shrunk to ``IMAGE_SIDE`` and written to the media
    folder: (path, width, height, blurhash), or None."""
    try:
        answer = await ctx.outbound.get(url, max_bytes=IMAGE_BYTES)
        if not answer.ok:
            return None
        image = await cpu.run(_process, answer.content)
    except (OutboundError, Unprocessable):
        return None
    path = await asyncio.to_thread(MediaStore.of(ctx.settings).save, image[0], FOLDER, image[1])
    return path, image[2], image[3], image[4]


def _process(data: bytes) -> tuple[bytes, str, int, int, str | None]:
    image = process_image(data, max_side=IMAGE_SIDE)
    return image.data, image.ext, image.width, image.height, image.blurhash


async def _save(
    ctx: CardContext, details: Details, image: tuple[str, int, int, str | None] | None
) -> PreviewCard:
    """Write the card of ``details.url`` (replacing an older one of that URL)."""
    values: dict[str, Any] = {
        k: v for k, v in details.__dict__.items() if k not in ("image_url", "oembed_url")
    }
    values.update(fetched_at=now(), image_path=None, blurhash=None)
    if image is not None:
        path, width, height, blurhash = image
        values.update(image_path=path, blurhash=blurhash)
        if details.type == "link":
            values.update(width=width, height=height)
    async with ctx.db.transaction() as tx:
        await insert_if_absent(tx.session, PreviewCard, {"id": new_id(), **values}, unique=["url"])
        await tx.session.execute(
            update(PreviewCard).where(PreviewCard.url == details.url).values(**values)
        )
        card = await tx.session.scalar(select(PreviewCard).where(PreviewCard.url == details.url))
    assert card is not None
    return card


def card_entity(card: PreviewCard, settings: Settings) -> dict[str, Any]:
    """Mastodon's ``PreviewCard`` entity (REST::PreviewCardSerializer)."""
    image = None
    if card.image_path:
        image = f"{settings.base_url.rstrip('/')}/media/{card.image_path}"
    return {
        "url": card.url,
        "title": card.title,
        "description": card.description,
        "language": card.language,
        "type": card.type,
        "author_name": card.author_name,
        "author_url": card.author_url,
        "provider_name": card.provider_name,
        "provider_url": card.provider_url,
        "html": card.html,
        "width": card.width,
        "height": card.height,
        "image": image,
        "image_description": card.image_description,
        "embed_url": card.embed_url,
        "blurhash": card.blurhash,
        "published_at": iso(card.published_at),
        "authors": list(card.authors or []),
    }
