"""The desk's actions in the brand's audit log (``accounts.audit``): every action a staff
member takes on the desk — assign, status, reply, a note, triage, a sentiment correction,
saved replies, labels, contacts' tags and notes, service levels, rules, watches — is a row
of the brand's team audit log, as the actions of ``core.events`` are.

``accounts.audit`` records the event types of ``core.events``; the desk's own events live
in ``desk`` (above ``accounts``), so the desk subscribes the same ``record`` to them here.
Left out: ``DeskItemAdded`` (what came in, and the ``sent`` item that repeats
``DeskReplied``), and what a desk rule did by itself (``rule_id`` set): no person did it.
The SLA marks are consequences of time, not actions, and have no person as actor.
"""

from __future__ import annotations

from porina.accounts.audit import record
from porina.core.events import Event
from porina.desk import events, team_events
from porina.jobs.events import subscribe

LEFT_OUT = frozenset({"DeskItemAdded"})


def staff_action(event: Event) -> bool:
    """A person acting as the brand did it, not a desk rule."""
    actor = event.actor
    if actor is None or not actor.operated or actor.user_id is None:
        return False
    return getattr(event, "rule_id", None) is None


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
