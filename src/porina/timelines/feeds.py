"""Home feeds: one interface, two stores (database: embedded default; Redis: scale).

A feed holds entries ``(status_id, target_id, author_id)`` newest first, capped at
``settings.home_feed_size``. ``status_id`` is the entry (post or reblog); ``target_id`` the
post shown, used to skip a reblog of something already in the feed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Entry:
    status_id: int
    target_id: int
    author_id: int


class FeedStore(Protocol):
    async def add(self, account_ids: Sequence[int], entry: Entry) -> int:
        """Insert ``entry`` into each account's feed (skipping duplicates of ``target_id``);
        returns how many feeds took it."""
        ...

    async def remove(self, account_ids: Sequence[int] | None, status_id: int) -> None:
        """Remove an entry from the given feeds (all feeds when None)."""
        ...

    async def remove_author(self, account_id: int, author_id: int) -> None:
        """Drop everything by ``author_id`` from one feed (unfollow, block, mute)."""
        ...

    async def page(
        self,
        account_id: int,
        *,
        max_id: int | None,
        since_id: int | None,
        min_id: int | None,
        limit: int,
    ) -> list[int]:
        """Entry status ids, newest first (or the page just above ``min_id``)."""
        ...

    async def size(self, account_id: int) -> int: ...

    async def trim(self, account_id: int) -> None: ...

    async def drop_many(self, account_ids: Sequence[int]) -> None:
        """Forget these feeds entirely (accounts long idle; rebuilt when they return)."""
        ...
