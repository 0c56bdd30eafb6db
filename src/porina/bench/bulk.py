"""Rows written in bulk by the bench's seeders, a batch at a time."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
CHUNK = 5000


def chunks(rows: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """``rows`` in lists of ``size`` (the last one shorter)."""
    it = iter(rows)
    while batch := list(itertools.islice(it, size)):
        yield batch
