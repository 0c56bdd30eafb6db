"""The desk's rules (issue 16, point 4): a brand's ordered *conditions → actions*, written by
its owners and managers, read by everyone who works conversations. ``desk.rules_engine`` runs
them on incoming items.

Conditions (every one given must hold; an empty set matches every item):

- ``channels``: the item's kind, any of mention, reply, direct, quote, outreach;
- ``keywords``: any of them in the message, case-insensitively, as a whole word (Unicode
  letters); a trailing ``*`` matches a word's beginning, so ``palaut*`` finds Finnish
  inflections (palautus, palautuksen, palauttaa...);
- ``languages``: the status's language (ISO 639-1), any of;
- ``sentiments``: the item's classification, any of positive, neutral, negative;
- ``followers_min`` / ``followers_max``: the sender's follower count, inclusive;
- ``labels``: the conversation has any of these labels;
- ``business_hours``: ``inside`` or ``outside`` the brand's business hours at that moment.

Actions (at least one): ``assign`` — a staff member's own account id, or ``round_robin``
(the brand's agent given a conversation by a rule least recently); ``add_labels``;
``priority``; ``reply`` — an auto-reply with the saved-reply variables ``{{first_name}}``,
``{{name}}``, ``{{username}}``, ``{{brand}}``; ``resolve``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal, TypeVar

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.models import User
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import NotFound
from porina.core.i18n import N_
from porina.core.ids import new_id, parse_id
from porina.desk import access
from porina.desk.errors import InvalidDeskRequest
from porina.desk.events import DeskRuleChanged
from porina.desk.models import PRIORITIES
from porina.desk.rules_models import DeskRule, DeskRuleRun
from porina.jobs.events import emit
from porina.storage.db import Tx

CHANNELS = ("mention", "reply", "direct", "quote", "outreach")
SENTIMENTS = ("positive", "neutral", "negative")
REPLY_VARIABLES = ("first_name", "name", "username", "brand")
MANAGERS = access.MANAGERS
MAX_RULES = 100
MAX_NAME = 80
MAX_REPLY = 500
NOT_MANAGER = "Only the brand's owners and managers can write rules"
_KEYWORD = re.compile(r"^[^\W_](?:[\w' -]{0,48}[^\W_])?\*?$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_VARIABLE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_LABEL = re.compile(r"^[\w][\w -]{0,39}$")
MAX_LABELS = 20
T = TypeVar("T")


class RuleNotFound(NotFound):
    code = "desk_rule_not_found"


class Conditions(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    channels: list[str] | None = None
    keywords: list[str] | None = None
    languages: list[str] | None = None
    sentiments: list[str] | None = None
    followers_min: int | None = None
    followers_max: int | None = None
    labels: list[str] | None = None
    business_hours: Literal["inside", "outside"] | None = None


class Actions(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    assign: str | None = None
    """A staff member's own account id, or ``round_robin``."""
    add_labels: list[str] | None = None
    priority: str | None = None
    reply: str | None = None
    resolve: bool = False


def _fail(message: str) -> InvalidDeskRequest:
    return InvalidDeskRequest(f"Validation failed: {message}")


def _refuse(template: str, **values: object) -> InvalidDeskRequest:
    """A refusal with values: ``template`` marked ``N_`` (pages translate it)."""
    return InvalidDeskRequest.filled(template, **values)


def _decode(raw: object, kind: type[T], field: str) -> T:
    if not isinstance(raw, dict):
        raise _refuse(N_("Validation failed: %(field)s must be an object"), field=field)
    try:
        return msgspec.convert(raw, kind)
    except msgspec.ValidationError as error:
        detail = str(error).replace("`$.", f"`{field}.").replace("`$`", f"`{field}`")
        raise _refuse(
            N_("Validation failed: %(field)s: %(detail)s"), field=field, detail=detail
        ) from None


def check_labels(raw: list[str], field: str) -> list[str]:
    """Labels as triage stores them (lower case, sorted, no repeats)."""
    labels = sorted({str(value).strip().lower() for value in raw})
    if len(labels) > MAX_LABELS or any(not _LABEL.match(label) for label in labels):
        raise _refuse(
            N_(
                "Validation failed: %(field)s are at most %(count)s "
                "of 1-40 letters, digits, spaces, - or _"
            ),
            field=field,
            count=MAX_LABELS,
        )
    return labels


def _among(values: list[str] | None, allowed: tuple[str, ...], field: str) -> None:
    for value in values or ():
        if value not in allowed:
            raise _refuse(
                N_("Validation failed: conditions.%(field)s must be among %(allowed)s"),
                field=field,
                allowed=", ".join(allowed),
            )


