"""Filters (v2): keyword and status filters a person applies to what they read.

Writers (``create``, ``update``...) validate and write; ``load_active`` reads a viewer's active
filters in one query (``interactions.viewer.viewer_state`` calls it only when the viewer has any);
``matches`` tells which filters a status trips; ``apply_filters`` drops rendered statuses that
a ``hide`` filter covers in a context.

The work is bounded whatever a person or a post holds:

- **Caps** (``interactions.filter_caps``): a person has at most 100 filters, a filter at most
  200 keywords of at most 255 characters, and all of a person's keywords together at most
  20,000 characters (422 naming the limit).
- **One automaton per person's set of filters** (``interactions.matching``): every keyword
  of every active filter in one pattern, compiled once per process for each set (the cache is
  keyed by the keywords themselves, so an edit never meets a stale pattern; in the CPU pool
  when the set is large). A text is scanned once for all filters, at a cost of one step per
  position where a keyword starts, never keywords times characters.
- **Bounded text.** A status is matched on at most ``MATCH_CHARS`` characters (its content
  warning, text and media descriptions, in that order): a remote post of megabytes costs the
  same as one of 10,000 characters.
- **Off the event loop.** ``prepare`` matches a page's statuses in one go before it is
  rendered, in the CPU pool when the filters or the texts are large (``PAGE_ON_LOOP``);
  ``matches`` then finds the results made.
Figures: docs/decisions.md, "CPU work off the event loop".
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol, TypeVar

from sqlalchemy import Text, cast, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from porina.core import cpu
from porina.core.clock import now
from porina.core.errors import NotFound, Unprocessable
from porina.core.ids import new_id
from porina.interactions import matching
from porina.interactions.filter_caps import (
    MAX_KEYWORD_CHARS,
    check_adding,
    check_filter_count,
    check_keywords,
)
from porina.interactions.matching import Automaton, edges
from porina.interactions.models import Filter, FilterKeyword, FilterStatus
from porina.posts.models import Status
from porina.storage.db import Tx

CONTEXTS = ("home", "notifications", "public", "thread", "account")
ACTIONS = ("warn", "hide", "blur")
_TAGS = re.compile(r"<[^>]+>")

Keywords = matching.Keywords
"""A filter's keywords as (keyword, whole_word) pairs, in order: the key of its matcher."""
MATCH_CHARS = 5_000
"""The most of one status a filter reads (content warning, text, media descriptions)."""
COMPILE_IN_POOL = 200
"""Keyword sets at least this large compile in the CPU pool (~6 ms at 200 keywords, above the
loop's 5 ms thread switch interval; smaller ones compile faster than a thread hop)."""
PAGE_ON_LOOP = 20_000
"""A page whose statuses hold more characters than this, or whose filters hold
``COMPILE_IN_POOL`` keywords or more, is matched in the CPU pool."""


@dataclass(frozen=True, eq=False, slots=True)
class KeywordMatcher:
    """One filter's keywords, matched on their own (the automaton of one owner)."""

    keywords: Keywords
    automaton: Automaton

    @classmethod
    def build(cls, keywords: Keywords) -> KeywordMatcher:
        return cls(keywords, Automaton.build([keywords]))

    def matched(self, text: str) -> list[str]:
        """The keywords ``text`` contains, as Mastodon lists them (each by its own rule)."""
        return [self.keywords[i][0] for i in self.automaton.matched(text).get(0, [])]


@functools.lru_cache(maxsize=64)
def matcher_for(keywords: Keywords) -> KeywordMatcher:
    """The compiled matcher of one keyword set, kept per process (least recently used go)."""
    return KeywordMatcher.build(keywords)


@functools.lru_cache(maxsize=64)
def automaton_for(owners: tuple[Keywords, ...]) -> Automaton:
    """The compiled automaton of a set of filters' keywords, kept per process."""
    return Automaton.build(owners)


async def warm(keyword_sets: Iterable[Keywords]) -> None:
    """Compile the large keyword sets not yet cached in the CPU pool."""
    for keywords in keyword_sets:
        if len(keywords) >= COMPILE_IN_POOL:
            await cpu.run(matcher_for, keywords)


async def compiled(owners: tuple[Keywords, ...]) -> Automaton:
    """``automaton_for(owners)``, compiled in the CPU pool when the set is large."""
    if sum(len(keywords) for keywords in owners) >= COMPILE_IN_POOL:
        return await cpu.run(automaton_for, owners)
    return automaton_for(owners)


