"""Running the desk's rules (``desk.rules`` has what they say).

**When.** A rule is tried when an incoming message (mention, reply, direct, quote, outreach)
*opens* a conversation: the person's first message, or one that reopens a resolved, snoozed
or pending conversation. Messages that join a conversation already open run no rule: the
team is on it, and an auto-reply answers a conversation once per cycle, not every message
(Chatwoot's "conversation created" / "conversation opened" events, not "message created").

**How.** In the ingestion's transaction the desk only queues a job (``desk.rules``) when the
brand has an enabled rule; after commit the job reads the item and its conversation, takes
the brand's enabled rules by position and applies the **first** whose conditions all hold,
in one transaction of its own. A rule that cannot act (its assignee left the team, the
person has no public message to reply to) is logged and recorded as failed in
``desk_rule_runs``, its changes rolled back, and never retried: the item is in the inbox
whatever happens here.

**Marked.** Every change carries the rule's id in its event (``rule_id``) and the actor has
no person (``actor.user_id`` None), so the response metrics do not count an auto-reply as a
first response or reply, nor an auto-resolve as a resolution (``desk.metrics``); each run is
a row of ``desk_rule_runs``, which the conversation's detail shows ("by rule 'Name'").

**Round-robin** gives the conversation to the brand's agent (role agent) a rule assigned a
conversation to least recently (never first; ties by user id): fair and deterministic;
someone no longer on the team is no longer among them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from porina.accounts.models import Account, User
from porina.accounts.operators import team
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.errors import PorinaError
from porina.core.ids import new_id
from porina.desk import access, actions, business_hours, metrics, rules
from porina.desk import labels as catalogue
from porina.desk.events import DeskAssigned, DeskItemAdded, DeskTriaged
from porina.desk.models import DeskConversation, DeskItem
from porina.desk.rules import Actions, Conditions
from porina.desk.rules_models import DeskRule, DeskRuleRun
from porina.jobs.events import emit, subscribe
from porina.jobs.queue import JobContext, enqueue, handler
from porina.posts.models import Status
from porina.storage.db import Tx

log = logging.getLogger(__name__)
JOB = "desk.rules"
TRIGGERS = frozenset(rules.CHANNELS)
AGENTS = frozenset({"agent", "responder"})
_TAGS = re.compile(r"<[^>]+>")
_VARIABLE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


class RuleFailed(Exception):
    """The rule matched but could not act; nothing it did is kept."""


@dataclass(frozen=True, slots=True)
class Facts:
    """What the conditions look at, for one incoming item."""

    kind: str
    text: str
    language: str | None
    sentiment: str
    followers: int
    labels: frozenset[str]
    inside_hours: bool


def keyword_in(keyword: str, text: str) -> bool:
    """A whole word or phrase, case-insensitively (Unicode); ``word*`` matches a prefix."""
    stem = keyword.casefold()
    tail = r"\w*" if stem.endswith("*") else r"(?!\w)"
    pattern = r"(?<!\w)" + re.escape(stem.rstrip("*")) + tail
    return re.search(pattern, text.casefold()) is not None


def matches(found: Conditions, facts: Facts) -> bool:
    """Every condition given holds."""
    checks = (
        found.channels is None or facts.kind in found.channels,
        found.languages is None or facts.language in found.languages,
        found.sentiments is None or facts.sentiment in found.sentiments,
        found.followers_min is None or facts.followers >= found.followers_min,
        found.followers_max is None or facts.followers <= found.followers_max,
        found.labels is None or bool(facts.labels & set(found.labels)),
        found.business_hours is None or (found.business_hours == "inside") == facts.inside_hours,
        found.keywords is None or any(keyword_in(k, facts.text) for k in found.keywords),
    )
    return all(checks)


# --- when: queue the job in the ingestion's transaction ------------------------------------


async def _earlier_message(tx: Tx, event: DeskItemAdded) -> bool:
    found = await tx.session.scalar(
        select(DeskItem.id)
        .where(
            DeskItem.conversation_id == event.conversation_id,
            DeskItem.kind.in_(TRIGGERS),
            DeskItem.id != event.item_id,
        )
        .limit(1)
    )
    return found is not None


@subscribe(DeskItemAdded, when=lambda e: e.kind in TRIGGERS)
async def item_added(tx: Tx, event: DeskItemAdded) -> None:
    """Queue the rules for an item that opened its conversation, if the brand has any."""
    enabled = event.has_rules
    if enabled is None:
        enabled = await rules.has_enabled(tx.session, event.brand_account_id)
    if not enabled:
        return
    if not event.reopened and await _earlier_message(tx, event):
        return
    payload = {
        "brand_account_id": event.brand_account_id,
        "conversation_id": event.conversation_id,
        "item_id": event.item_id,
    }
    await enqueue(tx, JOB, payload, key=f"{JOB}:{event.item_id}", max_attempts=1)


# --- which rule ---------------------------------------------------------------------------


def _plain(status: Status | None) -> tuple[str, str | None]:
    if status is None:
        return "", None
    return status.text or _TAGS.sub(" ", status.content or ""), status.language


async def facts_of(tx: Tx, found: DeskConversation, item: DeskItem) -> Facts:
    status = None if item.status_id is None else await tx.session.get(Status, item.status_id)
    text, language = _plain(status)
    contact = await tx.session.get(Account, found.contact_account_id)
    plan = await metrics.brand_schedule(tx.session, found.brand_account_id)
    moment = now()
    inside = business_hours.open_seconds(plan, moment, moment + timedelta(seconds=1)) > 0
    return Facts(
        kind=item.kind,
        text=text,
        language=language,
        sentiment=item.sentiment or "neutral",
        followers=contact.followers_count if contact else 0,
        labels=frozenset(found.labels or ()),
        inside_hours=inside,
    )


async def first_match(tx: Tx, brand_id: int, facts: Facts) -> DeskRule | None:
    """The first enabled rule by position whose conditions hold. The brand's rules stay
    locked until the job commits, so two jobs of one brand take round-robin turns in order."""
    rows = await tx.session.scalars(
        select(DeskRule)
        .where(DeskRule.brand_account_id == brand_id, DeskRule.enabled.is_(True))
        .order_by(DeskRule.position, DeskRule.id)
        .with_for_update()
    )
    return next((r for r in rows if matches(rules.conditions_of(r), facts)), None)


# --- what it does -------------------------------------------------------------------------


async def round_robin(tx: Tx, brand_id: int) -> int:
    """The agent a rule gave a conversation to least recently (never: first; then user id)."""
    agents = sorted(m.user_id for m in await team(tx.session, brand_id) if m.role in AGENTS)
    if not agents:
        raise RuleFailed("round_robin: the brand has no agents")
    rows = await tx.session.execute(
        select(DeskRuleRun.assignee_user_id, func.max(DeskRuleRun.id))
        .where(DeskRuleRun.brand_account_id == brand_id, DeskRuleRun.assignee_user_id.in_(agents))
        .group_by(DeskRuleRun.assignee_user_id)
    )
    last = {int(u): int(latest) for u, latest in rows.all() if u is not None}
    return min(agents, key=lambda user: (last.get(user, 0), user))


async def _named(tx: Tx, brand_id: int, raw: str) -> int:
    user_id = await tx.session.scalar(select(User.id).where(User.account_id == int(raw)))
    role = None if user_id is None else await access.role(tx.session, Actor(brand_id, user_id))
    if user_id is None or role not in access.WORKERS:
        raise RuleFailed("assign: the staff member is no longer on the team")
    return user_id


async def _assign(tx: Tx, rule: DeskRule, found: DeskConversation, raw: str) -> int:
    brand = found.brand_account_id
    user_id = await round_robin(tx, brand) if raw == "round_robin" else await _named(tx, brand, raw)
    previous = found.assignee_user_id
    found.assignee_user_id = user_id
    await tx.session.flush()
    event = DeskAssigned(
        actor=Actor(brand),
        conversation_id=found.id,
        brand_account_id=brand,
        assignee_user_id=user_id,
        previous_user_id=previous,
        rule_id=rule.id,
    )
    await emit(tx, event)
    return user_id


async def _triage(tx: Tx, rule: DeskRule, found: DeskConversation, todo: Actions) -> None:
    if todo.priority is not None:
        found.priority = todo.priority
    if todo.add_labels:
        found.labels = sorted({*(found.labels or ()), *todo.add_labels})
        await catalogue.ensure(tx, found.brand_account_id, todo.add_labels)
    await tx.session.flush()
    event = DeskTriaged(
        actor=Actor(found.brand_account_id),
        conversation_id=found.id,
        brand_account_id=found.brand_account_id,
        priority=found.priority,
        labels=tuple(found.labels or ()),
        rule_id=rule.id,
    )
    await emit(tx, event)


def _first(name: str) -> str:
    return name.split(maxsplit=1)[0] if name.split() else name


async def fill(tx: Tx, found: DeskConversation, text: str) -> str:
    """The auto-reply with the person's and the brand's names."""
    contact = await tx.session.get(Account, found.contact_account_id)
    brand = await tx.session.get(Account, found.brand_account_id)
    name = (contact.display_name or contact.username) if contact else ""
    values = {
        "first_name": _first(name),
        "name": name,
        "username": contact.username if contact else "",
        "brand": (brand.display_name or brand.username) if brand else "",
    }
    return _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


async def _reply(tx: Tx, rule: DeskRule, found: DeskConversation, item: DeskItem, text: str) -> int:
    visibility = "direct" if item.kind == "direct" else "public"
    try:
        status = await actions.publish(
            tx,
            Actor(found.brand_account_id),
            found,
            await fill(tx, found, text),
            visibility,
            rule_id=rule.id,
        )
    except PorinaError as error:  # a refusal (a bug is not a rule failure: the job fails)
        raise RuleFailed(f"reply: {error}") from error
    return status.id


async def apply(tx: Tx, rule: DeskRule, found: DeskConversation, item: DeskItem) -> DeskRuleRun:
    """Do the rule's actions to the conversation, in order, and record the run."""
    todo = rules.actions_of(rule)
    run = DeskRuleRun(
        id=new_id(),
        brand_account_id=found.brand_account_id,
        rule_id=rule.id,
        rule_name=rule.name,
        conversation_id=found.id,
        item_id=item.id,
        done=[],
        created_at=now(),
    )
    done: list[str] = []
    if todo.assign is not None:
        run.assignee_user_id = await _assign(tx, rule, found, todo.assign)
        done.append("assign")
    if todo.priority is not None or todo.add_labels:
        await _triage(tx, rule, found, todo)
        done += ["priority"] * (todo.priority is not None) + ["labels"] * bool(todo.add_labels)
    if todo.reply is not None:
        run.reply_status_id = await _reply(tx, rule, found, item, todo.reply)
        done.append("reply")
    if todo.resolve and found.status != "resolved":
        await actions.change_status(
            tx, Actor(found.brand_account_id), found, "resolved", rule_id=rule.id
        )
        done.append("resolve")
    run.done = done
    tx.session.add(run)
    await tx.session.flush()
    return run


