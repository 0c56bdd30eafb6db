"""Listening watches (issue 16, point 8): the keywords and hashtags a brand listens for.

Owners and managers (and the old names admin, editor) write them; agents read them; an
analyst is refused (403) and someone on no team of the brand gets 404. A term is stored
lower-cased: a ``hashtag`` without its ``#`` and without spaces; a ``keyword`` is one or more
words, and a trailing ``*`` makes its last word a prefix (``kahvi*`` matches *kahvila*,
*kahvia*: Finnish inflects). Public posts that match become outreach items
(``desk.listening``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import NotFound
from porina.core.ids import new_id
from porina.desk import access
from porina.desk.errors import InvalidDeskRequest
from porina.desk.events import DeskWatchChanged
from porina.desk.watches_models import WATCH_KINDS, DeskWatch
from porina.jobs.events import emit
from porina.storage.db import Tx

MANAGERS = access.MANAGERS
MAX_TERM = 100
MAX_PER_BRAND = 200
_HASHTAG = re.compile(r"^\w+$")
_KEYWORD = re.compile(r"^\w[\w'\u2019\-]*(?:\s+\w[\w'\u2019\-]*)*\*?$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
NOT_MANAGER = "Only the brand's owners and managers can change its watches"


class WatchNotFound(NotFound):
    code = "desk_watch_not_found"


def _term(kind: str, raw: object) -> str:
    term = " ".join(str(raw or "").split()).lower()
    if kind == "hashtag":
        term = term.removeprefix("#")
    if not term:
        raise InvalidDeskRequest("Validation failed: term can't be blank")
    if len(term) > MAX_TERM:
        raise InvalidDeskRequest(f"Validation failed: term is too long (maximum is {MAX_TERM})")
    if kind == "hashtag" and not _HASHTAG.match(term):
        raise InvalidDeskRequest("Validation failed: a hashtag is letters, digits or '_'")
    if kind == "keyword" and not _KEYWORD.match(term):
        raise InvalidDeskRequest(
            "Validation failed: a keyword is words, with '*' only at the end (a prefix)"
        )
    return term


def _checked(fields: Mapping[str, object]) -> tuple[str, str, str | None, bool]:
    kind = str(fields.get("kind") or "").strip().lower()
    if kind not in WATCH_KINDS:
        raise InvalidDeskRequest("Validation failed: kind must be keyword or hashtag")
    term = _term(kind, fields.get("term"))
    language = str(fields.get("language") or "").strip().lower() or None
    if language is not None and not _LANGUAGE.match(language):
        raise InvalidDeskRequest("Validation failed: language is an ISO 639 code such as en, fi")
    enabled = fields.get("enabled", True)
    if isinstance(enabled, str):
        enabled = enabled.lower() in ("1", "true", "on", "yes")
    return kind, term, language, bool(enabled)


async def listed(session: AsyncSession, actor: Actor) -> list[DeskWatch]:
    """The brand's watches by kind and term (agents and managers)."""
    staff = await access.worker(session, actor)
    rows = await session.scalars(
        select(DeskWatch)
        .where(DeskWatch.brand_account_id == staff.brand_id)
        .order_by(DeskWatch.kind, DeskWatch.term)
    )
    return list(rows)


async def _one(session: AsyncSession, brand_id: int, watch_id: int) -> DeskWatch:
    row = await session.get(DeskWatch, watch_id)
    if row is None or row.brand_account_id != brand_id:
        raise WatchNotFound()
    return row


async def _taken(session: AsyncSession, brand: int, kind: str, term: str) -> int | None:
    return await session.scalar(
        select(DeskWatch.id).where(
            DeskWatch.brand_account_id == brand, DeskWatch.kind == kind, DeskWatch.term == term
        )
    )


def _duplicate() -> InvalidDeskRequest:
    """The brand watches that term with that kind already."""
    return InvalidDeskRequest("Validation failed: term has already been taken")


async def _changed(tx: Tx, actor: Actor, watch_id: int, change: str) -> None:
    event = DeskWatchChanged(
        actor=actor, brand_account_id=actor.account_id, watch_id=watch_id, change=change
    )
    await emit(tx, event)


async def create(tx: Tx, actor: Actor, fields: Mapping[str, object]) -> DeskWatch:
    session = tx.session
    await access.manager(session, actor, NOT_MANAGER)
    kind, term, language, enabled = _checked(fields)
    brand = actor.account_id
    if await _taken(session, brand, kind, term) is not None:
        raise _duplicate()
    count = await session.scalar(
        select(func.count()).select_from(DeskWatch).where(DeskWatch.brand_account_id == brand)
    )
    if (count or 0) >= MAX_PER_BRAND:
        raise InvalidDeskRequest(f"Validation failed: at most {MAX_PER_BRAND} watches")
    moment = now()
    row = DeskWatch(
        id=new_id(),
        brand_account_id=brand,
        kind=kind,
        term=term,
        language=language,
        enabled=enabled,
        matches=0,
        created_by_user_id=actor.user_id,
        created_at=moment,
        updated_at=moment,
    )
    session.add(row)
    await _changed(tx, actor, row.id, "created")
    return row


async def update(tx: Tx, actor: Actor, watch_id: int, fields: Mapping[str, object]) -> DeskWatch:
    session = tx.session
    await access.manager(session, actor, NOT_MANAGER)
    row = await _one(session, actor.account_id, watch_id)
    merged = {
        "kind": row.kind,
        "term": row.term,
        "language": row.language,
        "enabled": row.enabled,
        **fields,
    }
    kind, term, language, enabled = _checked(merged)
    other = await _taken(session, actor.account_id, kind, term)
    if other is not None and other != row.id:
        raise _duplicate()
    row.kind, row.term, row.language, row.enabled = kind, term, language, enabled
    row.updated_at = now()
    await _changed(tx, actor, row.id, "updated")
    return row


async def remove(tx: Tx, actor: Actor, watch_id: int) -> None:
    await access.manager(tx.session, actor, NOT_MANAGER)
    await tx.session.delete(await _one(tx.session, actor.account_id, watch_id))
    await _changed(tx, actor, watch_id, "deleted")
