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
from sqlalchemy import BigInteger, bindparam, func, select

from porina.accounts import queries
from porina.accounts.errors import AccountNotFound
from porina.accounts.models import (
    Account,
    FollowRequest,
    User,
)
from porina.api.mastodon.auth import ApiRuntime
from porina.render import entities as e
from porina.storage.base import UTCDateTime
from porina.storage.fastread import Prebuilt, Row

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