def _check_conditions(found: Conditions) -> Conditions:
    _among(found.channels, CHANNELS, "channels")
    _among(found.sentiments, SENTIMENTS, "sentiments")
    keywords = [k.strip().casefold() for k in found.keywords or ()]
    if len(keywords) > 50 or any(not _KEYWORD.match(k) for k in keywords):
        raise _fail("conditions.keywords are 1-50 words or phrases, '*' only at the end")
    found.keywords = keywords or None
    languages = [lang.strip().lower() for lang in found.languages or ()]
    if any(not _LANGUAGE.match(lang) for lang in languages):
        raise _fail("conditions.languages are two-letter language codes (en, fi)")
    found.languages = languages or None
    for name in ("followers_min", "followers_max"):
        value = getattr(found, name)
        if value is not None and value < 0:
            raise _refuse(
                N_("Validation failed: conditions.%(field)s can't be negative"), field=name
            )
    low, high = found.followers_min, found.followers_max
    if low is not None and high is not None and low > high:
        raise _fail("conditions.followers_min is more than followers_max")
    if found.labels is not None:
        found.labels = check_labels(found.labels, "conditions.labels") or None
    return found


def _check_reply(text: str) -> str:
    if not text.strip() or len(text) > MAX_REPLY:
        raise _fail(f"actions.reply is 1-{MAX_REPLY} characters")
    unknown = sorted({n for n in _VARIABLE.findall(text) if n not in REPLY_VARIABLES})
    if unknown:
        known = ", ".join("{{" + v + "}}" for v in REPLY_VARIABLES)
        raise _refuse(
            N_(
                "Validation failed: actions.reply has an unknown variable %(variable)s "
                "(known: %(known)s)"
            ),
            variable="{{" + unknown[0] + "}}",
            known=known,
        )
    return text


async def _check_assignee(session: AsyncSession, brand_id: int, raw: str) -> str:
    if raw == "round_robin":
        return raw
    account_id = parse_id(raw)
    user_id = None
    if account_id is not None:
        user_id = await session.scalar(select(User.id).where(User.account_id == account_id))
    role = None if user_id is None else await access.role(session, Actor(brand_id, user_id))
    if role not in access.WORKERS:
        raise _fail("actions.assign must be round_robin or the account id of a team member")
    return raw


async def _check_actions(session: AsyncSession, brand_id: int, found: Actions) -> Actions:
    if found.assign is not None:
        found.assign = await _check_assignee(session, brand_id, found.assign.strip())
    if found.add_labels is not None:
        found.add_labels = check_labels(found.add_labels, "actions.add_labels") or None
    if found.priority is not None and found.priority not in PRIORITIES:
        raise _fail(f"actions.priority must be one of {', '.join(PRIORITIES)}")
    if found.reply is not None:
        found.reply = _check_reply(found.reply)
    if msgspec.to_builtins(found) == {}:
        raise _fail("actions must do something: assign, add_labels, priority, reply or resolve")
    return found


def conditions_of(rule: DeskRule) -> Conditions:
    return msgspec.convert(rule.conditions, Conditions)


def actions_of(rule: DeskRule) -> Actions:
    return msgspec.convert(rule.actions, Actions)


async def listed(session: AsyncSession, actor: Actor) -> list[DeskRule]:
    """The brand's rules in the order they are tried."""
    staff = await access.worker(session, actor)
    rows = await session.scalars(
        select(DeskRule)
        .where(DeskRule.brand_account_id == staff.brand_id)
        .order_by(DeskRule.position, DeskRule.id)
    )
    return list(rows)


async def one(session: AsyncSession, actor: Actor, rule_id: int) -> DeskRule:
    staff = await access.worker(session, actor)
    row = await session.get(DeskRule, rule_id)
    if row is None or row.brand_account_id != staff.brand_id:
        raise RuleNotFound()
    return row


def _name(raw: object) -> str:
    name = str(raw or "").strip()
    if not name or len(name) > MAX_NAME:
        raise _fail(f"name is 1-{MAX_NAME} characters")
    return name


