"""Filters (v2): keyword and status filters a person applies to what they read.

Writers (``create``, ``update``...) validate and write; ``load_active`` reads a viewer's active
filters in one query (``interactions.viewer.viewer_state`` calls it only when the viewer has any);
``matches`` tells which filters a status trips; ``apply_filters`` drops rendered statuses that
a ``hide`` filter covers in a context.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol, TypeVar

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.clock import now
from porina.core.errors import NotFound, Unprocessable
from porina.core.ids import new_id
from porina.interactions.models import Filter, FilterKeyword, FilterStatus
from porina.posts.models import Status
from porina.storage.db import Tx

CONTEXTS = ("home", "notifications", "public", "thread", "account")
ACTIONS = ("warn", "hide", "blur")
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class ActiveFilter:
    """A filter with its keywords and statuses, ready to match."""

    row: Filter
    keywords: tuple[FilterKeyword, ...]
    statuses: tuple[FilterStatus, ...]
    patterns: tuple[tuple[str, re.Pattern[str]], ...] = field(default=())

    @classmethod
    def build(
        cls, row: Filter, keywords: Sequence[FilterKeyword], statuses: Sequence[FilterStatus]
    ) -> ActiveFilter:
        return cls(
            row,
            tuple(keywords),
            tuple(statuses),
            tuple((k.keyword, keyword_pattern(k.keyword, k.whole_word)) for k in keywords),
        )


@dataclass(frozen=True, slots=True)
class Match:
    active: ActiveFilter
    keyword_matches: list[str] | None
    status_matches: list[str] | None


def keyword_pattern(keyword: str, whole_word: bool) -> re.Pattern[str]:
    """Mastodon's rule: whole-word keywords need word boundaries where the keyword has word
    characters at its edges."""
    body = re.escape(keyword)
    if whole_word:
        start = r"\b" if re.match(r"\w", keyword) else ""
        end = r"\b" if re.search(r"\w$", keyword) else ""
        body = f"{start}{body}{end}"
    return re.compile(body, re.IGNORECASE)


def searchable_text(status: Status) -> str:
    parts = [html.unescape(_TAGS.sub(" ", status.content or "")), status.spoiler_text or ""]
    parts.extend(str(m.get("description") or "") for m in status.media or [])
    return "\n".join(parts)


def matches(filters: Sequence[ActiveFilter], status: Status) -> list[Match]:
    """Which of ``filters`` ``status`` (the shown one, not a reblog wrapper) trips."""
    if not filters:
        return []
    text = searchable_text(status)
    out: list[Match] = []
    for active in filters:
        words = [kw for kw, pattern in active.patterns if pattern.search(text)]
        by_status = [str(fs.id) for fs in active.statuses if fs.status_id == status.id]
        if words or by_status:
            out.append(Match(active, words or None, by_status or None))
    return out


class _FilterLike(Protocol):
    filter_action: str
    context: list[str]


class _ResultLike(Protocol):
    @property
    def filter(self) -> _FilterLike: ...


T = TypeVar("T")


FilterContext = Literal["home", "notifications", "public", "thread", "account"]


def apply_filters(statuses: Iterable[T], context: FilterContext) -> list[T]:
    """Rendered statuses minus those a ``hide`` filter for ``context`` matched (looks at each
    status's ``filtered`` results, and its reblog's)."""
    kept: list[T] = []
    for status in statuses:
        results: Any = getattr(status, "filtered", None)
        reblog = getattr(status, "reblog", None)
        inner: Any = getattr(reblog, "filtered", None) if reblog is not None else None
        every = [
            *(results if isinstance(results, list) else []),
            *(inner if isinstance(inner, list) else []),
        ]
        if any(r.filter.filter_action == "hide" and context in r.filter.context for r in every):
            continue
        kept.append(status)
    return kept


def active_clause(account_id: int) -> Any:
    return (Filter.account_id == account_id) & or_(
        Filter.expires_at.is_(None), Filter.expires_at > now()
    )


async def _load(session: AsyncSession, condition: Any) -> list[ActiveFilter]:
    """Filters matching ``condition`` with their keywords and statuses, in one query."""
    rows = (
        await session.execute(
            select(Filter, FilterKeyword, FilterStatus)
            .outerjoin(FilterKeyword, FilterKeyword.filter_id == Filter.id)
            .outerjoin(FilterStatus, FilterStatus.filter_id == Filter.id)
            .where(condition)
            .order_by(Filter.id)
        )
    ).all()
    return _assemble(rows)


async def load_active(session: AsyncSession, filter_ids: Iterable[int]) -> list[ActiveFilter]:
    """The given filters with keywords and statuses, in one query."""
    ids = sorted(set(filter_ids))
    return await _load(session, Filter.id.in_(ids)) if ids else []


async def load_active_of(session: AsyncSession, account_id: int) -> list[ActiveFilter]:
    """A person's filters in force now, with keywords and statuses, in one query."""
    return await _load(session, active_clause(account_id))


