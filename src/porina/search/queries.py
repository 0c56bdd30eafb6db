"""Search: accounts and hashtags by prefix, statuses by full text.

Status text is matched by SQLite's FTS5 table ``statuses_fts`` or PostgreSQL's GIN index on
``to_tsvector('simple', ...)`` (migration 0003). Callers combine ``status_match`` with
``posts.queries.bundle_select(viewer)``, so a search never returns a status its reader may not
see.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    case,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.functions import FunctionElement

from porina.accounts.models import Account, Follow
from porina.accounts.queries import heard_in_public, known_to
from porina.posts.models import Tag
from porina.posts.queries import S
from porina.posts.visibility import blocked_either_way

_WORD = re.compile(r"\w+", re.UNICODE)
_PG_VECTOR = "to_tsvector('simple', coalesce(s.spoiler_text, '') || ' ' || coalesce(s.text, ''))"


def words(query: str) -> list[str]:
    return _WORD.findall(query.lower())[:16]


def status_match(query: str, *, sqlite: bool) -> ColumnElement[bool] | None:
    """SQL on ``S``: the status text holds every word of ``query`` (None: no words)."""
    term = match_term(query, sqlite=sqlite)
    if term is None:
        return None
    return matching(bindparam("fts", term, type_=String), sqlite=sqlite)


def match_term(query: str, *, sqlite: bool) -> str | None:
    """What ``matching`` is given for ``query``: FTS5's phrase list or the words for
    ``plainto_tsquery`` (None: no words)."""
    found = words(query)
    if not found:
        return None
    return " ".join(f'"{w}"' for w in found) if sqlite else " ".join(found)


def matching(term: Any, *, sqlite: bool) -> ColumnElement[bool]:
    """SQL on ``S``: the status text matches ``term`` (``match_term``'s text, or a bound
    parameter for prebuilt statements)."""
    if sqlite:
        hits: Select[Any] = select(literal_column("rowid")).select_from(table("statuses_fts"))
        return S.id.in_(hits.where(literal_column("statuses_fts").op("MATCH")(term)))
    return literal_column(_PG_VECTOR).op("@@")(func.plainto_tsquery("simple", term))


FTS = table("statuses_fts", column("rowid", BigInteger))


def newest_first(
    term: Any, *, sqlite: bool
) -> tuple[Any, ColumnElement[int] | InstrumentedAttribute[int], list[Any]]:
    """Where a search's statuses come from, newest first: (the FROM clause, joined to ``S``;
    the id column to bound and order by; the conditions on it), for ``term`` as ``matching``
    takes it. On SQLite the FTS5 table drives the join (its rows are ``S``'s ids), ordered by
    its rowid: FTS5 reads the term's postings newest first and a ``LIMIT`` stops the walk at
    the page, where ``S.id IN (matches)`` let the planner scan every status through an index
    on ``reblog_of_id`` and sort the matches (all 50,000 of the bench's world, each request).
    On PostgreSQL ``S`` alone, with ``matching``'s condition (the GIN index)."""
    if not sqlite:
        return S, S.id, [matching(term, sqlite=False)]
    source = FTS.join(S, S.id == FTS.c.rowid)
    return source, FTS.c.rowid, [literal_column("statuses_fts").op("MATCH")(term)]


def _like_prefix(value: str) -> str:
    escaped = value.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return escaped + "%"


class InCodeOrder(FunctionElement[str]):
    """Its text argument compared in code point order: PostgreSQL's "C" collation, as
    migration 0059's indexes hold ``lower(username)`` and ``lower(display_name)``; SQLite's
    default (BINARY) already is."""

    type = String()
    inherit_cache = True


@compiles(InCodeOrder)
def _in_code_order(element: InCodeOrder, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(InCodeOrder, "postgresql")
def _in_code_order_pg(element: InCodeOrder, compiler: Any, **kw: Any) -> str:
    return f'({compiler.process(element.clauses, **kw)} COLLATE "C")'


def after_prefix(prefix: str) -> str:
    """The least string after every string starting with ``prefix``, in code point order."""
    kept = prefix.rstrip("\U0010ffff")
    if not kept:
        return "\U0010ffff" * 2048  # past any name an account holds
    return kept[:-1] + chr(ord(kept[-1]) + 1)


def _starts_with(text: Any, name: Any, after: Any, prefix: Any) -> ColumnElement[bool]:
    """``lower(text)`` starts with ``name``: the index's range from ``name`` to ``after``
    (``after_prefix``), and the exact ``LIKE`` of ``prefix`` on what it holds."""
    lowered = func.lower(text)
    ordered = InCodeOrder(lowered)
    return and_(ordered >= name, ordered < after, lowered.like(prefix, escape="!"))


@dataclass(frozen=True, slots=True)
class AccountAsk:
    """What an account search asks: ``kind`` is "any" (username or display name), "local"
    (a full handle on this server) or "remote" (a handle with another domain)."""

    kind: str
    name: str
    prefix: str
    domain_prefix: str
    after: str = ""
    """``after_prefix(name)``: the end of the names' range."""


def account_ask(query: str, local: Collection[str] = ()) -> AccountAsk | None:
    """``query`` as an account search (None: it names nobody). A domain in ``local``
    (``accounts.queries.local_domains``) names this server."""
    raw = query.strip().lstrip("@")
    name, _, domain = raw.partition("@")
    if not name:
        return None
    kind = "any"
    if domain and domain.lower() in local:
        kind = "local"
    elif domain:
        kind = "remote"
    lowered = name.lower()
    return AccountAsk(
        kind, lowered, _like_prefix(lowered), _like_prefix(domain.lower()), after_prefix(lowered)
    )


def accounts_select(
    kind: str,
    *,
    viewer: Any,
    following: bool,
    name: Any,
    prefix: Any,
    domain_prefix: Any,
    after: Any,
) -> Select[Any]:
    """Accounts for an ``AccountAsk`` of ``kind``, best first; ``viewer`` (None: anonymous),
    ``name``, ``prefix``, ``domain_prefix`` and ``after`` are values or bound parameters.
    The names are ranges of indexes (migration 0059), not a scan of every account."""
    by_name = _starts_with(Account.username, name, after, prefix)
    by_display = _starts_with(Account.display_name, name, after, prefix)
    matches: ColumnElement[bool] = or_(by_name, by_display)
    if kind == "local":
        matches = and_(by_name, Account.domain.is_(None))
    elif kind == "remote":
        matches = and_(by_name, func.lower(Account.domain).like(domain_prefix, escape="!"))
    exact = case((func.lower(Account.username) == name, 0), else_=1)
    # a silenced account shows only to its followers, or to an exact search for its name
    shown = or_(func.lower(Account.username) == name, heard_in_public(viewer, Account.id))
    select_ = select(Account).where(
        matches, Account.suspended_at.is_(None), shown, known_to(viewer)
    )
    if viewer is not None:
        select_ = select_.where(~blocked_either_way(viewer, Account.id))
        if following:
            select_ = select_.where(
                exists().where(Follow.account_id == viewer, Follow.target_account_id == Account.id)
            )
    return select_.order_by(
        exact, Account.domain.is_not(None), Account.followers_count.desc(), Account.id
    )


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
    ask = account_ask(query, local)
    if ask is None:
        return []
    ordered = accounts_select(
        ask.kind,
        viewer=viewer_id,
        following=following,
        name=ask.name,
        prefix=ask.prefix,
        domain_prefix=ask.domain_prefix,
        after=ask.after,
    )
    return list(await session.scalars(ordered.offset(offset).limit(limit)))


def hashtag_name(query: str) -> str | None:
    """The tag name ``query`` asks for (None: not a tag name)."""
    name = query.strip().lstrip("#").lower()
    if not name or not re.fullmatch(r"\w+", name):
        return None
    return name


def hashtags_select(*, name: Any, prefix: Any, after: Any, reviewed_only: bool) -> Select[Any]:
    """Usable tags starting with ``name`` (its ``_like_prefix`` is ``prefix``, its
    ``after_prefix`` is ``after``), best first; values or bound parameters. A tag's name is
    stored lowercased (``interactions/tags.py``), so the names' index gives the range
    (migration 0061)."""
    ordered = InCodeOrder(Tag.name)
    select_ = select(Tag).where(
        ordered >= name, ordered < after, Tag.name.like(prefix, escape="!"), Tag.usable.is_(True)
    )
    if reviewed_only:
        select_ = select_.where(Tag.trendable.is_(True))
    exact = case((Tag.name == name, 0), else_=1)
    return select_.order_by(exact, func.length(Tag.name), Tag.name)


def like_prefix(value: str) -> str:
    """``value`` as a ``LIKE ... ESCAPE '!'`` prefix pattern."""
    return _like_prefix(value)


async def hashtags(
    session: AsyncSession, query: str, *, limit: int, offset: int = 0, reviewed_only: bool = False
) -> list[Tag]:
    name = hashtag_name(query)
    if name is None:
        return []
    ordered = hashtags_select(
        name=name, prefix=_like_prefix(name), after=after_prefix(name), reviewed_only=reviewed_only
    )
    return list(await session.scalars(ordered.offset(offset).limit(limit)))


def status_filters(account_id: int | None) -> list[Any]:
    conditions: list[Any] = [S.reblog_of_id.is_(None)]
    if account_id is not None:
        conditions.append(S.account_id == account_id)
    return conditions
