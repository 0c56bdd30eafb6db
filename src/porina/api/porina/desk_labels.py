"""The desk's label catalogue (docs/api.md, "Desk labels"): ``/api/porina/v1/desk/labels`` —
list (with open conversations per label), create, update (a rename renames it on the brand's
conversations), delete (takes it off them). Owners and managers write; everyone who works
conversations reads."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, delete, get, post, put

from porina.api.mastodon.auth import actor_of, require, services_of
from porina.api.mastodon.params import Params
from porina.core.actor import Actor
from porina.core.ids import parse_id
from porina.desk import labels
from porina.desk.contacts_models import DeskLabel
from porina.desk.labels import LabelNotFound
from porina.render.renderer import timestamp

BASE = "/api/porina/v1/desk/labels"
FIELDS = ("name", "colour", "description")


class Label(msgspec.Struct, kw_only=True):
    id: str
    name: str
    colour: str
    description: str
    open_conversations: int
    created_at: str


def _entity(row: DeskLabel, count: int) -> Label:
    return Label(
        id=str(row.id),
        name=row.name,
        colour=row.colour,
        description=row.description,
        open_conversations=count,
        created_at=timestamp(row.created_at) or "",
    )


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise LabelNotFound()
    return parsed


async def _actor(request: Request[Any, Any, Any], scope: str) -> Actor:
    return actor_of(await require(request, scope))


async def _counted(request: Request[Any, Any, Any], actor: Actor, row: DeskLabel) -> Label:
    async with services_of(request).db.read() as session:
        counts = await labels.open_counts(session, actor.account_id)
    return _entity(row, counts.get(row.name, 0))


@get(BASE)
async def list_labels(request: Request[Any, Any, Any]) -> list[Label]:
    """The brand's labels by name, each with its number of open conversations."""
    actor = await _actor(request, "read:statuses")
    async with services_of(request).db.read() as session:
        return [_entity(row, count) for row, count in await labels.listed(session, actor)]


@post(BASE, status_code=200)
async def create_label(request: Request[Any, Any, Any]) -> Label:
    """``name`` (1-40 letters, digits, spaces, - or _; stored lower case), ``colour``
    (#rrggbb), ``description``."""
    actor = await _actor(request, "write:conversations")
    params = await Params.of(request)
    async with services_of(request).db.transaction() as tx:
        row = await labels.create(tx, actor, params.data)
    return await _counted(request, actor, row)


@put(f"{BASE}/{{label_id:str}}")
async def update_label(request: Request[Any, Any, Any], label_id: str) -> Label:
    """Change any of ``name`` (renames it on the brand's conversations), ``colour``,
    ``description``."""
    actor = await _actor(request, "write:conversations")
    params = await Params.of(request)
    fields = {k: v for k, v in params.data.items() if k in FIELDS}
    async with services_of(request).db.transaction() as tx:
        row = await labels.update(tx, actor, _id(label_id), fields)
    return await _counted(request, actor, row)


@delete(f"{BASE}/{{label_id:str}}", status_code=200)
async def delete_label(request: Request[Any, Any, Any], label_id: str) -> dict[str, Any]:
    """Delete the label and take it off the brand's conversations."""
    actor = await _actor(request, "write:conversations")
    async with services_of(request).db.transaction() as tx:
        await labels.remove(tx, actor, _id(label_id))
    return {}


ROUTES = [list_labels, create_label, update_label, delete_label]