def _assemble(rows: Sequence[Any]) -> list[ActiveFilter]:
    heads: dict[int, Filter] = {}
    words: dict[int, dict[int, FilterKeyword]] = {}
    pinned: dict[int, dict[int, FilterStatus]] = {}
    for f, kw, fs in rows:
        heads.setdefault(f.id, f)
        words.setdefault(f.id, {})
        pinned.setdefault(f.id, {})
        if kw is not None:
            words[f.id][kw.id] = kw
        if fs is not None:
            pinned[f.id][fs.id] = fs
    return [
        ActiveFilter.build(
            head,
            sorted(words[i].values(), key=lambda k: k.id),
            sorted(pinned[i].values(), key=lambda s: s.id),
        )
        for i, head in heads.items()
    ]


async def filters_of(session: AsyncSession, account_id: int) -> list[ActiveFilter]:
    """All of a person's filters (expired ones too), as the management API lists them."""
    return await _load(session, Filter.account_id == account_id)


async def one(session: AsyncSession, account_id: int, filter_id: int) -> ActiveFilter:
    for active in await filters_of(session, account_id):
        if active.row.id == filter_id:
            return active
    raise NotFound()


# --- writers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeywordChange:
    keyword: str | None = None
    whole_word: bool | None = None
    id: int | None = None
    destroy: bool = False


def _title(title: str | None) -> str:
    cleaned = (title or "").strip()
    if not cleaned:
        raise Unprocessable("Validation failed: Title can't be blank")
    if len(cleaned) > 255:
        raise Unprocessable("Validation failed: Title is too long (maximum is 255)")
    return cleaned


def _context(context: list[str]) -> list[str]:
    if not context:
        raise Unprocessable("Validation failed: Context can't be blank")
    bad = [c for c in context if c not in CONTEXTS]
    if bad:
        raise Unprocessable(f"Validation failed: Context {bad[0]!r} is not valid")
    return list(dict.fromkeys(context))


def _action(action: str) -> str:
    if action not in ACTIONS:
        raise Unprocessable("Validation failed: Filter action is not included in the list")
    return action


def _expiry(expires_in: int | None) -> datetime | None:
    if expires_in is None:
        return None
    if expires_in <= 0:
        raise Unprocessable("Validation failed: expires_in must be positive")
    return now() + timedelta(seconds=min(expires_in, 10 * 365 * 86400))


def _keyword(text: str | None) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise Unprocessable("Validation failed: Keyword can't be blank")
    if len(cleaned) > 255:
        raise Unprocessable("Validation failed: Keyword is too long (maximum is 255)")
    return cleaned


async def create(
    tx: Tx,
    account_id: int,
    *,
    title: str | None,
    context: list[str],
    action: str = "warn",
    expires_in: int | None = None,
    keywords: Sequence[KeywordChange] = (),
) -> int:
    row = Filter(
        id=new_id(),
        account_id=account_id,
        title=_title(title),
        context=_context(context),
        action=_action(action),
        expires_at=_expiry(expires_in),
        created_at=now(),
    )
    tx.session.add(row)
    await tx.session.flush()
    await _change_keywords(tx, row.id, keywords)
    return row.id


async def _owned(tx: Tx, account_id: int, filter_id: int) -> Filter:
    row = await tx.session.get(Filter, filter_id)
    if row is None or row.account_id != account_id:
        raise NotFound()
    return row


