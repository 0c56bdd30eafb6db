"""What a viewer did to a page of statuses (favourited, boosted, bookmarked, pinned, muted
threads, poll votes, active filters), in one prebuilt UNION query."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BindParameter, CompoundSelect, bindparam, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.clock import now
from porina.interactions.filters import ActiveFilter, load_active, prepare
from porina.interactions.models import Bookmark, Favourite, Filter, StatusMute
from porina.posts.models import PollVote, Status, StatusPin
from porina.posts.queries import VIEWER, Bundle
from porina.storage.base import UTCDateTime


@dataclass(slots=True)
class ViewerState:
    favourited: set[int] = field(default_factory=set)
    reblogged: set[int] = field(default_factory=set)
    bookmarked: set[int] = field(default_factory=set)
    pinned: set[int] = field(default_factory=set)
    muted_threads: set[int] = field(default_factory=set)
    votes: dict[int, list[int]] = field(default_factory=dict)
    filters: list[ActiveFilter] = field(default_factory=list)


@functools.cache
def _state_template() -> CompoundSelect[Any]:
    """What a viewer did to a page of statuses, as one prebuilt UNION (see ``bundle_select``
    for why statements are prebuilt)."""
    ids: BindParameter[int] = bindparam("ids", expanding=True)
    threads: BindParameter[int] = bindparam("threads", expanding=True)
    polls: BindParameter[int] = bindparam("polls", expanding=True)
    moment = bindparam("moment", type_=UTCDateTime())
    return union_all(
        select(literal("f"), Favourite.status_id, literal(0)).where(
            Favourite.account_id == VIEWER, Favourite.status_id.in_(ids)
        ),
        select(literal("b"), Bookmark.status_id, literal(0)).where(
            Bookmark.account_id == VIEWER, Bookmark.status_id.in_(ids)
        ),
        select(literal("r"), Status.reblog_of_id, literal(0)).where(
            Status.account_id == VIEWER, Status.reblog_of_id.in_(ids), Status.deleted_at.is_(None)
        ),
        select(literal("p"), StatusPin.status_id, literal(0)).where(
            StatusPin.account_id == VIEWER, StatusPin.status_id.in_(ids)
        ),
        select(literal("m"), StatusMute.thread_id, literal(0)).where(
            StatusMute.account_id == VIEWER, StatusMute.thread_id.in_(threads)
        ),
        # the viewer's active filters (their keywords load only when there are any)
        select(literal("x"), Filter.id, literal(0)).where(
            Filter.account_id == VIEWER,
            or_(Filter.expires_at.is_(None), Filter.expires_at > moment),
        ),
        select(literal("v"), PollVote.poll_id, PollVote.choice).where(
            PollVote.account_id == VIEWER, PollVote.poll_id.in_(polls)
        ),
    )


async def viewer_state(
    session: AsyncSession, viewer_id: int | None, items: Sequence[Bundle]
) -> ViewerState:
    """What the viewer did to the shown statuses, in one UNION query."""
    state = ViewerState()
    if viewer_id is None or not items:
        return state
    params: dict[str, Any] = {
        "porina_viewer": viewer_id,
        "ids": list({b.shown.status.id for b in items}),
        "threads": list({b.shown.status.thread_id or b.shown.status.id for b in items}),
        "polls": [b.shown.poll.id for b in items if b.shown.poll is not None],
        "moment": now(),
    }
    filter_ids: list[int] = []
    for kind, target, extra in (await session.execute(_state_template(), params)).all():
        if target is None:
            continue
        if kind == "v":
            state.votes.setdefault(int(target), []).append(int(extra))
            continue
        if kind == "x":
            filter_ids.append(int(target))
            continue
        bucket = {
            "f": state.favourited,
            "b": state.bookmarked,
            "r": state.reblogged,
            "p": state.pinned,
            "m": state.muted_threads,
        }[kind]
        bucket.add(int(target))
    if filter_ids:  # a third query, only for viewers who have active filters
        state.filters = await load_active(session, filter_ids)
        shown = [row.status for b in items for row in (b.entry, b.reblog) if row is not None]
        await prepare(state.filters, shown)  # matched now, off the loop when large
    return state
