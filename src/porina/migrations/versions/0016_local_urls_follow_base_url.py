"""Local URLs are no longer stored: they follow BASE_URL (or HOST and PORT when it is left
empty), so moving the server to another address or port needs no clean start.

Earlier versions froze the address at the time of writing into local accounts (``uri``,
``url``, inbox and collection URLs) and into local statuses' HTML and mentions (links to
hashtags and profiles). This clears the account columns (the renderer builds them) and turns
the stored links to this server into paths (the renderer prepends the base URL).

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_LOCAL_URLS = ("uri", "url", "inbox_url", "outbox_url", "followers_url", "shared_inbox_url")


def upgrade() -> None:
    bind = op.get_bind()
    bases = _stored_bases(bind)
    cleared = ", ".join(f"{column} = NULL" for column in _LOCAL_URLS)
    bind.execute(sa.text(f"UPDATE accounts SET {cleared} WHERE domain IS NULL"))
    for base in bases:
        _relative_links(bind, base)


def downgrade() -> None:
    """Nothing to undo: the renderer builds the same URLs the old columns held."""


def _stored_bases(bind: sa.Connection) -> set[str]:
    """The addresses earlier versions froze: each local account's url is BASE/@username."""
    rows = bind.execute(
        sa.text("SELECT username, url FROM accounts WHERE domain IS NULL AND url IS NOT NULL")
    )
    bases = set()
    for username, url in rows:
        suffix = f"/@{username}"
        if url.endswith(suffix) and "://" in url:
            bases.add(url[: -len(suffix)])
    return bases


def _relative_links(bind: sa.Connection, base: str) -> None:
    old, new = f'href="{base}/', 'href="/'
    local = "account_id IN (SELECT id FROM accounts WHERE domain IS NULL)"
    for table in ("statuses", "status_edits"):
        bind.execute(
            sa.text(
                f"UPDATE {table} SET content = REPLACE(content, :old, :new) "
                f"WHERE content LIKE :pattern AND "
                + (
                    local
                    if table == "statuses"
                    else f"status_id IN (SELECT id FROM statuses WHERE {local})"
                )
            ),
            {"old": old, "new": new, "pattern": f"%{old}%"},
        )
    rows = bind.execute(
        sa.text(
            f"SELECT id, mentions FROM statuses WHERE {local} "
            "AND CAST(mentions AS TEXT) LIKE :pattern"
        ),
        {"pattern": f"%{base}/%"},
    )
    for status_id, mentions in rows.fetchall():
        loaded: list[dict[str, Any]] = (
            json.loads(mentions) if isinstance(mentions, str) else mentions
        )
        if not loaded or not any(m.get("url", "").startswith(base + "/") for m in loaded):
            continue
        for mention in loaded:
            if mention.get("url", "").startswith(base + "/"):
                mention["url"] = mention["url"][len(base) :]
        bind.execute(
            sa.text("UPDATE statuses SET mentions = :mentions WHERE id = :id").bindparams(
                sa.bindparam("mentions", type_=_JSON)
            ),
            {"mentions": loaded, "id": status_id},
        )
