"""The admin's domain blocks (Mastodon's ``Admin::DomainBlock``): the actions behind
``/api/v1/admin/domain_blocks``.

- ``suspend``: nothing is delivered to the domain and its inbox POSTs are refused (403,
  ``federation/domains.py``); its accounts here are suspended (hidden wherever a suspended
  account is: timelines, profiles, search, notifications) from the block's ``created_at``, and
  unsuspended when the block is lifted or softened (only those the block suspended);
- ``silence``: its accounts here are silenced (``silenced_at``), as a moderator's silence;
- ``noop``: recorded, nothing applied (``reject_media``/``reject_reports`` are kept for the
  media proxy and reports).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import Account
from porina.core.clock import aware, now
from porina.core.errors import NotFound, Unprocessable
from porina.core.ids import new_id
from porina.federation import domains
from porina.federation.domain_models import InstanceBlock
from porina.storage import invalidation
from porina.storage.db import Tx

COMMENT_MAX = 1000


@dataclass(frozen=True, slots=True)
class BlockFields:
    severity: str = "silence"
    reject_media: bool = False
    reject_reports: bool = False
    obfuscate: bool = False
    private_comment: str | None = None
    public_comment: str | None = None


def normal_domain(text: str) -> str:
    """``example.com`` from what an admin types (a URL, an upper-case name, a trailing dot)."""
    value = text.strip().lower()
    if "://" in value:
        value = domains.domain_of(value)
    value = value.strip("/").rstrip(".")
    if not value or len(value) > 253 or any(c in value for c in " /?#@\\"):
        raise Unprocessable("Validation failed: Domain is invalid")
    return value


def _check(fields: BlockFields) -> None:
    if fields.severity not in domains.SEVERITIES:
        raise Unprocessable("Validation failed: Severity is not included in the list")
    for comment in (fields.private_comment, fields.public_comment):
        if comment is not None and len(comment) > COMMENT_MAX:
            raise Unprocessable(f"Validation failed: comment is too long (maximum {COMMENT_MAX})")


async def listed(session: AsyncSession) -> list[InstanceBlock]:
    return list(await session.scalars(select(InstanceBlock).order_by(InstanceBlock.id)))


async def get(session: AsyncSession, block_id: int) -> InstanceBlock:
    block = await session.get(InstanceBlock, block_id)
    if block is None:
        raise NotFound()
    return block


async def create(tx: Tx, domain: str, fields: BlockFields) -> InstanceBlock:
    """Block ``domain``; 422 when it is blocked already (change that block instead)."""
    _check(fields)
    name = normal_domain(domain)
    if await tx.session.scalar(select(InstanceBlock.id).where(InstanceBlock.domain == name)):
        raise Unprocessable(f"Validation failed: {name} is blocked already", code="existing_block")
    block = InstanceBlock(id=new_id(), domain=name, created_at=now(), **dataclasses.asdict(fields))
    await domains.keep_block(tx, block)
    await _apply(tx, block.domain, block.severity, aware(block.created_at))
    return block


async def change(tx: Tx, block_id: int, fields: BlockFields) -> InstanceBlock:
    _check(fields)
    block = await get(tx.session, block_id)
    before = block.severity
    for name, value in dataclasses.asdict(fields).items():
        setattr(block, name, value)
    await domains.keep_block(tx, block)
    if before != block.severity:
        await _lift(tx, block.domain, before, aware(block.created_at))
        await _apply(tx, block.domain, block.severity, aware(block.created_at))
    return block


async def remove(tx: Tx, block_id: int) -> None:
    block = await get(tx.session, block_id)
    await _lift(tx, block.domain, block.severity, aware(block.created_at))
    await tx.session.delete(block)
    await tx.session.flush()
    tx.after_commit(_forget)


async def _forget() -> None:
    domains.forget()


def _of_domain(domain: str) -> ColumnElement[bool]:
    """Remote accounts on ``domain`` or its subdomains, any port."""
    return and_(
        Account.domain.is_not(None),
        or_(
            Account.domain == domain,
            Account.domain.like(f"{domain}:%"),
            Account.domain.like(f"%.{domain}"),
            Account.domain.like(f"%.{domain}:%"),
        ),
    )


async def _apply(tx: Tx, domain: str, severity: str, since: datetime) -> None:
    column = {"suspend": Account.suspended_at, "silence": Account.silenced_at}.get(severity)
    if column is None:
        return
    ids = list(
        await tx.session.scalars(select(Account.id).where(_of_domain(domain), column.is_(None)))
    )
    await tx.session.execute(
        update(Account)
        .where(Account.id.in_(ids))
        .values({column.key: since})
        .execution_options(synchronize_session=False)
    )
    if severity == "suspend":
        for account_id in ids:
            invalidation.after_commit(tx, invalidation.account_restricted(account_id))


async def restrictions(session: AsyncSession, domain: str) -> dict[str, datetime]:
    """The columns an account first seen on ``domain`` starts with: ``suspended_at`` or
    ``silenced_at`` at the covering block's time (so lifting the block lifts them too)."""
    blocks = await session.execute(
        select(InstanceBlock.domain, InstanceBlock.severity, InstanceBlock.created_at).where(
            InstanceBlock.severity.in_(("suspend", "silence"))
        )
    )
    column = {"suspend": "suspended_at", "silence": "silenced_at"}
    return {
        column[severity]: aware(created_at)
        for name, severity, created_at in blocks
        if domains.covered(domain, [name])
    }


async def _lift(tx: Tx, domain: str, severity: str, since: datetime) -> None:
    """Undo ``_apply``: only the accounts the block restricted (same moment)."""
    column = {"suspend": Account.suspended_at, "silence": Account.silenced_at}.get(severity)
    if column is None:
        return
    await tx.session.execute(
        update(Account)
        .where(_of_domain(domain), column == since)
        .values({column.key: None})
        .execution_options(synchronize_session=False)
    )


def shown_domain(block: InstanceBlock) -> str:
    """The domain as the public list shows it: with ``obfuscate``, the middle letters
    starred (dots kept), as Mastodon does."""
    name = block.domain
    if not block.obfuscate:
        return name
    edge = len(name) // 4
    return "".join(
        "*" if edge < i < len(name) - edge and c != "." else c for i, c in enumerate(name)
    )


async def published(session: AsyncSession) -> list[dict[str, str | None]]:
    """``/api/v1/instance/domain_blocks``: the silences and suspensions (not ``noop``), each
    ``{domain, digest, severity, comment}`` (the public comment)."""
    rows = await session.scalars(
        select(InstanceBlock).where(InstanceBlock.severity != "noop").order_by(InstanceBlock.domain)
    )
    return [
        {
            "domain": shown_domain(b),
            "digest": domains.digest(b.domain),
            "severity": b.severity,
            "comment": b.public_comment,
        }
        for b in rows
    ]
