"""One place to ask the time, always timezone-aware UTC.

``back_dated(delta)`` moves this context's clock ``delta`` into the past (the demo world writes
its posts over the last days through the same actions as everyone: ``now()`` and new ids
follow it). Nothing else sets it; outside it, ``now()`` is the real time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

_BACK = ContextVar("porina_clock_back", default=timedelta(0))


def now() -> datetime:
    return datetime.now(UTC) - _BACK.get()


def shifted() -> bool:
    """Whether this context's clock is back-dated."""
    return bool(_BACK.get())


@contextmanager
def back_dated(delta: timedelta) -> Iterator[None]:
    """Within the block (this task and the tasks it starts), the clock reads ``delta`` ago."""
    token = _BACK.set(delta)
    try:
        yield
    finally:
        _BACK.reset(token)


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def iso(value: datetime | None) -> str | None:
    """Mastodon's timestamp form: ``2026-11-23T06:45:00.000Z``."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    elif value.utcoffset():
        value = value.astimezone(UTC)
    # ``isoformat`` (2.5 us) rather than ``strftime`` (4.1 us): a desk conversation's page
    # formats three times per item, a tenth of its time (docs/performance.md, 2026-12-07)
    return value.isoformat(timespec="milliseconds")[:23] + "Z"


def iso_date(value: datetime | None) -> str | None:
    if value is None:
        return None
    return aware(value).strftime("%Y-%m-%d")
