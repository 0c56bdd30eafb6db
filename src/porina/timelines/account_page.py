"""A profile's statuses (``GET /api/v1/accounts/:id/statuses``) in one prebuilt statement:
the account's statuses and boosts the viewer may see (an anonymous reader: public and
unlisted), narrowed by ``pinned``, ``only_media``, ``exclude_replies``, ``exclude_reblogs``
and ``tagged``, chosen and limited in SQL and joined with their page rows (``page.py``).
Mutes do not hide a profile's own statuses (Mastodon shows a muted account's profile), so
the rows leave them out of ``visible``. ``exists`` tells an empty page from an unknown
account (a second statement, only then)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, bindparam, exists, or_, select

from porina.accounts.models import Account
from porina.posts.models import MediaAttachment, StatusPin
from porina.posts.queries import RA, VIEWER, A, R, S
from porina.posts.visibility import visible_clause
from porina.storage.db import Database
from porina.storage.fastread import Prebuilt
from porina.timelines import bounds
from porina.timelines import page as pages
from porina.timelines.home import Window
from porina.timelines.public import ABOVE, BELOW, FETCH
from porina.timelines.tag import names, tagged

ACCOUNT = bindparam("porina_account", type_=BigInteger)


@dataclass(frozen=True, slots=True)
class Narrowing:
    """What the request leaves out (Mastodon's parameters of the same names)."""

    pinned: bool = False
    only_media: bool = False
    exclude_replies: bool = False
    exclude_reblogs: bool = False
    tagged: str | None = None
    """A tag name as given (``#`` and case do not matter); None or "": no tag filter."""


@functools.cache
def statement(
    *,
    pinned: bool,
    media: bool,
    no_replies: bool,
    no_reblogs: bool,
    tag: bool,
    ascending: bool,
) -> Prebuilt:
    conditions: list[Any] = [
        S.account_id == ACCOUNT,
        visible_clause(S, VIEWER, author=A),
        or_(S.reblog_of_id.is_(None), visible_clause(R, VIEWER, author=RA)),
        S.id < BELOW,
        S.id > ABOVE,
    ]
    if pinned:
        pin = exists().where(StatusPin.account_id == ACCOUNT, StatusPin.status_id == S.id)
        conditions.append(pin)
    if media:
        conditions.append(exists().where(MediaAttachment.status_id == S.id))
    if no_replies:
        own = or_(S.in_reply_to_id.is_(None), S.in_reply_to_account_id == S.account_id)
        conditions.append(own)
    if no_reblogs:
        conditions.append(S.reblog_of_id.is_(None))
    if tag:
        conditions.append(tagged("tagged", 1))
    candidates = (
        select(S.id.label("status_id"))
        .join(A, A.id == S.account_id)
        .outerjoin(R, R.id == S.reblog_of_id)
        .outerjoin(RA, RA.id == R.account_id)
        .where(*conditions)
        .order_by(S.id.asc() if ascending else S.id.desc())
        .limit(FETCH)
        .subquery("candidates")
    )
    return pages.from_candidates(candidates, ascending=ascending, mutes=False)


EXISTS = Prebuilt(select(Account.id).where(Account.id == ACCOUNT))


async def rows(
    db: Database, viewer_id: int | None, account_id: int, window: Window, narrowing: Narrowing
) -> list[pages.PageRow]:
    """Up to ``window.limit`` rows, newest first."""
    tag = names([narrowing.tagged]) if narrowing.tagged else ()
    if narrowing.tagged and not tag:  # a tag name of only "#": nothing carries it
        return []
    prebuilt = statement(
        pinned=narrowing.pinned,
        media=narrowing.only_media,
        no_replies=narrowing.exclude_replies,
        no_reblogs=narrowing.exclude_reblogs,
        tag=bool(tag),
        ascending=window.upwards,
    )
    params = {**bounds.params(viewer_id, window), "porina_account": account_id}
    if tag:
        params["porina_tagged_0"] = tag[0]
    found = pages.rows(await db.fast.fetch(prebuilt, params))
    return bounds.newest_first([row for row in found if row.visible], window)


async def exists_(db: Database, account_id: int) -> bool:
    return bool(await db.fast.fetch(EXISTS, {"porina_account": account_id}))
