"""Search: accounts and hashtags by prefix, statuses by full text.

Status text is matched by SQLite's FTS5 table ``statuses_fts`` or PostgreSQL's GIN index on
``to_tsvector('simple', ...)`` (migration 0003). Callers combine ``status_match`` with
``posts.queries.bundle_select(viewer)``, so a search never returns a status its reader may not
see.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal_column, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account, Follow
from porina.posts.models import Tag
from porina.posts.queries import S
from porina.posts.visibility import blocked_either_way

_WORD = re.compile(r"\w+", re.UNICODE)
_PG_VECTOR = "to_tsvector('simple', coalesce(s.spoiler_text, '') || ' ' || coalesce(s.text, ''))"


def words(query: str) -> list[str]:
    return _WORD.findall(query.lower())[:16]


def status_match(query: str, *, sqlite: bool) -> ColumnElement[bool] | None:
    """SQL on ``S``: the status text holds every word of ``query`` (None: no words)."""
    found = words(query)
    if not found:
        return None
    if sqlite:
        expression = " ".join(f'"{w}"' for w in found)
        matching = text("SELECT rowid FROM statuses_fts WHERE statuses_fts MATCH :fts").bindparams(
            fts=expression
        )
        return S.id.in_(matching.columns(literal_column("rowid")))
    return literal_column(_PG_VECTOR).op("@@")(func.plainto_tsquery("simple", " ".join(found)))


def _like_prefix(value: str) -> str:
    escaped = value.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return escaped + "%"


async def accounts(
    session: AsyncSession,
    query: str,
    *,
    viewer_id: int | None,
    limit: int,
    offset: int = 0,
    following: bool = False,
    local: Collection[str] = (),
) -> list[Account]:
    """Accounts whose username (or ``user@domain``) or display name starts with ``query``.
    A domain in ``local`` (``accounts.queries.local_domains``) names this server, so
    ``aino@<this server>`` finds the local account, as a client that knows only the full
    handle asks for it."""
    raw = query.strip().lstrip("@")
    name, _, domain = raw.partition("@")
    if not name:
        return []
    prefix = _like_prefix(name.lower())
    by_name = func.lower(Account.username).like(prefix, escape="!")
    by_display = func.lower(Account.display_name).like(prefix, escape="!")
    matches: ColumnElement[bool] = or_(by_name, by_display)
    if domain and domain.lower() in local:
        matches = and_(by_name, Account.domain.is_(None))
    elif domain:
        matches = and_(
            by_name, func.lower(Account.domain).like(_like_prefix(domain.lower()), escape="!")
        )
    select_ = select(Account).where(matches, Account.suspended_at.is_(None))
    if viewer_id is not None:
        select_ = select_.where(~blocked_either_way(viewer_id, Account.id))
        if following:
            select_ = select_.where(
                exists().where(
                    Follow.account_id == viewer_id, Follow.target_account_id == Account.id
                )
            )
    exact = case((func.lower(Account.username) == name.lower(), 0), else_=1)
    ordered = select_.order_by(
        exact, Account.domain.is_not(None), Account.followers_count.desc(), Account.id
    )
    return list(await session.scalars(ordered.offset(offset).limit(limit)))


async def hashtags(
    session: AsyncSession, query: str, *, limit: int, offset: int = 0, reviewed_only: bool = False
) -> list[Tag]:
    name = query.strip().lstrip("#").lower()
    if not name or not re.fullmatch(r"\w+", name):
        return []
    select_ = select(Tag).where(
        func.lower(Tag.name).like(_like_prefix(name), escape="!"), Tag.usable.is_(True)
    )
    if reviewed_only:
        select_ = select_.where(Tag.trendable.is_(True))
    exact = case((func.lower(Tag.name) == name, 0), else_=1)
    ordered = select_.order_by(exact, func.length(Tag.name), Tag.name)
    return list(await session.scalars(ordered.offset(offset).limit(limit)))


def status_filters(account_id: int | None) -> list[Any]:
    conditions: list[Any] = [S.reblog_of_id.is_(None)]
    if account_id is not None:
        conditions.append(S.account_id == account_id)
    return conditions