@dataclass(frozen=True, slots=True)
class ActiveFilter:
    """A filter with its keywords and statuses, ready to match with the others of its set."""

    row: Filter
    keywords: tuple[FilterKeyword, ...]
    statuses: tuple[FilterStatus, ...]
    shared: FilterSet = field(repr=False, compare=False)


@functools.lru_cache(maxsize=128)
def _key(keywords: tuple[FilterKeyword, ...]) -> Keywords:
    """The matcher's key of loaded keyword rows (cached with the rows, ``_keyword_rows``)."""
    return tuple((k.keyword, k.whole_word) for k in keywords)


@dataclass(frozen=True, slots=True)
class Match:
    active: ActiveFilter
    keyword_matches: list[str] | None
    status_matches: list[str] | None


@dataclass(eq=False, slots=True)
class FilterSet:
    """The filters of one load (one request), their automaton, and the results found so far
    by status id (a status's text does not change within a request)."""

    automaton: Automaton
    filters: list[ActiveFilter] = field(default_factory=list)
    results: dict[int, list[Match]] = field(default_factory=dict)

    @classmethod
    def of(cls, automaton: Automaton, loaded: Sequence[LoadedFilter]) -> list[ActiveFilter]:
        shared = cls(automaton)
        shared.filters = [ActiveFilter(*parts, shared=shared) for parts in loaded]
        return shared.filters

    def match(self, status: Status) -> list[Match]:
        found = self.results.get(status.id)
        if found is None:
            found = self.results[status.id] = self._match(status)
        return found

    def match_all(self, statuses: Iterable[Status]) -> None:
        for status in statuses:
            self.match(status)

    def _match(self, status: Status) -> list[Match]:
        by_filter = self.automaton.matched(searchable_text(status))
        out: list[Match] = []
        for owner, active in enumerate(self.filters):
            positions = by_filter.get(owner, ())
            words = [active.keywords[i].keyword for i in positions]
            pinned = [str(fs.id) for fs in active.statuses if fs.status_id == status.id]
            if words or pinned:
                out.append(Match(active, words or None, pinned or None))
        return out


LoadedFilter = tuple[Filter, tuple[FilterKeyword, ...], tuple[FilterStatus, ...]]


@functools.lru_cache(maxsize=4096)
def keyword_pattern(keyword: str, whole_word: bool) -> re.Pattern[str]:
    """Mastodon's rule: whole-word keywords need word boundaries where the keyword has word
    characters at its edges (the reference the automaton is tested against)."""
    start, end = edges(keyword, whole_word)
    body = re.escape(keyword)
    return re.compile((r"\b" if start else "") + body + (r"\b" if end else ""), re.IGNORECASE)


def searchable_text(status: Status) -> str:
    """What filters read of a status, at most ``MATCH_CHARS`` characters: its content warning,
    its text without tags, its media descriptions."""
    content = (status.content or "")[: 20 * MATCH_CHARS]  # tags go: read more, then cut
    if content.rfind("<") > content.rfind(">"):  # cut inside a tag: not text
        content = content[: content.rfind("<")]
    parts = [status.spoiler_text or "", html.unescape(_TAGS.sub(" ", content))]
    parts.extend(str(m.get("description") or "") for m in status.media or [])
    return "\n".join(part[:MATCH_CHARS] for part in parts)[:MATCH_CHARS]


def _set_of(filters: Sequence[ActiveFilter]) -> FilterSet:
    """The set ``filters`` were loaded as, or (for a part of one, or parts of several) a set
    of their own."""
    shared = filters[0].shared
    if len(filters) == len(shared.filters) and all(a.shared is shared for a in filters):
        return shared
    owners = tuple(_key(a.keywords) for a in filters)
    return FilterSet(automaton_for(owners), list(filters))


def matches(filters: Sequence[ActiveFilter], status: Status) -> list[Match]:
    """Which of ``filters`` ``status`` (the shown one, not a reblog wrapper) trips."""
    return _set_of(filters).match(status) if filters else []


