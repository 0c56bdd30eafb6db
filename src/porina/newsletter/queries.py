"""Staff's reads of lists and subscribers, and the CSV import and export (issue 19, point 6)."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Sequence

from sqlalchemy import select

from porina.core.actor import Actor
from porina.core.clock import aware, now
from porina.core.i18n import N_
from porina.core.ids import new_id
from porina.newsletter.actions import clean_name, normalise_email, owned, require_staff
from porina.newsletter.errors import InvalidSubscription
from porina.newsletter.models import STATES, NewsletterList, NewsletterSubscriber
from porina.storage.db import Tx

CSV_FIELDS = ("email", "name", "status", "source", "created_at", "confirmed_at")
MAX_IMPORT_ROWS = 50_000


async def lists(tx: Tx, actor: Actor) -> list[NewsletterList]:
    await require_staff(tx.session, actor)
    found = await tx.session.scalars(
        select(NewsletterList)
        .where(NewsletterList.brand_account_id == actor.account_id)
        .order_by(NewsletterList.id)
    )
    return list(found)


async def subscribers(
    tx: Tx, actor: Actor, list_id: int, *, max_id: int | None = None, limit: int = 40
) -> list[NewsletterSubscriber]:
    await owned(tx, actor, list_id)
    query = select(NewsletterSubscriber).where(NewsletterSubscriber.list_id == list_id)
    if max_id is not None:
        query = query.where(NewsletterSubscriber.id < max_id)
    found = await tx.session.scalars(query.order_by(NewsletterSubscriber.id.desc()).limit(limit))
    return list(found)


def _when(row: NewsletterSubscriber, name: str) -> str:
    value = getattr(row, name)
    return aware(value).isoformat() if value is not None else ""


def to_csv(rows: Sequence[NewsletterSubscriber]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for row in rows:
        writer.writerow(
            [
                row.email,
                _safe(row.name),
                row.status,
                _safe(row.source or ""),
                _when(row, "created_at"),
                _when(row, "confirmed_at"),
            ]
        )
    return out.getvalue()


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in {"=", "+", "-", "@"} else value


async def export_csv(tx: Tx, actor: Actor, list_id: int) -> str:
    await owned(tx, actor, list_id)
    found = await tx.session.scalars(
        select(NewsletterSubscriber)
        .where(NewsletterSubscriber.list_id == list_id)
        .order_by(NewsletterSubscriber.id)
    )
    return to_csv(list(found))


def _parse(text: str) -> list[tuple[str, str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "email" not in reader.fieldnames:
        raise InvalidSubscription("Validation failed: the CSV needs an email column")
    parsed: list[tuple[str, str, str]] = []
    for number, record in enumerate(reader, start=2):
        if number > MAX_IMPORT_ROWS:
            raise InvalidSubscription("Validation failed: too many rows")
        status = (record.get("status") or "confirmed").strip() or "confirmed"
        if status not in STATES:
            raise _line(N_("Validation failed: line %(line)s: unknown status"), number)
        try:
            email = normalise_email(record.get("email"))
        except InvalidSubscription:
            raise _line(BAD_EMAIL, number) from None
        try:
            name = clean_name(record.get("name"))
        except InvalidSubscription:
            raise _line(BAD_NAME, number) from None
        parsed.append((email, name, status))
    return parsed


BAD_EMAIL = N_("Validation failed: line %(line)s: email is not a valid e-mail address")
BAD_NAME = N_("Validation failed: line %(line)s: name must be one line of at most 200 characters")


def _line(template: str, number: int) -> InvalidSubscription:
    """A refusal of the CSV's line ``number`` (the header is line 1)."""
    return InvalidSubscription.filled(template, line=number)


async def import_csv(tx: Tx, actor: Actor, list_id: int, text: str) -> int:
    """Add the CSV's addresses (``email``, optional ``name`` and ``status``, default confirmed:
    staff vouch that these people agreed before); addresses already on the list are kept as
    they are. How many were added; nothing is mailed."""
    await owned(tx, actor, list_id)
    rows = _parse(text)
    existing = set(
        await tx.session.scalars(
            select(NewsletterSubscriber.email).where(NewsletterSubscriber.list_id == list_id)
        )
    )
    moment, added = now(), 0
    for email, name, status in rows:
        if email in existing:
            continue
        existing.add(email)
        tx.session.add(
            NewsletterSubscriber(
                id=new_id(),
                list_id=list_id,
                email=email,
                name=name,
                status=status,
                source="import",
                token=secrets.token_urlsafe(32),
                created_at=moment,
                confirmed_at=moment if status == "confirmed" else None,
            )
        )
        added += 1
    return added
