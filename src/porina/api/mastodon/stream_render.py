"""One status event rendered for every stream reader at once (``streaming.py``).

For a status and the viewers whose streams it reached, in three statements whatever their
number:

1. **who may see it**: the viewers for whom the status passes the same visibility rule as
   every timeline (``posts.visibility.visible_clause``, for the status and a reblogged
   status) and is not hidden by their mutes and blocks (``timelines.queries.not_muted``),
   with the viewer a column of the statement instead of a parameter;
2. **the rows**: the status as ``bundle_select`` reads it, once;
3. **who has marks on it**: viewers with a favourite, bookmark, boost, pin, muted thread or
   poll vote on it, or with any filter. Only they get ``viewer_state`` read for them alone
   (the same query a timeline page uses) and a rendering of their own.

Everybody else who may see it gets one shared rendering: a status rendered for a signed-in
viewer who is not its author, with nothing marked and no poll, does not depend on who that
viewer is (``Renderer.status_row``: the viewer's id only decides the author's own fields,
the poll and the marks). Anonymous readers share the anonymous rendering. Nobody is sent a
status the rule hides from them: a viewer not returned by statement 1 gets ``None``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import msgspec
from sqlalchemy import BigInteger, BindParameter, Select, bindparam, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from porina.accounts.models import Account
from porina.core.clock import now
from porina.interactions.models import Bookmark, Favourite, Filter, StatusMute
from porina.interactions.viewer import ViewerState, viewer_state
from porina.posts.models import Status, StatusPin
from porina.posts.queries import Bundle, R, S, bundle_select, bundles
from porina.posts.visibility import visible_clause
from porina.render.renderer import Renderer
from porina.storage.base import UTCDateTime
from porina.timelines.queries import not_muted

V = aliased(Account, name="v")


@dataclass(frozen=True, slots=True)
class Rendered:
    """One status for each viewer who may see it (JSON text), and whether it has media."""

    payloads: dict[int | None, str]
    media: bool


NOTHING = Rendered({}, False)


@functools.cache
def _visible_to() -> Select[Any]:
    """Viewers (``v``) among ``viewers`` who may see status ``status_id``, less those who
    mute or block its author (or the reblogged status's)."""
    viewer = cast(Any, V.id)  # a column where the rules take an id: one row per viewer
    moment = bindparam("moment", type_=UTCDateTime())
    return (
        select(V.id)
        .select_from(V)
        .join(S, S.id == bindparam("status_id", type_=BigInteger))
        .outerjoin(R, R.id == S.reblog_of_id)
        .where(V.id.in_(bindparam("viewers", expanding=True)))
        .where(visible_clause(S, viewer))
        .where(S.reblog_of_id.is_(None) | visible_clause(R, viewer))
        .where(not_muted(viewer, moment))
    )


@functools.cache
def _marked() -> Any:
    """Viewers among ``viewers`` with anything ``viewer_state`` would find for the status
    (a superset: filters count whether or not they have expired)."""
    ids: BindParameter[int] = bindparam("viewers", expanding=True)
    sid = bindparam("status_id", type_=BigInteger)
    thread = bindparam("thread_id", type_=BigInteger)
    return union_all(
        select(Favourite.account_id).where(
            Favourite.account_id.in_(ids), Favourite.status_id == sid
        ),
        select(Bookmark.account_id).where(Bookmark.account_id.in_(ids), Bookmark.status_id == sid),
        select(Status.account_id).where(Status.account_id.in_(ids), Status.reblog_of_id == sid),
        select(StatusPin.account_id).where(
            StatusPin.account_id.in_(ids), StatusPin.status_id == sid
        ),
        select(StatusMute.account_id).where(
            StatusMute.account_id.in_(ids), StatusMute.thread_id == thread
        ),
        select(Filter.account_id).where(Filter.account_id.in_(ids)),
    )


def _json(entity: Any) -> str:
    return msgspec.json.encode(entity).decode()


async def render_status(
    session: AsyncSession, renderer: Renderer, status_id: int, viewers: Iterable[int | None]
) -> Rendered:
    """``status_id`` for each of ``viewers`` allowed to see it (``None``: anonymous)."""
    wanted = set(viewers)
    signed = [v for v in wanted if v is not None]
    allowed: list[int] = []
    if signed:
        params = {"status_id": status_id, "viewers": signed, "moment": now()}
        allowed = [int(v) for v in (await session.scalars(_visible_to(), params)).all()]
    if not allowed and None not in wanted:
        return NOTHING
    loader = allowed[0] if allowed else None
    found = await bundles(session, bundle_select(loader).where(S.id == status_id))
    if not found:
        return NOTHING
    item = found[0]
    payloads: dict[int | None, str] = {}
    if None in wanted:
        if loader is not None:  # read for a signed-in viewer: the anonymous rule on its own
            public = await bundles(session, bundle_select(None).where(S.id == status_id))
        else:
            public = found
        if public:
            payloads[None] = _json(renderer.bundle(public[0], ViewerState(), None))
    if allowed:
        payloads.update(await _signed(session, renderer, item, allowed))
    return Rendered(payloads, bool(item.shown.status.media))


async def _signed(
    session: AsyncSession, renderer: Renderer, item: Bundle, allowed: list[int]
) -> dict[int | None, str]:
    shown = item.shown.status
    authors = {item.entry.status.account_id, shown.account_id}
    own = set(allowed) & authors
    if item.shown.poll is not None or (item.reblog is not None and item.entry.poll is not None):
        alone = set(allowed)  # a poll shows each viewer's own votes
    else:
        params = {
            "viewers": allowed,
            "status_id": shown.id,
            "thread_id": shown.thread_id or shown.id,
        }
        marked = {int(v) for v in (await session.scalars(_marked(), params)).all()}
        alone = own | (marked & set(allowed))
    out: dict[int | None, str] = {}
    for vid in alone:
        state = await viewer_state(session, vid, [item])
        out[vid] = _json(renderer.bundle(item, state, vid))
    shared = [v for v in allowed if v not in alone]
    if shared:
        body = _json(renderer.bundle(item, ViewerState(), shared[0]))
        out.update(dict.fromkeys(shared, body))
    return out
