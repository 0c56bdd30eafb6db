"""``GET /api/v2/search`` on the home timeline's paths: prebuilt statements, page rows and
the status cache, the answers ``search.queries`` and the ORM gave.

Statuses: one prebuilt statement per database chooses the candidates by full text
(``search.queries``: FTS5 on SQLite, the GIN index on PostgreSQL) with the visibility rule,
mutes and blocks, the asked bounds, offset and limit, and joins them with their page rows
(``timelines/page.py``); the answers are the status cache's encodings
(``render/pages.personal_parts``). A warm search for statuses is that one statement, and it
finds what the ORM's ``bundle_select`` did.
Accounts: one statement of ids and versions, renderings from the status cache. Hashtags: the
tags with the viewer's following and featuring in one statement, the histories of all of them
in one more.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Integer, String, bindparam, exists, func, or_, select

from porina.accounts.models import Account
from porina.accounts.queries import heard_in_public, local_domains
from porina.api.mastodon.auth import ApiRuntime
from porina.core.clock import now
from porina.interactions.models import FollowedTag
from porina.interactions.queries import DAY_MS, first_day, history_of
from porina.notifications.queries import accounts_by_id
from porina.posts.featured_models import FeaturedTag
from porina.posts.models import Status, StatusTag, Tag
from porina.posts.queries import VIEWER, A, S
from porina.posts.visibility import visible_clause
from porina.render import entities as e
from porina.render.pages import personal_parts
from porina.search import queries as search
from porina.storage.fastread import Prebuilt
from porina.timelines import page as pages
from porina.timelines.feeds import NO_BOUND
from porina.timelines.queries import hidden_by

TERM = bindparam("porina_term", type_=String)
AUTHOR = bindparam("porina_author", type_=BigInteger)
BELOW = bindparam("porina_below", type_=BigInteger)
ABOVE = bindparam("porina_above", type_=BigInteger)
SKIP = bindparam("porina_skip", type_=Integer)
FETCH = bindparam("porina_fetch", type_=Integer)


@dataclass(frozen=True, slots=True)
class StatusQuery:
    """A statuses search as ``/api/v2/search`` asks it."""

    q: str
    account_id: int | None
    max_id: int | None
    min_id: int | None
    offset: int
    limit: int


@functools.cache
def _statement(*, sqlite: bool, by_author: bool, bounded: bool) -> Prebuilt:
    """The statuses search; ``bounded``: with ``max_id`` and ``min_id`` (without them no
    condition on the id, which PostgreSQL's generic plan would read as a range of the primary
    key to intersect with the full-text matches: a bitmap of every status per request)."""
    source, status_id, matched = search.newest_first(TERM, sqlite=sqlite)
    conditions: list[Any] = [
        *matched,
        S.reblog_of_id.is_(None),
        visible_clause(S, VIEWER, author=A),
        or_(S.account_id == VIEWER, S.account_id.not_in(hidden_by(VIEWER, pages.MOMENT))),
        heard_in_public(VIEWER, S.account_id),
    ]
    if bounded:
        conditions += [status_id < BELOW, status_id > ABOVE]
    if by_author:
        conditions.append(S.account_id == AUTHOR)
    candidates = (
        select(status_id.label("status_id"))
        .select_from(source)
        .join(A, A.id == S.account_id)
        .where(*conditions)
        .order_by(status_id.desc())
        .offset(SKIP)
        .limit(FETCH)
        .subquery("candidates")
    )
    return pages.from_candidates(candidates, ascending=False)


async def statuses(svc: ApiRuntime, viewer_id: int, asked: StatusQuery) -> list[tuple[int, bytes]]:
    """The visible statuses holding every word of ``asked.q``, newest first, each as its
    JSON for the viewer (the status cache's encodings: ``render/pages.personal_parts``),
    with its id."""
    sqlite = svc.db.is_sqlite
    term = search.match_term(asked.q, sqlite=sqlite)
    if term is None:
        return []
    params: dict[str, Any] = {
        "porina_viewer": viewer_id,
        "porina_moment": now(),
        "porina_term": term,
        "porina_below": asked.max_id if asked.max_id is not None else NO_BOUND,
        "porina_above": asked.min_id if asked.min_id is not None else 0,
        "porina_skip": asked.offset,
        "porina_fetch": asked.limit,
        "porina_author": asked.account_id,
    }
    statement = _statement(
        sqlite=sqlite,
        by_author=asked.account_id is not None,
        bounded=asked.max_id is not None or asked.min_id is not None,
    )
    rows = [r for r in pages.rows(await svc.db.fast.fetch(statement, params)) if r.visible]
    parts = await personal_parts(svc, viewer_id, rows)
    return [(row.id, parts[row.id]) for row in rows if row.id in parts]


# --- accounts ------------------------------------------------------------------------------

NAME = bindparam("porina_name", type_=String)
PREFIX = bindparam("porina_prefix", type_=String)
DOMAIN_PREFIX = bindparam("porina_domain_prefix", type_=String)
AFTER = bindparam("porina_after", type_=String)


@functools.cache
def _accounts_statement(kind: str, *, signed_in: bool, following: bool) -> Prebuilt:
    query = search.accounts_select(
        kind,
        viewer=VIEWER if signed_in else None,
        following=following,
        name=NAME,
        prefix=PREFIX,
        domain_prefix=DOMAIN_PREFIX,
        after=AFTER,
    )
    return Prebuilt(query.with_only_columns(Account.id, Account.version).offset(SKIP).limit(FETCH))


@dataclass(frozen=True, slots=True)
class AccountQuery:
    q: str
    following: bool
    offset: int
    limit: int


async def accounts(svc: ApiRuntime, viewer_id: int | None, asked: AccountQuery) -> list[e.Account]:
    """``search.queries.accounts`` as one prebuilt statement of ids and versions, rendered
    from the status cache (a miss reads those accounts once)."""
    ask = search.account_ask(asked.q, local_domains(svc.settings))
    if ask is None:
        return []
    statement = _accounts_statement(
        ask.kind, signed_in=viewer_id is not None, following=asked.following
    )
    params = {
        "porina_viewer": viewer_id,
        "porina_name": ask.name,
        "porina_prefix": ask.prefix,
        "porina_domain_prefix": ask.domain_prefix,
        "porina_after": ask.after,
        "porina_skip": asked.offset,
        "porina_fetch": asked.limit,
    }
    found = [(int(i), int(v)) for i, v in await svc.db.fast.fetch(statement, params)]
    return await rendered_accounts(svc, found)


async def rendered_accounts(svc: ApiRuntime, found: list[tuple[int, int]]) -> list[e.Account]:
    """Accounts (id, version) rendered from the status cache, in order; those it lacks are
    read in one query (one gone meanwhile is left out)."""
    cache = svc.status_cache
    missing = {i for i, v in found if cache.account(i, v) is None}
    if missing:
        async with svc.db.read() as session:
            cache.keep_accounts((await accounts_by_id(session, missing)).values())
    shown: list[e.Account] = []
    for account_id, version in found:
        hit = cache.account(account_id, version)
        if hit is None and account_id in missing:  # changed again since: its current form
            latest = cache.accounts.get(account_id)
            hit = latest[1] if latest is not None else None
        if hit is not None:
            shown.append(hit)
    return shown


# --- hashtags ------------------------------------------------------------------------------

TAG_SLOTS = 40
"""Tags per history statement: ``/api/v2/search`` asks for at most 40."""
TAG_IDS = tuple(bindparam(f"porina_tag_{n}", type_=BigInteger) for n in range(TAG_SLOTS))
FIRST_ID = bindparam("porina_first_id", type_=BigInteger)


@functools.cache
def _tags_statement(*, signed_in: bool, reviewed_only: bool) -> Prebuilt:
    query = search.hashtags_select(
        name=NAME, prefix=PREFIX, after=AFTER, reviewed_only=reviewed_only
    )
    columns: list[Any] = [Tag.id, Tag.display_name]
    if signed_in:
        columns.append(
            exists().where(FollowedTag.account_id == VIEWER, FollowedTag.tag_id == Tag.id)
        )
        columns.append(
            exists().where(FeaturedTag.account_id == VIEWER, FeaturedTag.tag_id == Tag.id)
        )
    return Prebuilt(query.with_only_columns(*columns).offset(SKIP).limit(FETCH))


@functools.cache
def _history_statement() -> Prebuilt:
    """``interactions.queries.tag_history`` for up to ``TAG_SLOTS`` tags at once."""
    day_of = (Status.id // (DAY_MS << 16)).label("day")
    query = (
        select(StatusTag.tag_id, day_of, func.count(), func.count(func.distinct(Status.account_id)))
        .join(StatusTag, StatusTag.status_id == Status.id)
        .where(
            StatusTag.tag_id.in_(TAG_IDS),
            StatusTag.status_id >= FIRST_ID,
            Status.id >= FIRST_ID,
            Status.deleted_at.is_(None),
            Status.visibility.in_(("public", "unlisted")),
        )
        .group_by(StatusTag.tag_id, day_of)
    )
    return Prebuilt(query)


@dataclass(frozen=True, slots=True)
class TagQuery:
    q: str
    reviewed_only: bool
    offset: int
    limit: int


async def hashtags(svc: ApiRuntime, viewer_id: int | None, asked: TagQuery) -> list[e.Tag]:
    """``search.queries.hashtags`` rendered as ``tags.tag_entity`` renders each: the tags
    with the viewer's following and featuring (one statement), their histories (one more)."""
    name = search.hashtag_name(asked.q)
    if name is None:
        return []
    statement = _tags_statement(signed_in=viewer_id is not None, reviewed_only=asked.reviewed_only)
    params = {
        "porina_viewer": viewer_id,
        "porina_name": name,
        "porina_prefix": search.like_prefix(name),
        "porina_after": search.after_prefix(name),
        "porina_skip": asked.offset,
        "porina_fetch": min(asked.limit, TAG_SLOTS),
    }
    found = await svc.db.fast.fetch(statement, params)
    if not found:
        return []
    today, first_id = first_day()
    ids = [int(row[0]) for row in found]
    slots = {f"porina_tag_{n}": ids[n] if n < len(ids) else ids[0] for n in range(TAG_SLOTS)}
    counted: dict[int, dict[int, tuple[int, int]]] = {i: {} for i in ids}
    for tag_id, day, uses, people in await svc.db.fast.fetch(
        _history_statement(), {**slots, "porina_first_id": first_id}
    ):
        counted[int(tag_id)][int(day)] = (int(uses), int(people))
    base = svc.settings.base_url.rstrip("/")
    out: list[e.Tag] = []
    for row in found:
        tag_id, shown = int(row[0]), str(row[1])
        history = [
            {"day": str(int(d.day.timestamp())), "uses": str(d.uses), "accounts": str(d.accounts)}
            for d in history_of(counted[tag_id], today)
        ]
        entity = e.Tag(name=shown, url=f"{base}/tags/{shown}", history=history, id=str(tag_id))
        if viewer_id is not None:
            entity.following, entity.featuring = bool(row[2]), bool(row[3])
        out.append(entity)
    return out
