"""Server dimensions for the admin API (Mastodon's ``Admin::Metrics::Dimension``): the
qualitative breakdowns of Mastodon's admin dashboard, computed from Porina's own rows.

Each dimension answers rows ``{key, human_key, value[, unit, human_value]}`` ordered by
value (largest first) and cut at ``limit``, as Mastodon does. Porina's choices where its rows
differ from Mastodon's (named in docs/api.md):

- ``languages``: users who signed in within the stretch, by interface language
  (``users.last_sign_in_at``, the latest sign-in, as Mastodon's ``current_sign_in_at``).
- ``sources``: sign-ups within the stretch by the application that registered them (the
  app of the token ``POST /api/v1/accounts`` issued with the account); others are ``web``.
- ``servers``: statuses written within the stretch, by the author's server (local ones under
  the instance's domain). Deleted statuses are left out.
- ``tag_servers`` / ``tag_languages`` (``id``): statuses with that hashtag within the stretch,
  by server / by language (``und`` when unknown).
- ``instance_accounts`` / ``instance_languages`` (``domain``): that server's accounts by
  follower count; its statuses (not boosts) within the stretch by language.
- ``software_versions``: Porina, Python and the database; ``space_usage``: the database and
  stored media, in bytes.
"""

from __future__ import annotations

import platform
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from babel import Locale
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from porina import __version__
from porina.accounts.models import Account, Follow, OAuthApp, OAuthToken, User
from porina.posts.models import MediaAttachment, Status, StatusTag

SIGNUP_TOKEN_SECONDS = 60
"""A token counts as the sign-up's when issued this soon after the user row."""


@dataclass(frozen=True, slots=True)
class Stretch:
    start: datetime
    end: datetime
    limit: int
    local_domain: str
    params: dict[str, str]


@dataclass(frozen=True, slots=True)
class Item:
    key: str
    human_key: str
    value: str
    unit: str | None = None
    human_value: str | None = None


Query = Callable[[AsyncSession, Stretch], Awaitable[list[Item]]]

_ENGLISH = Locale("en")


def language_name(code: str) -> str:
    """``fi`` -> ``Finnish``; ``und`` (and any code Babel does not know) stays the code."""
    name: str = _ENGLISH.languages.get(code, code)
    return name


def human_size(size: int) -> str:
    """Bytes as Rails' ``number_to_human_size`` writes them: ``512 Bytes``, ``1.5 KB``."""
    if size < 1024:
        return f"{size} Bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB", "PB"):
        value /= 1024
        if value < 1024 or unit == "PB":
            return f"{value:.3g} {unit}"
    return f"{size} Bytes"  # pragma: no cover - the loop always returns


async def _counted(session: AsyncSession, query: Any) -> list[tuple[Any, int]]:
    return [(row[0], int(row[1])) for row in await session.execute(query)]


def _top(query: Any, column: Any, stretch: Stretch) -> Any:
    count = func.count()
    return query.group_by(column).order_by(count.desc(), column).limit(stretch.limit)


async def _languages(session: AsyncSession, s: Stretch) -> list[Item]:
    query = select(User.locale, func.count()).where(
        User.last_sign_in_at >= s.start, User.last_sign_in_at <= s.end
    )
    rows = await _counted(session, _top(query, User.locale, s))
    return [Item(str(k), language_name(str(k)), str(v)) for k, v in rows]


async def _sources(session: AsyncSession, s: Stretch) -> list[Item]:
    users = dict(
        (row[0], row[1])
        for row in await session.execute(
            select(User.id, User.created_at).where(
                User.created_at >= s.start, User.created_at <= s.end
            )
        )
    )
    tokens = select(OAuthToken.user_id, OAuthToken.created_at, OAuthApp.name).join(
        OAuthApp, OAuthApp.id == OAuthToken.app_id
    )
    tokens = tokens.where(
        OAuthToken.user_id.in_(list(users) or [-1]),
        OAuthToken.web_session_hash.is_(None),
        OAuthApp.first_party.is_(False),
    ).order_by(OAuthToken.created_at, OAuthToken.id)
    app_of: dict[int, str] = {}
    for token_user, issued, name in await session.execute(tokens):
        user_id = int(token_user or -1)
        joined = users.get(user_id)
        if joined is None or user_id in app_of:
            continue
        if _seconds(issued, joined) <= SIGNUP_TOKEN_SECONDS:
            app_of[user_id] = str(name)
    counts: dict[str, int] = {}
    for user_id in users:
        key = app_of.get(user_id, "web")
        counts[key] = counts.get(key, 0) + 1
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: s.limit]
    return [Item(k, "Website" if k == "web" else k, str(v)) for k, v in ordered]


def _seconds(later: datetime, earlier: datetime) -> float:
    def aware(moment: datetime) -> datetime:
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

    return (aware(later) - aware(earlier)).total_seconds()


def _live_statuses(s: Stretch) -> Any:
    return (
        Status.created_at >= s.start,
        Status.created_at <= s.end,
        Status.deleted_at.is_(None),
    )


def _servers_items(rows: list[tuple[Any, int]], s: Stretch) -> list[Item]:
    out = []
    for domain, value in rows:
        name = str(domain) if domain is not None else s.local_domain
        out.append(Item(name, name, str(value)))
    return out


