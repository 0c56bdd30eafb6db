"""The public timeline's page rows (``local``, ``remote``, ``only_media``) in one prebuilt
statement: the candidates (public, not reblogs, not replies to others, visible to the viewer,
authors neither muted nor blocked) chosen and limited in SQL, joined with their page rows
(``page.py``) for the status cache. Anonymous readers pass no viewer (every mark false)."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import BigInteger, Integer, bindparam, exists, or_, select

from porina.accounts.queries import heard_in_public
from porina.posts.models import MediaAttachment
from porina.posts.queries import VIEWER, A, S
from porina.posts.visibility import visible_clause
from porina.storage.db import Database
from porina.storage.fastread import Prebuilt
from porina.timelines import bounds
from porina.timelines import page as pages
from porina.timelines.home import Window
from porina.timelines.queries import hidden_by

BELOW = bindparam("porina_below", type_=BigInteger)
ABOVE = bindparam("porina_above", type_=BigInteger)
FETCH = bindparam("porina_fetch", type_=Integer)


def public_conditions(*, origin: str, media: bool) -> list[Any]:
    """What the public and hashtag timelines ask of a candidate ``S`` (joined with its author
    ``A``): public, not a reblog, visible to ``VIEWER``, its author neither muted nor blocked
    by them nor silenced (unless they follow it), within the page's bounds; ``origin`` "all",
    "local" or "remote"; ``media``: with an attachment."""
    conditions: list[Any] = [
        S.visibility == "public",
        S.reblog_of_id.is_(None),
        visible_clause(S, VIEWER, author=A),
        or_(S.account_id == VIEWER, S.account_id.not_in(hidden_by(VIEWER, pages.MOMENT))),
        heard_in_public(VIEWER, S.account_id),
        S.id < BELOW,
        S.id > ABOVE,
    ]
    if origin == "local":  # ``local`` too: the index (visibility, local, id) gives the order
        conditions.extend((A.domain.is_(None), S.local.is_(True)))
    elif origin == "remote":
        conditions.append(A.domain.is_not(None))
    if media:
        conditions.append(exists().where(MediaAttachment.status_id == S.id))
    return conditions


def candidates_page(conditions: list[Any], *, ascending: bool) -> Prebuilt:
    """The page rows of up to ``FETCH`` statuses ``S`` meeting ``conditions``, by id."""
    candidates = (
        select(S.id.label("status_id"))
        .join(A, A.id == S.account_id)
        .where(*conditions)
        .order_by(S.id.asc() if ascending else S.id.desc())
        .limit(FETCH)
        .subquery("candidates")
    )
    return pages.from_candidates(candidates, ascending=ascending)


@functools.cache
def statement(*, origin: str, media: bool, ascending: bool) -> Prebuilt:
    """``origin``: "all", "local" or "remote". Replies to others are left out."""
    conditions = public_conditions(origin=origin, media=media)
    conditions.append(or_(S.in_reply_to_id.is_(None), S.in_reply_to_account_id == S.account_id))
    return candidates_page(conditions, ascending=ascending)


async def rows(
    db: Database, viewer_id: int | None, window: Window, *, origin: str, media: bool
) -> list[pages.PageRow]:
    """Up to ``window.limit`` rows, newest first."""
    prebuilt = statement(origin=origin, media=media, ascending=window.upwards)
    found = pages.rows(await db.fast.fetch(prebuilt, bounds.params(viewer_id, window)))
    return bounds.newest_first([row for row in found if row.visible], window)
