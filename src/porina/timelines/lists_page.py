"""A list's timeline page rows in one prebuilt statement: the members' statuses (boosts too)
the list's owner may see, authors (and boosted authors) neither muted nor blocked, replies as
the list's ``replies_policy`` says, chosen and limited in SQL and joined with their page rows
(``page.py``). The list is joined by id and owner, so a list that is not the viewer's has no
rows; ``owned`` tells an empty list from someone else's (a second statement, only then)."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, and_, bindparam, func, or_, select, union
from sqlalchemy.orm import aliased

from porina.accounts.models import Follow
from porina.lists.models import List, ListAccount
from porina.posts.models import Status
from porina.posts.queries import RA, VIEWER, A, R, S
from porina.posts.visibility import visible_clause
from porina.storage.db import Database
from porina.storage.fastread import Prebuilt
from porina.timelines import bounds
from porina.timelines import page as pages
from porina.timelines.home import Window
from porina.timelines.public import ABOVE, BELOW, FETCH
from porina.timelines.queries import not_muted

LIST = bindparam("porina_list", type_=BigInteger)
L = aliased(List, name="l")


def _members() -> Any:
    return select(ListAccount.account_id).where(ListAccount.list_id == LIST)


def _replies() -> ColumnElement[bool]:
    """Which replies the list shows: "none" only self-replies, "followed" also replies to
    accounts the owner follows (and to the owner), "list" also replies to members."""
    followed = select(Follow.target_account_id).where(Follow.account_id == VIEWER)
    own = or_(S.in_reply_to_id.is_(None), S.in_reply_to_account_id == S.account_id)
    to_followed = or_(S.in_reply_to_account_id.in_(followed), S.in_reply_to_account_id == VIEWER)
    return or_(
        own,
        and_(L.replies_policy == "followed", to_followed),
        and_(
            L.replies_policy.not_in(["none", "followed"]),
            S.in_reply_to_account_id.in_(_members()),
        ),
    )


def _edge(*, ascending: bool) -> Any:
    """The ``2 * FETCH``-th of the members' statuses in the window from the page's start,
    read from the ``(account_id, id)`` index alone (no row, no check). Unless more than
    ``FETCH`` of those are hidden, the page is among them. NULL when the window holds fewer."""
    edge = aliased(Status, name="edge")
    return (
        select(edge.id)
        .where(edge.account_id.in_(_members()), edge.id < BELOW, edge.id > ABOVE)
        .order_by(edge.id.asc() if ascending else edge.id.desc())
        .limit(1)
        .offset(FETCH * 2 - 1)
        .scalar_subquery()
    )


def _chosen(*, ascending: bool, bounded: bool) -> Any:
    """The members' statuses the owner may see, as the list shows them, up to ``FETCH`` from
    the page's start; ``bounded``: only those up to the edge."""
    below: Any = BELOW
    above: Any = ABOVE
    if bounded:  # the edge in place of the window's own bound: one range of the index
        edge = _edge(ascending=ascending)
        if ascending:
            below = func.coalesce(edge + 1, BELOW)
        else:
            above = func.coalesce(edge - 1, ABOVE)
    return (
        select(S.id.label("status_id"))
        .join(L, and_(L.id == LIST, L.account_id == VIEWER))
        .join(A, A.id == S.account_id)
        .outerjoin(R, R.id == S.reblog_of_id)
        .outerjoin(RA, RA.id == R.account_id)
        .where(
            S.account_id.in_(_members()),
            visible_clause(S, VIEWER, author=A),
            or_(S.reblog_of_id.is_(None), visible_clause(R, VIEWER, author=RA)),
            not_muted(VIEWER, pages.MOMENT),
            _replies(),
            S.id < below,
            S.id > above,
        )
        .order_by(S.id.asc() if ascending else S.id.desc())
        .limit(FETCH)
    )


@functools.cache
def statement(*, ascending: bool) -> Prebuilt:
    """The page in one statement. Its statuses are among the members' newest
    ``2 * FETCH`` in the window unless more than ``FETCH`` of those are hidden (a mute, a
    block, a reply the list leaves out), so those are checked first (``bounded``: a few rows,
    where reading every member's statuses to sort them took 20 ms for a list of 33 accounts
    with 5,605 statuses); only when fewer than ``FETCH`` of them pass (or the window holds
    fewer) are the members' statuses read without the edge (``rest``, skipped otherwise:
    PostgreSQL's one-time filter, and SQLite's constant condition evaluated once)."""
    bounded = _chosen(ascending=ascending, bounded=True).cte("bounded")
    short = select(func.count()).select_from(bounded).scalar_subquery() < FETCH
    rest = _chosen(ascending=ascending, bounded=False).where(short).subquery("rest")
    both = union(select(bounded.c.status_id), select(rest.c.status_id)).subquery("both")
    candidates = (
        select(both.c.status_id)
        .order_by(both.c.status_id.asc() if ascending else both.c.status_id.desc())
        .limit(FETCH)
        .subquery("candidates")
    )
    return pages.from_candidates(candidates, ascending=ascending)


OWNED = Prebuilt(select(List.id).where(List.id == LIST, List.account_id == VIEWER))


async def rows(db: Database, viewer_id: int, list_id: int, window: Window) -> list[pages.PageRow]:
    """Up to ``window.limit`` rows, newest first (none when the list is not the viewer's)."""
    params: dict[str, Any] = {**bounds.params(viewer_id, window), "porina_list": list_id}
    found = pages.rows(await db.fast.fetch(statement(ascending=window.upwards), params))
    return bounds.newest_first([row for row in found if row.visible], window)


async def owned(db: Database, viewer_id: int, list_id: int) -> bool:
    params = {"porina_viewer": viewer_id, "porina_list": list_id}
    return bool(await db.fast.fetch(OWNED, params))