# --- the job --------------------------------------------------------------------------------


async def _load(tx: Tx, payload: dict[str, Any]) -> tuple[DeskConversation, DeskItem] | None:
    found = await tx.session.scalar(
        select(DeskConversation)
        .where(
            DeskConversation.id == int(payload["conversation_id"]),
            DeskConversation.brand_account_id == int(payload["brand_account_id"]),
        )
        .with_for_update()
    )
    item = await tx.session.get(DeskItem, int(payload["item_id"]))
    if found is None or item is None or item.conversation_id != found.id:
        return None
    return found, item


async def _failed(
    ctx: JobContext, rule: tuple[int, str], payload: dict[str, Any], why: str
) -> None:
    log.warning("desk rule %s (%s) failed: %s", rule[0], rule[1], why)
    async with ctx.db.transaction() as tx:
        tx.session.add(
            DeskRuleRun(
                id=new_id(),
                brand_account_id=int(payload["brand_account_id"]),
                rule_id=rule[0],
                rule_name=rule[1],
                conversation_id=int(payload["conversation_id"]),
                item_id=int(payload["item_id"]),
                done=[],
                error=why[:1000],
                created_at=now(),
            )
        )


@handler(JOB)
async def run_rules(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Apply the first matching rule to the item's conversation (see the module)."""
    tried: tuple[int, str] | None = None
    try:
        async with ctx.db.transaction() as tx:
            loaded = await _load(tx, payload)
            if loaded is None:
                return
            found, item = loaded
            facts = await facts_of(tx, found, item)
            rule = await first_match(tx, found.brand_account_id, facts)
            if rule is not None:
                tried = (rule.id, rule.name)
                await apply(tx, rule, found, item)
    except (RuleFailed, PorinaError) as error:
        if tried is not None:
            await _failed(ctx, tried, payload, str(error))