async def _servers(session: AsyncSession, s: Stretch) -> list[Item]:
    query = (
        select(Account.domain, func.count())
        .select_from(Status)
        .join(Account, Account.id == Status.account_id)
        .where(*_live_statuses(s))
    )
    return _servers_items(await _counted(session, _top(query, Account.domain, s)), s)


def _tag_id(s: Stretch) -> int:
    raw = s.params.get("id", "")
    return int(raw) if raw.isdigit() else -1


async def _tag_servers(session: AsyncSession, s: Stretch) -> list[Item]:
    query = (
        select(Account.domain, func.count())
        .select_from(Status)
        .join(Account, Account.id == Status.account_id)
        .join(StatusTag, StatusTag.status_id == Status.id)
        .where(StatusTag.tag_id == _tag_id(s), *_live_statuses(s))
    )
    return _servers_items(await _counted(session, _top(query, Account.domain, s)), s)


def _language_items(rows: list[tuple[Any, int]]) -> list[Item]:
    return [Item(str(k), language_name(str(k)), str(v)) for k, v in rows]


async def _tag_languages(session: AsyncSession, s: Stretch) -> list[Item]:
    language = func.coalesce(Status.language, "und")
    query = (
        select(language, func.count())
        .select_from(Status)
        .join(StatusTag, StatusTag.status_id == Status.id)
        .where(StatusTag.tag_id == _tag_id(s), *_live_statuses(s))
    )
    return _language_items(await _counted(session, _top(query, language, s)))


def _domain(s: Stretch) -> str | None:
    domain = s.params.get("domain", "").strip().lower()
    return None if domain in ("", s.local_domain) else domain


async def _instance_languages(session: AsyncSession, s: Stretch) -> list[Item]:
    language = func.coalesce(Status.language, "und")
    domain = _domain(s)
    where = Account.domain.is_(None) if domain is None else func.lower(Account.domain) == domain
    query = (
        select(language, func.count())
        .select_from(Status)
        .join(Account, Account.id == Status.account_id)
        .where(where, Status.reblog_of_id.is_(None), *_live_statuses(s))
    )
    return _language_items(await _counted(session, _top(query, language, s)))


async def _instance_accounts(session: AsyncSession, s: Stretch) -> list[Item]:
    domain = _domain(s)
    where = Account.domain.is_(None) if domain is None else func.lower(Account.domain) == domain
    count = func.count(Follow.id)
    query = (
        select(Account.username, count)
        .select_from(Account)
        .outerjoin(Follow, Follow.target_account_id == Account.id)
        .where(where)
        .group_by(Account.id, Account.username)
        .order_by(count.desc(), Account.username)
        .limit(s.limit)
    )
    rows = await _counted(session, query)
    return [Item(str(k), str(k), str(v)) for k, v in rows]


def _is_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def _database_version(session: AsyncSession) -> tuple[str, str, str]:
    if _is_postgresql(session):
        version = str((await session.execute(text("SHOW server_version"))).scalar_one())
        return "postgresql", "PostgreSQL", version.split(maxsplit=1)[0]
    version = str((await session.execute(text("SELECT sqlite_version()"))).scalar_one())
    return "sqlite", "SQLite", version


async def _software_versions(session: AsyncSession, s: Stretch) -> list[Item]:
    key, name, version = await _database_version(session)
    python = platform.python_version()
    return [
        Item("porina", "Porina", __version__, human_value=__version__),
        Item("python", "Python", python, human_value=python),
        Item(key, name, version, human_value=version),
    ]


async def _database_size(session: AsyncSession) -> tuple[str, str, int]:
    if _is_postgresql(session):
        query = text("SELECT pg_database_size(current_database())")
        return "postgresql", "PostgreSQL", int((await session.execute(query)).scalar_one())
    pages = int((await session.execute(text("PRAGMA page_count"))).scalar_one())
    size = int((await session.execute(text("PRAGMA page_size"))).scalar_one())
    return "sqlite", "SQLite", pages * size


async def _space_usage(session: AsyncSession, s: Stretch) -> list[Item]:
    key, name, database = await _database_size(session)
    media_query = select(func.coalesce(func.sum(MediaAttachment.file_size), 0)).where(
        MediaAttachment.remote_url.is_(None)
    )
    media = int((await session.execute(media_query)).scalar_one())
    return [
        Item(key, name, str(database), "bytes", human_size(database)),
        Item("media", "Media storage", str(media), "bytes", human_size(media)),
    ]


DIMENSIONS: dict[str, Query] = {
    "languages": _languages,
    "sources": _sources,
    "servers": _servers,
    "space_usage": _space_usage,
    "software_versions": _software_versions,
    "tag_servers": _tag_servers,
    "tag_languages": _tag_languages,
    "instance_accounts": _instance_accounts,
    "instance_languages": _instance_languages,
}

WITH_PARAMS: dict[str, str] = {
    "tag_servers": "id",
    "tag_languages": "id",
    "instance_accounts": "domain",
    "instance_languages": "domain",
}
"""Dimensions that need a parameter (``tag_servers[id]=…``), and its name."""


async def dimension(session: AsyncSession, key: str, stretch: Stretch) -> list[Item]:
    return await DIMENSIONS[key](session, stretch)
