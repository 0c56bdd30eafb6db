"""``/api/v1/admin/domain_blocks``: the admin's blocks of other servers (Mastodon's
``Admin::DomainBlock``), applied to federation by ``federation/domain_blocks.py``. Admins and
moderators only (403 otherwise), scopes ``admin:read:domain_blocks`` /
``admin:write:domain_blocks``."""

from __future__ import annotations

from typing import Any, cast

from litestar import Request, Response, delete, get, post, put
from sqlalchemy import select

from porina.api.mastodon.admin import _id
from porina.api.mastodon.auth import require_admin, services_of
from porina.api.mastodon.pagination import Page, link_header
from porina.api.mastodon.params import Params
from porina.core.clock import iso
from porina.core.errors import Unprocessable
from porina.federation import domain_blocks as blocks
from porina.federation.domain_models import InstanceBlock
from porina.federation.domains import digest
from porina.render import entities as e

READ, WRITE = "admin:read:domain_blocks", "admin:write:domain_blocks"


class AdminDomainBlock(e.Entity):
    id: str
    domain: str
    digest: str
    created_at: str
    severity: str
    reject_media: bool
    reject_reports: bool
    private_comment: str | None
    public_comment: str | None
    obfuscate: bool


def entity(block: InstanceBlock) -> AdminDomainBlock:
    return AdminDomainBlock(
        id=str(block.id),
        domain=block.domain,
        digest=digest(block.domain),
        created_at=iso(block.created_at) or "",
        severity=block.severity,
        reject_media=block.reject_media,
        reject_reports=block.reject_reports,
        private_comment=block.private_comment,
        public_comment=block.public_comment,
        obfuscate=block.obfuscate,
    )


def _fields(params: Params, base: InstanceBlock | None = None) -> blocks.BlockFields:
    """The fields sent, each defaulting to the block's current value (or Mastodon's)."""
    old = blocks.BlockFields() if base is None else _fields_of(base)
    comment = blocks.COMMENT_MAX
    return blocks.BlockFields(
        severity=params.text("severity", old.severity, max_len=16),
        reject_media=params.bool("reject_media", old.reject_media),
        reject_reports=params.bool("reject_reports", old.reject_reports),
        obfuscate=params.bool("obfuscate", old.obfuscate),
        private_comment=params.str("private_comment", old.private_comment, max_len=comment),
        public_comment=params.str("public_comment", old.public_comment, max_len=comment),
    )


def _fields_of(block: InstanceBlock) -> blocks.BlockFields:
    return blocks.BlockFields(
        block.severity,
        block.reject_media,
        block.reject_reports,
        block.obfuscate,
        block.private_comment,
        block.public_comment,
    )


@get("/api/v1/admin/domain_blocks")
async def list_blocks(request: Request[Any, Any, Any]) -> Response[list[AdminDomainBlock]]:
    """The domain blocks, newest first, up to 200 a page (default 100), with Link headers."""
    await require_admin(request, READ)
    page = Page.of(await Params.of(request), 100, 200)
    query = page.apply(select(InstanceBlock), cast(Any, InstanceBlock.id))
    async with services_of(request).db.read() as session:
        rows: list[InstanceBlock] = page.arrange(list(await session.scalars(query)))
    body = [entity(b) for b in rows]
    return Response(body, headers=link_header(request, [b.id for b in rows], page))


@get("/api/v1/admin/domain_blocks/{block_id:str}")
async def show_block(request: Request[Any, Any, Any], block_id: str) -> AdminDomainBlock:
    await require_admin(request, READ)
    async with services_of(request).db.read() as session:
        return entity(await blocks.get(session, _id(block_id)))


@post("/api/v1/admin/domain_blocks", status_code=200)
async def create_block(request: Request[Any, Any, Any]) -> AdminDomainBlock:
    """Block a domain: ``domain`` (required), ``severity`` (``silence``, the default,
    ``suspend`` or ``noop``), ``reject_media``, ``reject_reports``, ``private_comment``,
    ``public_comment``, ``obfuscate``. 422 for a domain blocked already or a bad field."""
    await require_admin(request, WRITE)
    params = await Params.of(request)
    domain = params.text("domain", max_len=253)
    if not domain.strip():
        raise Unprocessable("Validation failed: Domain can't be blank")
    async with services_of(request).db.transaction() as tx:
        block = await blocks.create(tx, domain, _fields(params))
    return entity(block)


@put("/api/v1/admin/domain_blocks/{block_id:str}", status_code=200)
async def change_block(request: Request[Any, Any, Any], block_id: str) -> AdminDomainBlock:
    """Change a block's fields (the domain stays); fields not sent keep their value."""
    await require_admin(request, WRITE)
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        current = await blocks.get(tx.session, _id(block_id))
        block = await blocks.change(tx, current.id, _fields(params, current))
    return entity(block)


@delete("/api/v1/admin/domain_blocks/{block_id:str}", status_code=200)
async def remove_block(request: Request[Any, Any, Any], block_id: str) -> dict[str, Any]:
    """Lift a block: deliveries resume, and the accounts it suspended or silenced are
    restored."""
    await require_admin(request, WRITE)
    async with services_of(request).db.transaction() as tx:
        await blocks.remove(tx, _id(block_id))
    return {}


ROUTES = [list_blocks, show_block, create_block, change_block, remove_block]
