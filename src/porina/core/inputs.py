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


def has_nul(text: str) -> bool:
    return NUL in text


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
