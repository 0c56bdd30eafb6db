"""A status's thread as one viewer sees it: the posts above it and the replies below it.

The one computation behind ``GET /api/v1/statuses/:id/context`` and the web's post page.
Ancestors are the chain of ``in_reply_to_id`` up to the thread's root, oldest first;
descendants are the replies below, depth first and oldest first at each level, as Mastodon
orders them. The shape comes from every live, non-boost status of the thread (so a reply the
viewer may not see still links the replies below it, which they may), read oldest first up
to a limit; what is returned is only what the viewer may see (``bundles_by_id`` applies
``visible_clause``). A deleted post leaves the thread with the replies below it, as in
Mastodon, where deleting a post removes its row.

Costs two queries: the thread's shape (one indexed read of two columns) and the visible
statuses among it. ``shape`` reads the same shape as a prebuilt statement on the driver
(``storage/fastread.py``), for the API's context on the hot path.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, bindparam, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from porina.posts.models import Status
from porina.posts.queries import Bundle, bundles_by_id
from porina.storage.fastread import Prebuilt

if TYPE_CHECKING:
    from porina.storage.db import Database

Parents = Mapping[int, int | None]
"""Status id -> the id it replies to, for the statuses of one thread."""


@dataclass(frozen=True, slots=True)
class Limits:
    read: int
    """Statuses of the thread read to find its shape, oldest first."""
    ancestors: int
    descendants: int


MASTODON = Limits(read=4097, ancestors=40, descendants=4096)
"""Mastodon's context limits for a signed-in viewer (the root counts among those read)."""
MASTODON_ANONYMOUS = Limits(read=4097, ancestors=40, descendants=60)
"""Mastodon's limits without a signed-in viewer: fewer replies."""


@dataclass(frozen=True, slots=True)
class Thread:
    ancestors: list[Bundle]
    """Oldest first, ending with the post the focus replies to."""
    descendants: list[Bundle]
    """Depth first, oldest reply first at each level."""
    depths: list[int]
    """The depth of each descendant (1 for a direct reply to the focus)."""

    @property
    def bundles(self) -> list[Bundle]:
        """Ancestors then descendants, to render in one go and split at ``len(ancestors)``."""
        return [*self.ancestors, *self.descendants]


async def thread(
    session: AsyncSession, viewer_id: int | None, focus: Status, limits: Limits
) -> Thread:
    """The thread around ``focus`` (a status the caller has found visible) as ``viewer_id``
    sees it."""
    parent_of = await parents(session, focus.thread_id or focus.id, limits.read)
    above = ancestors(parent_of, focus.in_reply_to_id, limits.ancestors)
    below = descendants(parent_of, focus.id)[: limits.descendants]
    found = {
        b.entry.status.id: b
        for b in await bundles_by_id(session, viewer_id, [*above, *(i for i, _ in below)])
    }
    up = set(above)
    shown = [(found[i], depth) for i, depth in below if i in found and i not in up]
    return Thread(
        ancestors=[found[i] for i in above if i in found],
        descendants=[bundle for bundle, _ in shown],
        depths=[depth for _, depth in shown],
    )


def _parents_query(root: Any, limit: int) -> Any:
    return (
        select(Status.id, Status.in_reply_to_id)
        .where((Status.thread_id == root) | (Status.id == root))
        .where(Status.reblog_of_id.is_(None), Status.deleted_at.is_(None))
        .order_by(Status.id)
        .limit(limit)
    )


async def parents(session: AsyncSession, root: int, limit: int) -> dict[int, int | None]:
    """The first ``limit`` live statuses of the thread rooted at ``root`` (boosts aside),
    each with the id it replies to."""
    rows = await session.execute(_parents_query(root, limit))
    return {status_id: parent for status_id, parent in rows}


@functools.cache
def _shape(limit: int) -> Prebuilt:
    return Prebuilt(_parents_query(bindparam("root", type_=BigInteger), limit))


async def shape(db: Database, root: int, limit: int) -> dict[int, int | None]:
    """``parents`` as one prebuilt statement on the driver."""
    rows = await db.fast.fetch(_shape(limit), {"root": root})
    return {int(status_id): parent for status_id, parent in rows}


FOCUS = aliased(Status, name="focus")


@functools.cache
def _around(limit: int) -> Prebuilt:
    """The focus's own (id, reply-to, 0), then ``_parents_query``'s rows of its thread with 1."""
    focus = bindparam("focus", type_=BigInteger)
    root = (
        select(func.coalesce(FOCUS.thread_id, FOCUS.id)).where(FOCUS.id == focus).scalar_subquery()
    )
    rows = _parents_query(root, limit).subquery("thread")
    own = select(FOCUS.id, FOCUS.in_reply_to_id, literal(0)).where(FOCUS.id == focus)
    return Prebuilt(union_all(own, select(rows.c.id, rows.c.in_reply_to_id, literal(1))))


async def around(
    db: Database, status_id: int, limit: int
) -> tuple[int | None, dict[int, int | None]] | None:
    """What ``shape`` gives for the thread of ``status_id`` (its ``thread_id``, or itself) and
    the id the status replies to, in one statement; None when there is no such status. Its
    visibility is the caller's to check."""
    rows = await db.fast.fetch(_around(limit), {"focus": status_id})
    own = [parent for _, parent, kind in rows if kind == 0]
    if not own:
        return None
    return own[0], {int(i): parent for i, parent, kind in rows if kind == 1}


def ancestors(parent_of: Parents, start: int | None, limit: int) -> list[int]:
    """The chain from ``start`` upwards, at most ``limit`` long, oldest first. It ends at a
    status outside ``parent_of`` (deleted, or past the read limit), or at a loop."""
    chain: list[int] = []
    current = start
    while current is not None and current not in chain and len(chain) < limit:
        chain.append(current)
        current = parent_of.get(current)
    return list(reversed(chain))


def descendants(parent_of: Parents, top: int) -> list[tuple[int, int]]:
    """The replies below ``top`` with their depth: depth first, oldest first at each level."""
    children: dict[int, list[int]] = {}
    for child, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    out: list[tuple[int, int]] = []
    stack = [(c, 1) for c in sorted(children.get(top, []), reverse=True)]
    seen = {top}
    while stack:
        current, depth = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        out.append((current, depth))
        stack.extend((c, depth + 1) for c in sorted(children.get(current, []), reverse=True))
    return out
