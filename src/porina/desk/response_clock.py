"""The response clock of one conversation: what the team's answers measure (issue 16, point 5).

The definitions are Chatwoot's (its ``ReportingEventListener``), which Sprout Social's match:

- **first response time**: from the moment the conversation opened (the person's first
  message, or the one that reopened it) to the team's first reply after it;
- **reply time**: for every reply, from the person's oldest message still waiting for an
  answer (``waiting_since``) to that reply — the first reply yields both;
- **resolution time**: from the moment the conversation opened to the moment it was resolved.

A reply or a resolution made by a rule (an auto-reply, an auto-resolve) is not the team's: it
neither stops a clock nor yields a measure. Light items (a like, a boost, a follow) do not
start one. A person's message after a resolution starts a new cycle with a first response of
its own; pending and snoozed stop no clock, and a conversation the team reopens has nothing
waiting until the person writes.

A cycle's start yields an ``opened`` measure (zero seconds), so reports can count the
conversations opened in a period. ``advance(clock, step)`` is a pure fold: the state after
the step and the measures it yields.
``desk.metrics`` stores both per conversation and adds the business-hours figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

MeasureKind = Literal["opened", "first_response", "reply", "resolution"]
StepKind = Literal["incoming", "reply", "resolved"]


@dataclass(frozen=True, slots=True)
class Clock:
    """``opened_at``: when the current cycle opened (None: nothing to answer yet, or resolved);
    ``waiting_since``: the oldest unanswered message; ``answered``: the cycle had its first
    response."""

    opened_at: datetime | None = None
    waiting_since: datetime | None = None
    answered: bool = False


@dataclass(frozen=True, slots=True)
class Step:
    kind: StepKind
    at: datetime
    staff_user_id: int | None = None
    by_rule: bool = False


@dataclass(frozen=True, slots=True)
class Measure:
    kind: MeasureKind
    started_at: datetime
    ended_at: datetime
    staff_user_id: int | None

    @property
    def seconds(self) -> float:
        return max(0.0, (self.ended_at - self.started_at).total_seconds())


def _incoming(clock: Clock, step: Step) -> Clock:
    opened = clock.opened_at or step.at
    waiting = clock.waiting_since or step.at
    answered = clock.answered if clock.opened_at else False
    return Clock(opened, waiting, answered)


def _reply(clock: Clock, step: Step) -> tuple[Clock, list[Measure]]:
    if clock.waiting_since is None or clock.opened_at is None:
        return clock, []
    measures = [Measure("reply", clock.waiting_since, step.at, step.staff_user_id)]
    if not clock.answered:
        measures.insert(0, Measure("first_response", clock.opened_at, step.at, step.staff_user_id))
    return Clock(clock.opened_at, None, True), measures


def _resolved(clock: Clock, step: Step) -> tuple[Clock, list[Measure]]:
    if clock.opened_at is None:
        return Clock(), []
    return Clock(), [Measure("resolution", clock.opened_at, step.at, step.staff_user_id)]


def advance(clock: Clock, step: Step) -> tuple[Clock, list[Measure]]:
    """The clock after ``step`` and the measures it yields (none for a rule's action)."""
    if step.by_rule and step.kind in ("reply", "resolved"):
        return clock, []
    if step.kind == "incoming":
        opened = [] if clock.opened_at else [Measure("opened", step.at, step.at, None)]
        return _incoming(clock, step), opened
    if step.kind == "reply":
        return _reply(clock, step)
    return _resolved(clock, step)
