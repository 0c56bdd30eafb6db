"""``verify_credentials`` and ``relationships`` on prebuilt statements (``storage/fastread.py``).

Every app asks for both at every start, so each is one statement on the driver: the
credentials' account rendering comes from the status cache at the row's version (a miss reads
the account once and keeps it), its source and role from the same row; all the relationships
asked for (up to 40) come from one statement, a statement per number of ids, compiled once.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
from sqlalchemy import BigInteger, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased

from porina.accounts import queries
from porina.accounts.errors import AccountNotFound
from porina.accounts.models import (
    Account,
    AccountNote,
    AccountPin,
    Block,
    DomainBlock,
    Follow,
    FollowRequest,
    Mute,
    User,
)
from porina.anonymity.blocking import quiet_block
from porina.api.mastodon.auth import ApiRuntime
from porina.core.clock import iso, now
from porina.render import entities as e
from porina.storage.base import UTCDateTime
from porina.storage.db import probe
from porina.storage.fastread import Prebuilt, Row, as_datetime

VIEWER = bindparam("viewer", type_=BigInteger)
MOMENT = bindparam("moment", type_=UTCDateTime())

_CREDENTIALS = Prebuilt(
    select(
        Account.version,
        Account.note_source,
        Account.fields,
        Account.hide_collections,
        Account.discoverable,
        Account.indexable,
        User.role,
        User.settings,
        select(func.count())
        .select_from(FollowRequest)
        .where(FollowRequest.target_account_id == Account.id)
        .scalar_subquery(),
    )
    .select_from(Account)
    .outerjoin(User, User.account_id == Account.id)
    .where(Account.id == VIEWER)
    .limit(1)
)


def _json(value: Any) -> Any:
    """A JSON column as the driver gave it (text on SQLite and asyncpg)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


async def credentials(svc: ApiRuntime, account_id: int) -> tuple[e.Account, str]:
    """The viewer's own account with ``source``, and the name of its role: one statement
    when the account's rendering is cached at its version, one more when it is not."""
    rows = await svc.db.fast.fetch(_CREDENTIALS, {"viewer": account_id})
    if not rows:
        raise AccountNotFound()
    row = rows[0]
    entity = svc.status_cache.account(account_id, row[0])
    if entity is None:
        async with svc.db.read() as session:
            account = await queries.account(session, account_id, account_id)
        svc.status_cache.keep_accounts([account])
        entity = svc.status_cache.account(account.id, account.version)
        assert entity is not None
    return msgspec.structs.replace(entity, source=_source(row)), row[6] or "user"


def _source(row: Row) -> dict[str, Any]:
    _, note_source, fields, hide, discoverable, indexable, _, settings, requests = row
    prefs = _json(settings) or {}
    return {
        "privacy": prefs.get("privacy", "public"),
        "sensitive": bool(prefs.get("sensitive", False)),
        "language": prefs.get("language") or None,
        "note": note_source,
        "fields": [
            {
                "name": f.get("name", ""),
                "value": f.get("value_source", f.get("value", "")),
                "verified_at": f.get("verified_at"),
            }
            for f in _json(fields) or []
        ],
        "follow_requests_count": int(requests or 0),
        "hide_collections": bool(hide),
        "discoverable": bool(discoverable),
        "indexable": bool(indexable),
        "attribution_domains": [],
        "quote_policy": prefs.get("quote_policy", "public"),
    }


MAX_RELATIONSHIPS = 40
_RELATIONSHIPS: dict[int, Prebuilt] = {}


def _from_them(model: Any) -> Any:
    """A row of ``model`` from the asked account towards the viewer, probed per account
    (``storage.db.probe``): as ``EXISTS``, PostgreSQL hashed every row towards the viewer
    (each of their followers, per request: at 100,000 accounts a client's thousands)."""
    return probe(model.account_id == Account.id, model.target_account_id == VIEWER)


def _relationships_statement(count: int) -> Prebuilt:
    """Per asked account (visible to the viewer): the viewer's follow, request, active mute
    and note (unique per pair: outer joins), and the yes/no sides as ``EXISTS`` (theirs
    towards the viewer as probes, ``_from_them``)."""
    found = _RELATIONSHIPS.get(count)
    if found is not None:
        return found
    slots = [bindparam(f"id{i}", type_=BigInteger) for i in range(count)]
    f, r, m, n = aliased(Follow), aliased(FollowRequest), aliased(Mute), aliased(AccountNote)

    def towards(model: Any) -> Any:
        return and_(model.account_id == VIEWER, model.target_account_id == Account.id)

    active = or_(m.expires_at.is_(None), m.expires_at > MOMENT)
    query: Any = (
        select(
            Account.id,
            f.id, f.show_reblogs, f.notify, f.languages,
            r.id, r.show_reblogs, r.notify, r.languages,
            m.id, m.hide_notifications, m.expires_at,
            n.comment,
            _from_them(Follow),
            _from_them(FollowRequest),
            exists().where(towards(Block), ~quiet_block(Block.account_id, Block.target_account_id)),
            _from_them(Block),
            exists().where(towards(AccountPin)),
            exists().where(
                DomainBlock.account_id == VIEWER, DomainBlock.domain == Account.domain
            ),
        )
        .select_from(Account)
        .outerjoin(f, towards(f))
        .outerjoin(r, towards(r))
        .outerjoin(m, and_(towards(m), active))
        .outerjoin(n, towards(n))
        .where(
            Account.id.in_(slots),
            or_(Account.suspended_at.is_(None), Account.id == VIEWER),
        )
    )  # fmt: skip
    found = _RELATIONSHIPS[count] = Prebuilt(query)
    return found


async def relationships(svc: ApiRuntime, viewer_id: int, ids: list[int]) -> list[e.Relationship]:
    """The viewer's relationship with each visible account of ``ids``, in the order asked,
    from one statement."""
    wanted = list(dict.fromkeys(ids))[:MAX_RELATIONSHIPS]
    if not wanted:
        return []
    params: dict[str, Any] = {f"id{i}": value for i, value in enumerate(wanted)}
    params.update(viewer=viewer_id, moment=now())
    rows = await svc.db.fast.fetch(_relationships_statement(len(wanted)), params)
    by_id = {int(row[0]): row for row in rows}
    return [_relationship(by_id[i]) for i in wanted if i in by_id]


def _relationship(row: Row) -> e.Relationship:
    (account_id, follow, f_reblogs, f_notify, f_languages) = row[:5]
    (request, r_reblogs, r_notify, r_languages) = row[5:9]
    (mute, hide_notifications, mute_expires, note) = row[9:13]
    followed_by, requested_by, blocking, blocked_by, endorsed, domain_blocking = row[13:]
    # a request's options, else the follow's (as accounts.queries.relationships gives them)
    options = (r_reblogs, r_notify, r_languages) if request is not None else None
    if options is None and follow is not None:
        options = (f_reblogs, f_notify, f_languages)
    return e.Relationship(
        id=str(account_id),
        following=follow is not None,
        showing_reblogs=options is not None and bool(options[0]),
        notifying=options is not None and bool(options[1]),
        languages=None if options is None else _json(options[2]),
        followed_by=bool(followed_by),
        blocking=bool(blocking),
        blocked_by=bool(blocked_by),
        muting=mute is not None,
        muting_notifications=bool(hide_notifications) and mute is not None,
        muting_expires_at=iso(as_datetime(mute_expires)) if mute_expires is not None else None,
        requested=request is not None,
        requested_by=bool(requested_by),
        domain_blocking=bool(domain_blocking),
        endorsed=bool(endorsed),
        note=note or "",
    )
