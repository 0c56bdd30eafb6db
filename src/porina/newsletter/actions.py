"""The newsletter's writers (issue 19, points 1, 3 and 6): lists (the brand's owner or manager),
sign-ups (public), confirmation, unsubscribe, preferences and erasure. Each emits its event;
the mails go out after commit through the outbox (``newsletter.mails``).

No enumeration: ``subscribe`` does the same visible thing for a new, unconfirmed, confirmed or
unsubscribed address — the caller always answers 202 — and at most re-sends a confirmation,
once per ``RESEND_AFTER`` per address.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.operators import role_of
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.i18n import N_
from porina.core.ids import new_id
from porina.jobs.events import emit
from porina.mail.compose import ADDRESS
from porina.newsletter.errors import (
    InvalidList,
    InvalidSubscription,
    ListNotFound,
    NotListStaff,
)
from porina.newsletter.events import (
    NewsletterListChanged,
)
from porina.newsletter.models import NewsletterList
from porina.storage.db import Tx

STAFF = frozenset({"owner", "manager"})
RESEND_AFTER = timedelta(minutes=15)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
TEXTS = {"name": 200, "description": 5000, "frequency": 200, "gift_label": 200}
TEXTS_LONG = {"privacy_en": 20000, "privacy_fi": 20000}


async def require_staff(session: AsyncSession, actor: Actor) -> None:
    """404 outside the brand's team, 403 for a role that may not run its newsletter."""
    if actor.user_id is None:
        raise ListNotFound()
    role = await role_of(session, actor.account_id, actor.user_id)
    if role is None:
        raise ListNotFound()
    if role not in STAFF:
        raise NotListStaff("This role cannot run the brand's newsletter")


async def owned(tx: Tx, actor: Actor, list_id: int) -> NewsletterList:
    """The list, when it is the acting brand's and ``actor`` is its owner or manager."""
    row = await tx.session.get(NewsletterList, list_id)
    if row is None or row.brand_account_id != actor.account_id:
        raise ListNotFound()
    await require_staff(tx.session, actor)
    return row


def _text(data: Mapping[str, Any], name: str, limit: int, *, one_line: bool) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit or "\0" in value:
        raise InvalidList.filled(
            N_("Validation failed: %(name)s must be text of at most %(limit)s characters"),
            name=name,
            limit=limit,
        )
    if one_line and CONTROL.search(value):
        raise InvalidList.filled(
            N_("Validation failed: %(name)s may not contain line breaks"), name=name
        )
    return value.strip()


def _gift_url(data: Mapping[str, Any]) -> str | None:
    value = _text(data, "gift_url", 2000, one_line=True)
    if value and not value.startswith(("https://", "http://", "/media/", "/system/")):
        raise InvalidList("Validation failed: gift_url must be an http(s) address or a media link")
    return value


def _fields(data: Mapping[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, limit in TEXTS.items():
        found[name] = _text(data, name, limit, one_line=True)
    for name, limit in TEXTS_LONG.items():
        found[name] = _text(data, name, limit, one_line=False)
    found["gift_url"] = _gift_url(data)
    for name in ("double_opt_in", "click_tracking"):
        raw = data.get(name)
        if raw is not None:
            if str(raw).lower() not in {"true", "false", "1", "0"}:
                raise InvalidList.filled(
                    N_("Validation failed: %(name)s must be a boolean"), name=name
                )
            found[name] = str(raw).lower() in {"true", "1"}
    return {k: v for k, v in found.items() if v is not None}


async def create_list(tx: Tx, actor: Actor, data: Mapping[str, Any]) -> NewsletterList:
    await require_staff(tx.session, actor)
    fields = _fields(data)
    if not fields.get("name"):
        raise InvalidList("Validation failed: name can't be blank")
    moment = now()
    row = NewsletterList(
        id=new_id(), brand_account_id=actor.account_id, created_at=moment, updated_at=moment
    )
    row.double_opt_in = True
    for key, value in fields.items():
        setattr(row, key, value)
    tx.session.add(row)
    await tx.session.flush()
    await emit(
        tx,
        NewsletterListChanged(
            actor=actor, brand_account_id=row.brand_account_id, list_id=row.id, change="create"
        ),
    )
    return row


async def update_list(
    tx: Tx, actor: Actor, list_id: int, data: Mapping[str, Any]
) -> NewsletterList:
    row = await owned(tx, actor, list_id)
    fields = _fields(data)
    if "name" in fields and not fields["name"]:
        raise InvalidList("Validation failed: name can't be blank")
    for key, value in fields.items():
        setattr(row, key, value)
    row.updated_at = now()
    await emit(
        tx,
        NewsletterListChanged(
            actor=actor, brand_account_id=row.brand_account_id, list_id=row.id, change="update"
        ),
    )
    return row


async def delete_list(tx: Tx, actor: Actor, list_id: int) -> None:
    row = await owned(tx, actor, list_id)
    await tx.session.delete(row)
    await emit(
        tx,
        NewsletterListChanged(
            actor=actor, brand_account_id=row.brand_account_id, list_id=list_id, change="delete"
        ),
    )


def normalise_email(value: Any) -> str:
    """The address as stored: trimmed, lower case; ``InvalidSubscription`` unless it is one
    plain address."""
    if not isinstance(value, str):
        raise InvalidSubscription("Validation failed: email must be an e-mail address")
    address = value.strip().lower()
    if len(address) > 320 or CONTROL.search(address) or not ADDRESS.match(address):
        raise InvalidSubscription("Validation failed: email is not a valid e-mail address")
    return address


def clean_name(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 200 or CONTROL.search(value):
        raise InvalidSubscription(
            "Validation failed: name must be one line of at most 200 characters"
        )
    return value.strip()


def clean_source(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return CONTROL.sub("", value.strip())[:500]
