"""The desk's rules (docs/api.md, "Desk rules"): ``/api/porina/v1/desk/rules`` — list,
create, read, replace (PUT), change (PATCH), delete. ``position`` in a create, PUT or PATCH
moves the rule among the brand's rules (1 is tried first). Owners and managers write;
everyone who works conversations reads; analysts get 403, another brand's rule is a 404."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, delete, get, patch, post, put

from porina.api.mastodon.auth import actor_of, require, services_of
from porina.api.mastodon.params import Params
from porina.core.actor import Actor
from porina.core.ids import parse_id
from porina.desk import rules
from porina.desk.rules import RuleNotFound
from porina.desk.rules_models import DeskRule
from porina.render.renderer import timestamp

BASE = "/api/porina/v1/desk/rules"


class RuleConditions(msgspec.Struct, kw_only=True):
    channels: list[str] | None = None
    keywords: list[str] | None = None
    languages: list[str] | None = None
    sentiments: list[str] | None = None
    followers_min: int | None = None
    followers_max: int | None = None
    labels: list[str] | None = None
    business_hours: str | None = None


class RuleActions(msgspec.Struct, kw_only=True):
    assign: str | None = None
    add_labels: list[str] | None = None
    priority: str | None = None
    reply: str | None = None
    resolve: bool = False


class Rule(msgspec.Struct, kw_only=True):
    id: str
    name: str
    position: int
    enabled: bool
    conditions: RuleConditions
    actions: RuleActions
    created_by_id: str | None
    created_at: str
    updated_at: str


def _entity(row: DeskRule) -> Rule:
    return Rule(
        id=str(row.id),
        name=row.name,
        position=row.position,
        enabled=row.enabled,
        conditions=msgspec.convert(row.conditions, RuleConditions),
        actions=msgspec.convert(row.actions, RuleActions),
        created_by_id=str(row.created_by_user_id) if row.created_by_user_id else None,
        created_at=timestamp(row.created_at) or "",
        updated_at=timestamp(row.updated_at) or "",
    )


def _id(raw: str) -> int:
    parsed = parse_id(raw)
    if parsed is None:
        raise RuleNotFound()
    return parsed


async def _actor(request: Request[Any, Any, Any], scope: str) -> Actor:
    return actor_of(await require(request, scope))


async def _fields(request: Request[Any, Any, Any]) -> dict[str, Any]:
    data = (await Params.of(request)).data
    known = ("name", "position", "enabled", "conditions", "actions")
    return {k: v for k, v in data.items() if k in known}


@get(BASE)
async def list_rules(request: Request[Any, Any, Any]) -> list[Rule]:
    """The brand's rules in the order they are tried (the first enabled match wins)."""
    actor = await _actor(request, "read:statuses")
    async with services_of(request).db.read() as session:
        return [_entity(r) for r in await rules.listed(session, actor)]


@post(BASE, status_code=200)
async def create_rule(request: Request[Any, Any, Any]) -> Rule:
    """``name``, ``conditions``, ``actions``; ``enabled`` (true), ``position`` (last)."""
    actor = await _actor(request, "write:statuses")
    fields = await _fields(request)
    async with services_of(request).db.transaction() as tx:
        row = await rules.create(tx, actor, fields)
    return _entity(row)


@get(f"{BASE}/{{rule_id:str}}")
async def get_rule(request: Request[Any, Any, Any], rule_id: str) -> Rule:
    actor = await _actor(request, "read:statuses")
    async with services_of(request).db.read() as session:
        return _entity(await rules.one(session, actor, _id(rule_id)))


@put(f"{BASE}/{{rule_id:str}}")
async def replace_rule(request: Request[Any, Any, Any], rule_id: str) -> Rule:
    """The whole rule again (``name``, ``conditions``, ``actions``, ``enabled``), and
    ``position`` to move it."""
    actor = await _actor(request, "write:statuses")
    fields = await _fields(request)
    async with services_of(request).db.transaction() as tx:
        row = await rules.update(tx, actor, _id(rule_id), fields, partial=False)
    return _entity(row)


@patch(f"{BASE}/{{rule_id:str}}")
async def patch_rule(request: Request[Any, Any, Any], rule_id: str) -> Rule:
    """Only the fields given (e.g. ``enabled`` or ``position``)."""
    actor = await _actor(request, "write:statuses")
    fields = await _fields(request)
    async with services_of(request).db.transaction() as tx:
        row = await rules.update(tx, actor, _id(rule_id), fields, partial=True)
    return _entity(row)


@delete(f"{BASE}/{{rule_id:str}}", status_code=200)
async def delete_rule(request: Request[Any, Any, Any], rule_id: str) -> dict[str, Any]:
    actor = await _actor(request, "write:statuses")
    async with services_of(request).db.transaction() as tx:
        await rules.remove(tx, actor, _id(rule_id))
    return {}


ROUTES = [list_rules, create_rule, get_rule, replace_rule, patch_rule, delete_rule]
