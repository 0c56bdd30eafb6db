"""What a client may send, as one set of rules both front ends (the API's ``Params``, the web
app's forms) apply before anything reaches an action or a query.

- **Text** never holds a NUL character (U+0000): PostgreSQL cannot store one and nothing
  stored holds one, so text carrying it is refused, and a look-up or search term carrying it
  names nothing.
- **Integers** are 64-bit signed, the range of every id, count and offset column.
- **Dates** are ISO 8601 between ``EARLIEST`` and ``LATEST``, so arithmetic on them (the day
  after, a time zone's offset) never leaves the calendar Python and both databases share.
- **Nesting** of a request body (JSON arrays and objects, bracketed form keys) stops at
  ``MAX_DEPTH``; the deepest a Mastodon client sends is 3 (``poll[options][]``).
- **Size.** Every text a client sends (each parameter's value and name, at any depth) holds at
  most ``MAX_FIELD_BYTES`` of UTF-8, whatever its own limit in characters; a request body
  other than a media upload holds at most ``MAX_BODY_BYTES`` (the app's default; upload routes
  declare their own). Limits in characters (a status's 500) count code points, so a character
  is at most 4 bytes and 400,000 combining marks are 400,000 characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

NUL = "\x00"
INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)
MAX_DEPTH = 32
MAX_FIELD_BYTES = 64 * 1024
"""The most UTF-8 one text field may hold: 128 times a 500-character status of 4-byte
characters (a status of long URLs counts each as 23), far past any name, bio or title."""
MAX_BODY_BYTES = 1024 * 1024
"""The most a request body may hold, but for media uploads (their routes set their own)."""


def has_nul(text: str) -> bool:
    return NUL in text


def too_big(text: str, max_bytes: int = MAX_FIELD_BYTES) -> bool:
    """``text`` takes more than ``max_bytes`` in UTF-8 (encoded only when its length leaves
    it in doubt: a code point is 1 to 4 bytes)."""
    if len(text) * 4 <= max_bytes:
        return False
    if len(text) > max_bytes:
        return True
    return len(text.encode("utf-8", "surrogatepass")) > max_bytes


def oversized(value: Any, max_bytes: int = MAX_FIELD_BYTES) -> str | None:
    """The name of the first text in ``value`` (decoded parameters: dicts, lists, scalars)
    that takes more than ``max_bytes`` in UTF-8, its own key or the key above it (``""`` at
    the top), or None when every text and key fits. Iterative, as ``nesting_fault``."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        node, name = stack.pop()
        if isinstance(node, str):
            if too_big(node, max_bytes):
                return name
        elif isinstance(node, dict):
            for key, child in node.items():
                key_text = str(key)
                if too_big(key_text, max_bytes):
                    return name or "parameter name"
                stack.append((child, key_text))
        elif isinstance(node, list):
            stack.extend((child, name) for child in node)
    return None


def int64(value: object) -> int | None:
    """``value`` (an int, or the decimal text of one) when it fits 64 bits signed, else None.
    Booleans and floats are not integers here."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:  # not decimal, or more digits than Python converts
            return None
    else:
        return None
    return number if INT64_MIN <= number <= INT64_MAX else None


def moment(text: str) -> datetime | None:
    """An ISO 8601 date and time (``Z`` or an offset; none means UTC) as aware UTC, or None
    when ``text`` is not one or it falls outside ``EARLIEST``..``LATEST``."""
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        parsed = parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # 0001-01-01 at +01:00 is before the calendar
        return None
    return parsed if EARLIEST <= parsed < LATEST else None


def within_calendar(value: datetime) -> bool:
    """``value`` (aware) lies in ``EARLIEST``..``LATEST``."""
    return EARLIEST <= value < LATEST


def nesting_fault(value: Any, max_depth: int = MAX_DEPTH) -> str | None:
    """``"deep"`` when ``value`` (decoded JSON: dicts, lists, scalars) nests past ``max_depth``,
    ``"nul"`` when a text or a key in it holds a NUL, else None. Iterative, so any depth the
    decoder accepted is walked without recursion."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if NUL in node:
                return "nul"
            continue
        children: Iterable[Any]
        if isinstance(node, dict):
            if any(NUL in key for key in node if isinstance(key, str)):
                return "nul"
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth >= max_depth:
            return "deep"
        stack.extend((child, depth + 1) for child in children)
    return None