def _position(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= MAX_RULES:
        raise _fail(f"position must be a whole number from 1 to {MAX_RULES}")
    return raw


def _enabled(raw: object) -> bool:
    if not isinstance(raw, bool):
        raise _fail("enabled must be true or false")
    return raw


async def _checked(
    session: AsyncSession, brand_id: int, fields: Mapping[str, Any]
) -> tuple[str, bool, dict[str, Any], dict[str, Any]]:
    name = _name(fields.get("name"))
    enabled = _enabled(fields.get("enabled", True))
    conditions = _check_conditions(_decode(fields.get("conditions", {}), Conditions, "conditions"))
    actions = await _check_actions(
        session, brand_id, _decode(fields.get("actions"), Actions, "actions")
    )
    return name, enabled, msgspec.to_builtins(conditions), msgspec.to_builtins(actions)


async def _brand_rules(tx: Tx, brand_id: int) -> list[DeskRule]:
    rows = await tx.session.scalars(
        select(DeskRule)
        .where(DeskRule.brand_account_id == brand_id)
        .order_by(DeskRule.position, DeskRule.id)
        .with_for_update()
    )
    return list(rows)


def _place(rules: list[DeskRule], row: DeskRule, position: int | None) -> None:
    """Move ``row`` to ``position`` (1 first; None: last) and number them all 1, 2, 3..."""
    others = [r for r in rules if r.id != row.id]
    at = len(others) if position is None else min(position - 1, len(others))
    others.insert(at, row)
    for number, rule in enumerate(others, start=1):
        rule.position = number


async def _changed(tx: Tx, actor: Actor, rule_id: int, change: str) -> None:
    event = DeskRuleChanged(
        actor=actor, brand_account_id=actor.account_id, rule_id=rule_id, change=change
    )
    await emit(tx, event)


async def create(tx: Tx, actor: Actor, fields: Mapping[str, Any]) -> DeskRule:
    """A new rule, last unless ``position`` says where (the others move down)."""
    await access.manager(tx.session, actor, NOT_MANAGER)
    brand = actor.account_id
    name, enabled, conditions, actions = await _checked(tx.session, brand, fields)
    position = _position(fields["position"]) if fields.get("position") is not None else None
    rules = await _brand_rules(tx, brand)
    if len(rules) >= MAX_RULES:
        raise _fail(f"at most {MAX_RULES} rules")
    moment = now()
    row = DeskRule(
        id=new_id(),
        brand_account_id=brand,
        name=name,
        position=len(rules) + 1,
        enabled=enabled,
        conditions=conditions,
        actions=actions,
        created_by_user_id=actor.user_id,
        created_at=moment,
        updated_at=moment,
    )
    _place(rules, row, position)
    tx.session.add(row)
    await tx.session.flush()
    await _changed(tx, actor, row.id, "created")
    return row


async def update(
    tx: Tx, actor: Actor, rule_id: int, fields: Mapping[str, Any], *, partial: bool
) -> DeskRule:
    """Replace the rule (PUT: name and actions required) or change the given fields (PATCH);
    ``position`` moves it among the brand's rules."""
    await access.manager(tx.session, actor, NOT_MANAGER)
    rules = await _brand_rules(tx, actor.account_id)
    row = next((r for r in rules if r.id == rule_id), None)
    if row is None:
        raise RuleNotFound()
    merged: dict[str, Any] = dict(fields)
    if partial:
        current = {
            "name": row.name,
            "enabled": row.enabled,
            "conditions": row.conditions,
            "actions": row.actions,
        }
        merged = {**current, **{k: v for k, v in fields.items() if k in current}}
    name, enabled, conditions, actions = await _checked(tx.session, actor.account_id, merged)
    if fields.get("position") is not None:
        _place(rules, row, _position(fields["position"]))
    row.name, row.enabled, row.conditions, row.actions = name, enabled, conditions, actions
    row.updated_at = now()
    await tx.session.flush()
    await _changed(tx, actor, row.id, "updated")
    return row


async def remove(tx: Tx, actor: Actor, rule_id: int) -> None:
    await access.manager(tx.session, actor, NOT_MANAGER)
    rules = await _brand_rules(tx, actor.account_id)
    row = next((r for r in rules if r.id == rule_id), None)
    if row is None:
        raise RuleNotFound()
    await tx.session.delete(row)
    for number, rule in enumerate((r for r in rules if r.id != rule_id), start=1):
        rule.position = number
    await tx.session.flush()
    await _changed(tx, actor, rule_id, "deleted")


async def has_enabled(session: AsyncSession, brand_id: int) -> bool:
    found = await session.scalar(
        select(func.count())
        .select_from(DeskRule)
        .where(DeskRule.brand_account_id == brand_id, DeskRule.enabled.is_(True))
    )
    return bool(found)


async def runs_of(session: AsyncSession, conversation_id: int) -> list[DeskRuleRun]:
    """What the rules did to a conversation, oldest first."""
    rows = await session.scalars(
        select(DeskRuleRun)
        .where(DeskRuleRun.conversation_id == conversation_id)
        .order_by(DeskRuleRun.id)
    )
    return list(rows)
