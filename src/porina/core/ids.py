"""Time-sortable 64-bit ids, shaped like Mastodon's snowflakes.

The upper 48 bits are milliseconds since the Unix epoch, the lower 16 a per-process sequence
mixed with a random start, so ids sort by creation time and ``max_id``/``since_id`` pagination
works on every table. Ids travel as strings in the API.
"""

from __future__ import annotations

import secrets
import threading
import time
from datetime import datetime

from porina.core import clock
from porina.core.inputs import INT64_MAX


class _Generator:
    """Monotonic within a process: the same millisecond bumps the sequence."""

    def __init__(self, *, rewinds: bool = False) -> None:
        self._rewinds = rewinds
        self._lock = threading.Lock()
        self._last_ms = 0
        self._seq = secrets.randbelow(1 << 16)

    def next(self, at: datetime | None) -> int:
        if at is not None:
            return (int(at.timestamp() * 1000) << 16) | secrets.randbelow(1 << 16)
        return self.next_at(None)

    def next_at(self, moment: datetime | None) -> int:
        """Monotonic: ``moment`` (default the real time), or just after the last id made."""
        ms = int((moment.timestamp() if moment is not None else time.time()) * 1000)
        with self._lock:
            if self._rewinds and ms < self._last_ms - 60_000:
                self._last_ms = 0  # a new back-dated run (a new demo world) starts earlier
            if ms <= self._last_ms:
                self._seq = (self._seq + 1) & 0xFFFF
                ms = self._last_ms + (1 if self._seq == 0 else 0)
            else:
                self._seq = secrets.randbelow(1 << 8)
            self._last_ms = ms
            return (ms << 16) | self._seq


_generator = _Generator()
_back_dated = _Generator(rewinds=True)
"""Ids made while the clock is back-dated (``clock.back_dated``): monotonic among themselves,
apart from the present's."""


def new_id(at: datetime | None = None) -> int:
    """A fresh id; ``at`` places it at a given time (used for imported rows). Under a
    back-dated clock, a fresh id of that time."""
    if at is None and clock.shifted():
        return _back_dated.next_at(clock.now())
    return _generator.next(at)


def id_at(moment: datetime) -> int:
    """The smallest id that could have been made at ``moment`` (for time-based pagination)."""
    return int(moment.timestamp() * 1000) << 16


def parse_id(value: str | int | None) -> int | None:
    """An id from a client, or None when it is not a plain non-negative integer that fits 64
    bits signed (the id columns)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= INT64_MAX else None
    text = value.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if number <= INT64_MAX else None
