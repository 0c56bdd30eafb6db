"""A page of statuses as the hot paths read it: one narrow row per candidate status.

Each row says whether the viewer may see the status (``visible``: the rule of
``posts/visibility.py`` plus the read-time mute and block filter, decided in SQL), the
versions of every row its rendering depends on (the status, its author, its poll; the same
for a reblogged status), and what the viewer did to it (favourited, reblogged, bookmarked,
muted thread, pinned, poll votes). Rendered statuses come from a cache keyed by those
versions (``render/status_cache.py``), so a page is this one query when the cache is
warm.

Candidates come from a source: a subquery of status ids (the database home feed, fetched a
little beyond the page so a few hidden entries still leave a full page), or up to ``SLOTS``
ids bound one parameter each (ids from another feed store). Statements are built once with
the viewer and every other value as bound parameters, and run through ``FastReader``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased

from porina.core.clock import now
from porina.interactions.models import Bookmark, Favourite, Filter, StatusMute
from porina.posts.models import Poll, PollVote, Status, StatusPin
from porina.posts.queries import RA, VIEWER, A, R, S
from porina.posts.visibility import visible_case
from porina.storage.base import UTCDateTime
from porina.storage.db import in_slots, probe, slot_values
from porina.storage.fastread import Prebuilt
from porina.timelines.queries import not_muted

if TYPE_CHECKING:
    from porina.storage.db import Database

MOMENT = bindparam("porina_moment", type_=UTCDateTime())
SLOTS = 64
"""How many ids an id-list statement takes (``storage.db.in_slots``: unused slots repeat the
first id, and the database drops duplicates from an ``IN`` list, so they cost nothing)."""
ID_SLOTS = in_slots("porina_id", SLOTS)

P = aliased(Poll, name="p")
RP = aliased(Poll, name="rp")
OWN = aliased(Status, name="own")


class PageRow(NamedTuple):
    id: int
    version: int
    account_id: int
    account_version: int
    poll_version: int | None
    reblog_of_id: int | None
    reblog_version: int | None
    reblog_account_id: int | None
    reblog_account_version: int | None
    reblog_poll_version: int | None
    visible: bool
    favourited: bool
    reblogged: bool
    bookmarked: bool
    muted: bool
    reblog_muted: bool
    pinned: bool
    reblog_pinned: bool
    own_votes: str | None
    has_filters: bool


def _mine(column: Any) -> ColumnElement[bool]:
    mine: ColumnElement[bool] = column == VIEWER
    return mine


def _reblogged(target: Any) -> ColumnElement[bool]:
    """Whether the viewer has a live reblog of ``target``. A scalar subquery with ``LIMIT 1``
    rather than ``EXISTS``: PostgreSQL may answer an ``EXISTS`` by hashing every status the
    viewer ever wrote (300 us for a prolific account), a scalar subquery it cannot."""
    return probe(_mine(OWN.account_id), OWN.reblog_of_id == target, OWN.deleted_at.is_(None))


FAV = aliased(Favourite, name="fav")
BOOKMARK = aliased(Bookmark, name="bookmark")
MUTED = aliased(StatusMute, name="muted")
REBLOG_MUTED = aliased(StatusMute, name="reblog_muted")
PIN = aliased(StatusPin, name="pin")
REBLOG_PIN = aliased(StatusPin, name="reblog_pin")


def _columns(*, mutes: bool) -> list[Any]:
    target = func.coalesce(S.reblog_of_id, S.id)
    poll = func.coalesce(RP.id, P.id)
    votes = (
        select(func.aggregate_strings(cast(PollVote.choice, String), ","))
        .where(_mine(PollVote.account_id), PollVote.poll_id == poll)
        .scalar_subquery()
    )
    filters = exists().where(
        _mine(Filter.account_id), or_(Filter.expires_at.is_(None), Filter.expires_at > MOMENT)
    )
    visible = and_(
        visible_case(S, VIEWER, author=A),
        case((S.reblog_of_id.is_(None), true()), else_=visible_case(R, VIEWER, author=RA)),
        not_muted(VIEWER, MOMENT) if mutes else true(),
    )
    return [
        S.id,
        S.version,
        S.account_id,
        A.version,
        P.version,
        S.reblog_of_id,
        R.version,
        R.account_id,
        RA.version,
        RP.version,
        visible,
        FAV.id.is_not(None),
        _reblogged(target),
        BOOKMARK.id.is_not(None),
        MUTED.account_id.is_not(None),
        REBLOG_MUTED.account_id.is_not(None),
        PIN.account_id.is_not(None),
        REBLOG_PIN.account_id.is_not(None),
        case((poll.is_not(None), votes)),  # only a poll's row pays for the look-up
        filters,
    ]


def _base(candidates: Any, *, mutes: bool = True) -> Select[Any]:
    """The candidates' statuses and what they show, plus the viewer's marks as outer joins
    (each matches at most one row: favourites, bookmarks, thread mutes and pins are unique per
    account and status); a join costs less per row than a correlated subquery. The candidates
    come first: with this many joins PostgreSQL keeps the written order (join_collapse_limit),
    so the plan starts from the page's few ids instead of hashing whole tables."""
    target = func.coalesce(S.reblog_of_id, S.id)
    return (
        select(*_columns(mutes=mutes))
        .select_from(candidates)
        .join(S, S.id == candidates.c.status_id)
        .join(A, A.id == S.account_id)
        .outerjoin(P, P.status_id == S.id)
        .outerjoin(R, R.id == S.reblog_of_id)
        .outerjoin(RA, RA.id == R.account_id)
        .outerjoin(RP, RP.status_id == R.id)
        .outerjoin(FAV, and_(_mine(FAV.account_id), FAV.status_id == target))
        .outerjoin(BOOKMARK, and_(_mine(BOOKMARK.account_id), BOOKMARK.status_id == target))
        .outerjoin(MUTED, and_(_mine(MUTED.account_id), MUTED.thread_id == _thread(S)))
        .outerjoin(
            REBLOG_MUTED,
            and_(_mine(REBLOG_MUTED.account_id), REBLOG_MUTED.thread_id == _thread(R)),
        )
        .outerjoin(PIN, and_(_mine(S.account_id), _mine(PIN.account_id), PIN.status_id == S.id))
        .outerjoin(
            REBLOG_PIN,
            and_(_mine(R.account_id), _mine(REBLOG_PIN.account_id), REBLOG_PIN.status_id == R.id),
        )
    )