async def prepare(filters: Sequence[ActiveFilter], statuses: Iterable[Status]) -> None:
    """Match ``statuses`` against ``filters`` now, in the CPU pool when the filters or the
    texts are large, so that ``matches`` during rendering finds the results made."""
    if not filters:
        return
    shared = _set_of(filters)
    todo = list({s.id: s for s in statuses if s.id not in shared.results}.values())
    chars = sum(len(s.content or "") + len(s.spoiler_text or "") for s in todo)
    if shared.automaton.size >= COMPILE_IN_POOL or chars > PAGE_ON_LOOP:
        await cpu.run(shared.match_all, todo)
    else:
        shared.match_all(todo)


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
    """Filters matching ``condition`` with their keywords and statuses, in one query: one row
    per filter, its keywords and statuses as JSON arrays the database aggregates (a filter of
    5,000 keywords read as 5,000 ORM rows cost ~0.4-0.8 s of the event loop; as one array and
    a cached decoding, a few milliseconds), compiled together (in the CPU pool when large)."""
    keywords_json, statuses_json = _children_json(session.get_bind().dialect.name)
    rows = (
        await session.execute(
            select(Filter, keywords_json, statuses_json).where(condition).order_by(Filter.id)
        )
    ).all()
    loaded = [
        (head, _keyword_rows(head.id, words or "[]"), _status_rows(head.id, pinned or "[]"))
        for head, words, pinned in rows
    ]
    owners = tuple(_key(keywords) for _, keywords, _ in loaded)
    return FilterSet.of(await compiled(owners), loaded)


@functools.cache
def _children_json(dialect: str) -> tuple[Any, Any]:
    """Correlated subqueries: a filter's keywords as ``[[id, keyword, whole_word], ...]`` and
    its statuses as ``[[id, status_id], ...]`` (in no particular order)."""
    k, fs = aliased(FilterKeyword), aliased(FilterStatus)
    if dialect == "postgresql":
        words = func.json_agg(func.json_build_array(k.id, k.keyword, k.whole_word))
        pinned = func.json_agg(func.json_build_array(fs.id, fs.status_id))
    else:
        words = func.json_group_array(func.json_array(k.id, k.keyword, k.whole_word))
        pinned = func.json_group_array(func.json_array(fs.id, fs.status_id))
    return (
        select(cast(words, Text)).where(k.filter_id == Filter.id).scalar_subquery(),
        select(cast(pinned, Text)).where(fs.filter_id == Filter.id).scalar_subquery(),
    )


@functools.lru_cache(maxsize=128)
def _keyword_rows(filter_id: int, text: str) -> tuple[FilterKeyword, ...]:
    """A filter's keywords from their JSON, in id order; kept per process for each distinct
    JSON (the rows are read-only: nothing attaches them to a session)."""
    items = sorted(json.loads(text), key=lambda item: int(item[0]))
    return tuple(
        FilterKeyword(id=int(i), filter_id=filter_id, keyword=str(kw), whole_word=bool(whole))
        for i, kw, whole in items
    )


@functools.lru_cache(maxsize=128)
def _status_rows(filter_id: int, text: str) -> tuple[FilterStatus, ...]:
    items = sorted(json.loads(text), key=lambda item: int(item[0]))
    return tuple(
        FilterStatus(id=int(i), filter_id=filter_id, status_id=int(sid)) for i, sid in items
    )


async def load_active(session: AsyncSession, filter_ids: Iterable[int]) -> list[ActiveFilter]:
    """The given filters with keywords and statuses, in one query."""
    ids = sorted(set(filter_ids))
    return await _load(session, Filter.id.in_(ids)) if ids else []


async def load_active_of(session: AsyncSession, account_id: int) -> list[ActiveFilter]:
    """A person's filters in force now, with keywords and statuses, in one query."""
    return await _load(session, active_clause(account_id))


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
    if len(cleaned) > MAX_KEYWORD_CHARS:
        raise Unprocessable(
            f"Validation failed: Keyword is too long (maximum is {MAX_KEYWORD_CHARS})"
        )
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
    await check_filter_count(tx, account_id)
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
    await _change_keywords(tx, account_id, row.id, keywords)
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
    await _change_keywords(tx, account_id, filter_id, keywords)
    await tx.session.flush()


async def _change_keywords(
    tx: Tx, account_id: int, filter_id: int, changes: Sequence[KeywordChange]
) -> None:
    if not changes:
        return
    check_adding(sum(1 for change in changes if change.id is None and not change.destroy))
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
    await check_keywords(tx, account_id, filter_id)


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
    await check_keywords(tx, account_id, filter_id)
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
    await check_keywords(tx, account_id, row.filter_id)
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
