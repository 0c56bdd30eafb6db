"""The public timeline's page rows (``local``, ``remote``, ``only_media``) in one prebuilt
statement: the candidates (public, not reblogs, not replies to others, visible to the viewer,
authors neither muted nor blocked) chosen and limited in SQL, joined with their page rows
(``page.py``) for the status cache. Anonymous readers pass no viewer (every mark false)."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import BigInteger, Integer, bindparam, exists, or_, select

from porina.core.clock import now
from porina.posts.models import MediaAttachment
from porina.posts.queries import VIEWER, A, S
from porina.posts.visibility import visible_clause
from porina.storage.db import Database
from porina.storage.fastread import Prebuilt
from porina.timelines import page as pages
from porina.timelines.feeds import NO_BOUND
from porina.timelines.home import Window
from porina.timelines.queries import hidden_by

BELOW = bindparam("porina_below", type_=BigInteger)
ABOVE = bindparam("porina_above", type_=BigInteger)
FETCH = bindparam("porina_fetch", type_=Integer)


@functools.cache
def statement(*, origin: str, media: bool, ascending: bool) -> Prebuilt:
    """``origin``: "all", "local" or "remote"."""
    conditions: list[Any] = [
        S.visibility == "public",
        S.reblog_of_id.is_(None),
        or_(S.in_reply_to_id.is_(None), S.in_reply_to_account_id == S.account_id),
        visible_clause(S, VIEWER, author=A),
        or_(S.account_id == VIEWER, S.account_id.not_in(hidden_by(VIEWER, pages.MOMENT))),
        S.id < BELOW,
        S.id > ABOVE,
    ]
    if origin == "local":
        conditions.append(A.domain.is_(None))
    elif origin == "remote":
        conditions.append(A.domain.is_not(None))
    if media:
        conditions.append(exists().where(MediaAttachment.status_id == S.id))
    candidates = (
        select(S.id.label("status_id"))
        .join(A, A.id == S.account_id)
        .where(*conditions)
        .order_by(S.id.asc() if ascending else S.id.desc())
        .limit(FETCH)
        .subquery("candidates")
    )
    return pages.from_candidates(candidates, ascending=ascending)


async def rows(
    db: Database, viewer_id: int | None, window: Window, *, origin: str, media: bool
) -> list[pages.PageRow]:
    """Up to ``window.limit`` rows, newest first."""
    params: dict[str, Any] = {
        "porina_viewer": viewer_id,
        "porina_moment": now(),
        "porina_below": window.max_id if window.max_id is not None else NO_BOUND,
        "porina_above": max(window.min_id or 0, window.since_id or 0),
        "porina_fetch": window.limit,
    }
    found = pages.rows(
        await db.fast.fetch(statement(origin=origin, media=media, ascending=window.upwards), params)
    )
    shown = [row for row in found if row.visible]
    return list(reversed(shown)) if window.upwards else shown
