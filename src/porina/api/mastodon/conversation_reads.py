"""``GET /api/v1/conversations`` on the home timeline's paths.

A page is three prebuilt statements when the status cache is warm: the viewer's conversations
(``last_status_id`` paging), the participants' ids, versions and suspension (up to 64 a
statement), and the last statuses' page rows (``timelines/page.py``). Every account and status
rendering comes from the status cache (``search_reads.rendered_accounts``, ``render/pages``),
so each participant is rendered once per process and version; what the cache lacks is read
once. The answer is ``conversations.render_conversations``'.
"""

from __future__ import annotations

import functools
from typing import Any

import msgspec
from sqlalchemy import BigInteger, Integer, bindparam, select

from porina.accounts.models import Account
from porina.api.mastodon.auth import ApiRuntime
from porina.api.mastodon.pagination import Page
from porina.api.mastodon.search_reads import rendered_accounts
from porina.messaging.models import AccountConversation
from porina.posts.queries import VIEWER
from porina.render import entities as e
from porina.render.pages import personal_parts
from porina.storage.fastread import Prebuilt
from porina.timelines import page as pages
from porina.timelines.feeds import NO_BOUND

BELOW = bindparam("porina_below", type_=BigInteger)
ABOVE = bindparam("porina_above", type_=BigInteger)
LIMIT = bindparam("porina_limit", type_=Integer)
C = AccountConversation


class Conversation(e.Entity):
    id: str
    unread: bool
    accounts: list[e.Account]
    last_status: e.Status | None


@functools.cache
def _page(*, ascending: bool) -> Prebuilt:
    column = C.last_status_id
    query = (
        select(C.conversation_id, C.unread, C.last_status_id, C.participant_ids)
        .where(C.account_id == VIEWER, C.hidden.is_(False), column < BELOW, column > ABOVE)
        .order_by(column.asc() if ascending else column.desc())
        .limit(LIMIT)
    )
    return Prebuilt(query)


@functools.cache
def _people() -> Prebuilt:
    query = select(Account.id, Account.version, Account.suspended_at.is_(None)).where(
        Account.id.in_(pages.ID_SLOTS)
    )
    return Prebuilt(query)


_decode_ids = msgspec.json.Decoder(list[int | str] | None).decode


def _ids(raw: Any) -> list[int]:
    found = _decode_ids(raw) if isinstance(raw, str | bytes) else raw
    return [int(i) for i in found or []]


async def page(svc: ApiRuntime, me: int, asked: Page) -> tuple[bytes, list[int]]:
    """The page's conversations (a JSON array of ``Conversation``) and their
    ``last_status_id``s, newest first."""
    params = {
        "porina_viewer": me,
        "porina_below": asked.max_id if asked.max_id is not None else NO_BOUND,
        "porina_above": max(asked.min_id or 0, asked.since_id or 0),
        "porina_limit": asked.limit,
    }
    found = asked.arrange(await svc.db.fast.fetch(_page(ascending=asked.ascending), params))
    if not found:
        return b"[]", []
    participants = [_ids(row[3]) for row in found]  # parsed once per row
    people = list(dict.fromkeys(i for ids in participants for i in ids))
    live: dict[int, int] = {}
    for start in range(0, len(people), pages.SLOTS):
        chunk = pages.ids_params(people[start : start + pages.SLOTS])
        for account_id, version, active in await svc.db.fast.fetch(_people(), chunk):
            if active:
                live[int(account_id)] = int(version)
    rendered = await _accounts_json(svc, [(i, live[i]) for i in people if i in live])
    rows = await pages.for_ids(svc.db, me, [row[2] for row in found], mutes=False)
    statuses = await personal_parts(svc, me, [r for r in rows if r.visible])
    body = b",".join(
        _conversation(str(cid), bool(unread), [rendered[i] for i in ids if i in rendered], last)
        for (cid, unread, _, _), ids, last in zip(
            found, participants, [statuses.get(int(row[2]), b"null") for row in found], strict=True
        )
    )
    return b"[" + body + b"]", [int(row[2]) for row in found]


async def _accounts_json(svc: ApiRuntime, found: list[tuple[int, int]]) -> dict[int, bytes]:
    """The accounts (id, version) encoded, by id: the status cache keeps each encoding per
    version, so a page encodes only the participants the process has not seen."""
    cache = svc.status_cache
    out: dict[int, bytes] = {}
    fresh: list[tuple[int, int]] = []
    for account_id, version in found:
        hit = cache.account_json_at(account_id, version)
        if hit is None:
            fresh.append((account_id, version))
        else:
            out[account_id] = hit
    if fresh:
        versions = dict(fresh)
        for account in await rendered_accounts(svc, fresh):
            account_id = int(account.id)
            out[account_id] = cache.keep_account_json(account_id, versions[account_id], account)
    return out


def _conversation(cid: str, unread: bool, accounts: list[bytes], last_status: bytes) -> bytes:
    """One conversation as ``Conversation`` encodes it, from encoded parts (``cid``: an id's
    digits, which JSON carries as they are)."""
    return b"".join(
        (
            b'{"id":"',
            cid.encode(),
            b'","unread":',
            b"true" if unread else b"false",
            b',"accounts":[',
            b",".join(accounts),
            b'],"last_status":',
            last_status,
            b"}",
        )
    )
