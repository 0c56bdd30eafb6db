"""Remote media through Porina (issue 20, point 5): ``/media/proxy/{token}`` serves a remote
image (an attachment, an avatar) fetched through the guarded outbound client and re-encoded
here, so a reader's browser never contacts the remote server and never receives its bytes.

- The token is the remote URL signed with the server's secret (``proxy_url``): the endpoint
  fetches only URLs this server handed out, never an open proxy.
- The fetch: ``MAX_FETCH_BYTES`` at most, the outbound client's time limits, an answer whose
  ``Content-Type`` is one of ``TYPES``; a domain the admin suspended or blocked with
  ``reject_media`` is not fetched.
- The image is decoded with Pillow (no more than ``MAX_PIXELS``), turned upright, scaled down
  to ``MAX_SIDE``, and saved again: JPEG, or PNG when it has transparency (an animation keeps
  its first frame). What is served is always Porina's own encoding.
- Cached on disk under ``data_dir/media_proxy`` by the URL's SHA-256; past ``CACHE_MAX_BYTES``
  the least recently written files go first.
- A remote custom emoji's image (``proxy_url(..., EMOJI)``: its token ends in ``.emoji`` and
  is signed as one) is held to Mastodon's emoji limits: ``EMOJI_MAX_BYTES`` fetched at most,
  scaled to ``EMOJI_MAX_SIDE``; anything else is 404 (the client shows no image).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from porina.core.errors import NotFound
from porina.federation import domains
from porina.federation.domain_models import InstanceBlock
from porina.http.client import OutboundClient
from porina.http.errors import OutboundError
from porina.settings import Settings
from porina.storage.db import Database

MAX_FETCH_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2048
CACHE_MAX_BYTES = 512 * 1024 * 1024
TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
SUFFIX_TYPES = {".jpg": "image/jpeg", ".png": "image/png"}
EMOJI_MAX_BYTES = 256 * 1024
EMOJI_MAX_SIDE = 128


@dataclass(frozen=True, slots=True)
class Limits:
    """What one kind of proxied image may be: ``kind`` names it in the token."""

    kind: str
    max_bytes: int
    max_side: int


MEDIA = Limits("", MAX_FETCH_BYTES, MAX_SIDE)
EMOJI = Limits("emoji", EMOJI_MAX_BYTES, EMOJI_MAX_SIDE)
KINDS = {limits.kind: limits for limits in (MEDIA, EMOJI)}


@dataclass(frozen=True, slots=True)
class Proxied:
    path: Path
    media_type: str


def _signed(url: str, limits: Limits) -> str:
    """What a token signs (and the cache is keyed by): the URL, with its kind when not media."""
    return f"{limits.kind} {url}" if limits.kind else url


def _mac(settings: Settings, url: str, limits: Limits = MEDIA) -> str:
    key = f"media-proxy:{settings.secret_key}".encode()
    return hmac.new(key, _signed(url, limits).encode(), hashlib.sha256).hexdigest()[:32]


def proxy_url(settings: Settings, url: str, limits: Limits = MEDIA) -> str:
    """The local URL that serves the remote image at ``url`` (held to ``limits``)."""
    encoded = base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")
    tail = f".{limits.kind}" if limits.kind else ""
    mac = _mac(settings, url, limits)
    return f"{settings.base_url.rstrip('/')}/media/proxy/{encoded}.{mac}{tail}"


def read_token(settings: Settings, token: str) -> tuple[str, Limits]:
    """The remote URL a token names and its kind's limits; 404 for anything this server did
    not hand out."""
    parts = token.split(".")
    if len(parts) not in (2, 3):
        raise NotFound()
    encoded, mac = parts[0], parts[1]
    limits = MEDIA if len(parts) == 2 else KINDS.get(parts[2]) if parts[2] else None
    try:
        url = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise NotFound() from None
    if limits is None or not encoded or not hmac.compare_digest(mac, _mac(settings, url, limits)):
        raise NotFound()
    if not url.startswith(("https://", "http://")):
        raise NotFound()
    return url, limits


def cache_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / "media_proxy"


def _cached(folder: Path, key: str) -> Proxied | None:
    for suffix, media_type in SUFFIX_TYPES.items():
        path = folder / f"{key}{suffix}"
        if path.exists():
            return Proxied(path, media_type)
    return None


async def _refused(db: Database, domain: str) -> bool:
    async with db.read() as session:
        if await domains.suspended(session, domain):
            return True
        rejecting = select(InstanceBlock.domain).where(InstanceBlock.reject_media)
        return domains.covered(domain, (await session.scalars(rejecting)).all())


async def fetch(
    db: Database, client: OutboundClient, settings: Settings, url: str, limits: Limits = MEDIA
) -> Proxied:
    """The re-encoded image for ``url``, from the cache or fetched now; 404 when it cannot
    be had (refused domain, no answer, too large, not an image)."""
    folder = cache_dir(settings)
    key = hashlib.sha256(_signed(url, limits).encode()).hexdigest()
    found = await asyncio.to_thread(_cached, folder, key)
    if found is not None:
        return found
    if await _refused(db, domains.domain_of(url)):
        raise NotFound()
    try:
        response = await client.get(url, headers={"Accept": "image/*"}, max_bytes=limits.max_bytes)
    except OutboundError:
        raise NotFound() from None
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not response.ok or media_type not in TYPES:
        raise NotFound()
    data, suffix = await asyncio.to_thread(reencode, response.content, limits.max_side)
    return await asyncio.to_thread(_store, folder, key, data, suffix)


def reencode(data: bytes, max_side: int = MAX_SIDE) -> tuple[bytes, str]:
    """Decode, check, turn upright, scale down and encode again: ``(bytes, suffix)``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width < 1 or height < 1 or width * height > MAX_PIXELS:
                raise NotFound()
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, UnidentifiedImageError):
        raise NotFound() from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise NotFound() from None
    upright: Image.Image = ImageOps.exif_transpose(image) or image
    upright.thumbnail((max_side, max_side))
    return _encode(upright)


def _encode(image: Image.Image) -> tuple[bytes, str]:
    clear = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    out = io.BytesIO()
    if clear:
        image.convert("RGBA").save(out, "PNG", optimize=True)
        return out.getvalue(), ".png"
    image.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue(), ".jpg"


def _store(folder: Path, key: str, data: bytes, suffix: str) -> Proxied:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key}{suffix}"
    partial = folder / f".{key}.{os.getpid()}.part"
    partial.write_bytes(data)
    partial.replace(path)
    prune(folder, CACHE_MAX_BYTES)
    return Proxied(path, SUFFIX_TYPES[suffix])


def prune(folder: Path, limit: int) -> int:
    """Delete the oldest cached files until the folder holds at most ``limit`` bytes;
    returns how many went."""
    files = [(p.stat().st_mtime, p.stat().st_size, p) for p in folder.iterdir() if p.is_file()]
    total = sum(size for _, size, _ in files)
    gone = 0
    for _, size, path in sorted(files, key=lambda f: f[0]):
        if total <= limit:
            break
        path.unlink(missing_ok=True)
        total -= size
        gone += 1
    return gone
