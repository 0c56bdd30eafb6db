"""The desk's actions in the brand's audit log (``accounts.audit``): every action a staff
member takes on the desk — assign, status, reply, a note, triage, a sentiment correction,
saved replies, labels, contacts' tags and notes, service levels, rules, watches — is a row
of the brand's team audit log, as the actions of ``core.events`` are.

``accounts.audit`` records the event types of ``core.events``; the desk's own events live
in ``desk`` (above ``accounts``), so the desk subscribes the same ``record`` to them here.
Left out: ``DeskItemAdded`` (what came in, and the ``sent`` item that repeats
``DeskReplied``). The SLA marks are consequences of time, not actions, and have no person
as actor.

**What a desk rule did** (assign, labels and priority, an auto-reply, resolve: the events
of ``RULE_ACTIONS`` with ``rule_id`` set, acted with no person) is a row too, with the rule
as its actor: no ``user_id``, and ``detail`` ``{"actor": {"rule": {"id", "name"}}}`` (the
rule's name when it acted; ids as strings, as the API's).
"""

from __future__ import annotations

from sqlalchemy import select

from porina.accounts.audit import record
from porina.accounts.models import TeamAudit
from porina.core.clock import now
from porina.core.events import Event
from porina.core.ids import new_id
from porina.desk import events, team_events
from porina.desk.rules_models import DeskRule
from porina.jobs.events import subscribe
from porina.storage.db import Tx

LEFT_OUT = frozenset({"DeskItemAdded"})
RULE_ACTIONS: tuple[type[Event], ...] = (
    events.DeskAssigned,
    events.DeskTriaged,
    events.DeskReplied,
    events.DeskStatusChanged,
)


def staff_action(event: Event) -> bool:
    """A person acting as the brand did it (a rule acts with no person)."""
    actor = event.actor
    return actor is not None and actor.operated and actor.user_id is not None


def rule_action(event: Event) -> bool:
    """A desk rule did it: a rule's id on the event, and no person as its actor."""
    actor = event.actor
    by_person = actor is not None and actor.user_id is not None
    return getattr(event, "rule_id", None) is not None and not by_person


RuleEvent = events.DeskAssigned | events.DeskTriaged | events.DeskReplied | events.DeskStatusChanged


def _target(event: RuleEvent) -> tuple[str, int]:
    if isinstance(event, events.DeskReplied):
        return "status", event.status_id
    return "conversation", event.conversation_id


async def record_rule_action(tx: Tx, event: RuleEvent) -> None:
    """One audit row for what a desk rule did, the rule as its actor."""
    rule_id = event.rule_id
    name = await tx.session.scalar(select(DeskRule.name).where(DeskRule.id == rule_id))
    target_type, target_id = _target(event)
    tx.session.add(
        TeamAudit(
            id=new_id(),
            account_id=event.brand_account_id,
            user_id=None,
            action=type(event).__name__,
            target_type=target_type,
            target_id=target_id,
            detail={"actor": {"rule": {"id": str(rule_id), "name": name}}},
            created_at=now(),
        )
    )


def _kinds() -> list[type[Event]]:
    found: list[type[Event]] = []
    for module in (events, team_events):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Event)
                and value.__module__ == module.__name__
                and value.__name__ not in LEFT_OUT
            ):
                found.append(value)
    return found


for _kind in _kinds():
    subscribe(_kind, when=staff_action)(record)
for _kind in RULE_ACTIONS:
    subscribe(_kind, when=rule_action)(record_rule_action)