async def update(
    tx: Tx,
    account_id: int,
    filter_id: int,
    *,
    title: str | None = None,
    context: list[str] | None = None,
    action: str | None = None,
    expires_in: int | None = None,
    clear_expiry: bool = False,
    keywords: Sequence[KeywordChange] = (),
) -> None:
    row = await _owned(tx, account_id, filter_id)
    if title is not None:
        row.title = _title(title)
    if context is not None:
        row.context = _context(context)
    if action is not None:
        row.action = _action(action)
    if clear_expiry:
        row.expires_at = None
    elif expires_in is not None:
        row.expires_at = _expiry(expires_in)
    await _change_keywords(tx, filter_id, keywords)
    await tx.session.flush()


async def _change_keywords(tx: Tx, filter_id: int, changes: Sequence[KeywordChange]) -> None:
    for change in changes:
        if change.id is None:
            if change.destroy:
                continue
            tx.session.add(
                FilterKeyword(
                    id=new_id(),
                    filter_id=filter_id,
                    keyword=_keyword(change.keyword),
                    whole_word=True if change.whole_word is None else change.whole_word,
                )
            )
            continue
        existing = await tx.session.get(FilterKeyword, change.id)
        if existing is None or existing.filter_id != filter_id:
            raise NotFound()
        if change.destroy:
            await tx.session.delete(existing)
            continue
        if change.keyword is not None:
            existing.keyword = _keyword(change.keyword)
        if change.whole_word is not None:
            existing.whole_word = change.whole_word
    await tx.session.flush()


async def remove(tx: Tx, account_id: int, filter_id: int) -> None:
    row = await _owned(tx, account_id, filter_id)
    await tx.session.execute(delete(FilterKeyword).where(FilterKeyword.filter_id == filter_id))
    await tx.session.execute(delete(FilterStatus).where(FilterStatus.filter_id == filter_id))
    await tx.session.delete(row)


async def add_keyword(
    tx: Tx, account_id: int, filter_id: int, keyword: str | None, whole_word: bool
) -> FilterKeyword:
    await _owned(tx, account_id, filter_id)
    row = FilterKeyword(
        id=new_id(), filter_id=filter_id, keyword=_keyword(keyword), whole_word=whole_word
    )
    tx.session.add(row)
    await tx.session.flush()
    return row


async def owned_keyword(session: AsyncSession, account_id: int, keyword_id: int) -> FilterKeyword:
    row = (
        await session.execute(
            select(FilterKeyword)
            .join(Filter, Filter.id == FilterKeyword.filter_id)
            .where(FilterKeyword.id == keyword_id, Filter.account_id == account_id)
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound()
    return row


async def update_keyword(
    tx: Tx, account_id: int, keyword_id: int, keyword: str | None, whole_word: bool | None
) -> FilterKeyword:
    row = await owned_keyword(tx.session, account_id, keyword_id)
    if keyword is not None:
        row.keyword = _keyword(keyword)
    if whole_word is not None:
        row.whole_word = whole_word
    await tx.session.flush()
    return row


async def remove_keyword(tx: Tx, account_id: int, keyword_id: int) -> None:
    await tx.session.delete(await owned_keyword(tx.session, account_id, keyword_id))


async def add_status(tx: Tx, account_id: int, filter_id: int, status_id: int) -> FilterStatus:
    await _owned(tx, account_id, filter_id)
    if await tx.session.get(Status, status_id) is None:
        raise NotFound()
    row = FilterStatus(id=new_id(), filter_id=filter_id, status_id=status_id)
    tx.session.add(row)
    await tx.session.flush()
    return row


async def owned_status(
    session: AsyncSession, account_id: int, filter_status_id: int
) -> FilterStatus:
    row = (
        await session.execute(
            select(FilterStatus)
            .join(Filter, Filter.id == FilterStatus.filter_id)
            .where(FilterStatus.id == filter_status_id, Filter.account_id == account_id)
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound()
    return row


async def remove_status(tx: Tx, account_id: int, filter_status_id: int) -> None:
    await tx.session.delete(await owned_status(tx.session, account_id, filter_status_id))