def _thread(status: Any) -> Any:
    return func.coalesce(status.thread_id, status.id)


@functools.cache
def from_ids(*, mutes: bool = True) -> Prebuilt:
    """Rows for up to ``SLOTS`` given ids (parameters ``porina_id_0`` ...), newest first.
    ``mutes=False`` leaves the mute filter out of ``visible`` (notifications: a muted author's
    mention still shows unless the mute hides notifications, which their own query decides)."""
    given = aliased(Status, name="given")
    candidates = select(given.id.label("status_id")).where(given.id.in_(ID_SLOTS)).subquery()
    query = _base(candidates, mutes=mutes)
    return Prebuilt(query.order_by(candidates.c.status_id.desc()))


def ids_params(ids: list[int]) -> dict[str, int]:
    if len(ids) > SLOTS:
        raise ValueError(f"at most {SLOTS} ids per statement")
    return slot_values("porina_id", ids or [0], SLOTS)


def from_candidates(
    candidates: Any, *, ascending: bool, mutes: bool = True, cursor: Any = None
) -> Prebuilt:
    """Rows for the ids of ``candidates`` (a subquery with a ``status_id`` column, already
    limited), in the candidates' order. ``mutes=False``: as ``from_ids``. ``cursor``: another
    column of ``candidates`` that orders the page instead, selected after the row's own
    columns (a favourite's or bookmark's id: read the rows with ``cursor_rows``)."""
    column = candidates.c.status_id if cursor is None else cursor
    query = _base(candidates, mutes=mutes)
    if cursor is not None:
        query = query.add_columns(cursor)
    return Prebuilt(query.order_by(column.asc() if ascending else column.desc()))


def rows(raw: list[tuple[Any, ...]]) -> list[PageRow]:
    return [PageRow._make(row) for row in raw]


def cursor_rows(raw: list[tuple[Any, ...]]) -> list[tuple[int, PageRow]]:
    """Rows of a statement with a ``cursor`` column: (its value, the page row)."""
    return [(row[-1], PageRow._make(row[:-1])) for row in raw]


async def for_ids(
    db: Database, viewer_id: int | None, ids: Sequence[int], *, mutes: bool = True
) -> list[PageRow]:
    """The rows of ``ids`` (duplicates dropped) for ``viewer_id`` (None: an anonymous reader,
    every mark false), hidden ones included (check ``visible``): one query per ``SLOTS`` ids,
    each query's rows newest first."""
    wanted = list(dict.fromkeys(ids))
    found: list[PageRow] = []
    for start in range(0, len(wanted), SLOTS):
        params: dict[str, Any] = {"porina_viewer": viewer_id, "porina_moment": now()}
        params.update(ids_params(wanted[start : start + SLOTS]))
        found.extend(rows(await db.fast.fetch(from_ids(mutes=mutes), params)))
    return found
