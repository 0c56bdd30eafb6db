"""Generated avatars for accounts without a picture: the account's initials on a colour taken
from its id, so every account looks different and the same account looks the same everywhere.

The URL carries everything the image depends on (``/avatars/generated/<id>-<initials>.png``),
so it is served without reading the database and cached for a year: a new display name
gives new initials and so a new URL. The API hands out the PNG (Mastodon apps do not all draw
SVG); the web pages use the ``.svg`` of the same URL (a few hundred bytes, drawn in the
reader's own fonts). White text on every palette colour has a contrast of at least 4.5:1, and
the colours are mid-tones, so they stand out on light and dark pages alike.
"""

from __future__ import annotations

import io
import unicodedata
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, unquote

from PIL import Image, ImageDraw, ImageFont

PREFIX = "/avatars/generated/"
PNG_SIZE = 192
# Mid-tone backgrounds, each >= 4.5:1 against white text (WCAG AA).
PALETTE = (
    "#1f6f8b",
    "#7a4fb5",
    "#b0413e",
    "#2e7d4f",
    "#9c4f1c",
    "#3f5fb0",
    "#a23b72",
    "#0f766e",
    "#6b5a1e",
    "#5b5bd6",
    "#8a3ffc",
    "#c2410c",
)
FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
)


def initials(display_name: str, username: str) -> str:
    """Up to two letters: the first letter or digit of the first two words of the display name
    (of the username when the name has none), upper-cased. ``?`` when there is none at all."""
    words = [w for w in (display_name or "").split() if any(c.isalnum() for c in w)]
    if not words:
        words = [username or "?"]
    letters = [next((c for c in w if c.isalnum()), "") for w in words[:2]]
    found = "".join(letters).upper()
    return unicodedata.normalize("NFC", found)[:2] or "?"


def colour(seed: int) -> str:
    """The palette colour of an account id (Knuth's multiplicative hash spreads close ids)."""
    return PALETTE[(seed * 2654435761 >> 7) % len(PALETTE)]


def path_for(account_id: int, display_name: str, username: str) -> str:
    """The PNG's path on this server (the API's ``avatar`` for an account without one)."""
    return f"{PREFIX}{account_id}-{quote(initials(display_name, username), safe='')}.png"


def parse(name: str) -> tuple[int, str, str] | None:
    """``"12-AB.png"`` -> ``(12, "AB", "png")``; None for anything else."""
    stem, dot, kind = name.rpartition(".")
    seed, dash, letters = stem.partition("-")
    if not dot or not dash or kind not in ("png", "svg") or not seed.isdigit() or len(seed) > 20:
        return None
    text = unquote(letters)
    if not 1 <= len(text) <= 2 or not all(c.isalnum() or c == "?" for c in text):
        return None
    return int(seed), text, kind


def svg(seed: int, text: str) -> str:
    """The avatar as SVG: initials centred on the account's colour (sizes with the <img>)."""
    size = "44" if len(text) == 1 else "36"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<rect width="100" height="100" fill="{colour(seed)}"/>'
        '<text x="50" y="50" dy=".35em" text-anchor="middle" fill="#fff" '
        'font-family="system-ui,-apple-system,Segoe UI,Roboto,DejaVu Sans,sans-serif" '
        f'font-weight="700" font-size="{size}">{_escape(text)}</text></svg>'
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@lru_cache(maxsize=1)
def _font_path() -> Path | None:
    return next((p for p in FONTS if p.exists()), None)


@lru_cache(maxsize=2048)
def png(seed: int, text: str) -> bytes:
    """The avatar as a 192 px PNG (cached: a few KB each)."""
    image = Image.new("RGB", (PNG_SIZE, PNG_SIZE), colour(seed))
    draw = ImageDraw.Draw(image)
    points = int(PNG_SIZE * (0.44 if len(text) == 1 else 0.36))
    found = _font_path()
    font = ImageFont.truetype(str(found), points) if found else ImageFont.load_default(size=points)
    middle = PNG_SIZE / 2
    draw.text((middle, middle), text, fill="#ffffff", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
