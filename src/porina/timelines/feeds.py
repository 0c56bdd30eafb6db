"""Home feeds: one interface, two stores (database: embedded default; Redis: scale).

A feed holds entries ``(status_id, target_id, author_id)`` newest first, capped at
``settings.home_feed_size``. ``status_id`` is the entry (post or reblog); ``target_id`` the
post shown, used to skip a reblog of something already in the feed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from porina.jobs.queue import JobContext

if TYPE_CHECKING:
    from porina.storage.db import Database
    from porina.timelines.page import PageRow


@dataclass(frozen=True, slots=True)
class Entry:
    status_id: int
    target_id: int
    author_id: int


class FeedStore(Protocol):
    async def add_entries(self, account_id: int, entries: Sequence[Entry]) -> int:
        """Insert many entries into one feed (a follow's merge, a rebuild); returns how many
        it took. The caller trims afterwards."""
        ...

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

    async def trim_many(self, account_ids: Sequence[int]) -> None:
        """Keep the newest ``capacity`` entries of each feed named."""
        ...

    async def trim_after_fanout(self, account_ids: Sequence[int]) -> None:
        """A fan-out added an entry to these feeds (a sample of them, for big audiences):
        enforce the cap where ``add`` did not already."""
        ...

    async def page_rows(
        self, db: Database, viewer_id: int, bounds: PageBounds
    ) -> tuple[list[PageRow], list[int]]:
        """One round of the home page: the page rows of up to ``bounds.fetch`` candidates
        strictly between ``bounds.above`` and ``bounds.below`` (newest first, or oldest
        first when ``bounds.upwards``), and every candidate id read (visible or not)."""
        ...

    async def drop_many(self, account_ids: Sequence[int]) -> None:
        """Forget these feeds entirely (accounts long idle; rebuilt when they return)."""
        ...

    async def close(self) -> None:
        """Release connections (nothing to do for the database store)."""
        ...


NO_BOUND = 2**63 - 1


@dataclass(frozen=True, slots=True)
class PageBounds:
    below: int
    above: int
    fetch: int
    upwards: bool

    @property
    def max_id(self) -> int | None:
        return None if self.below == NO_BOUND else self.below

    @property
    def since_id(self) -> int | None:
        return self.above if not self.upwards and self.above else None

    @property
    def min_id(self) -> int | None:
        return self.above if self.upwards else None


class FeedContext(JobContext, Protocol):
    """What timeline code needs of the running system: the job context and the feed store."""

    @property
    def feeds(self) -> FeedStore: ...
