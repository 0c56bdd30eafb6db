"""Typed analytics records, written in the same transaction as the interaction they describe
(queued on the transaction and written in one ``INSERT`` just before it commits). Only the
subscribers in ``analytics/subscribers.py`` record: actions emit domain events instead.

Names are ``domain:object:verb``; only names listed in ``EventName`` can be recorded, so a
typo fails in tests rather than producing an event no chart will ever find.
"""

from __future__ import annotations

from typing import Any, Literal, cast

from sqlalchemy import Table

from porina.analytics.models import AnalyticsEvent
from porina.core.actor import Actor
from porina.core.clock import now
from porina.core.ids import new_id
from porina.storage.db import Tx

EVENTS = cast(Table, AnalyticsEvent.__table__)

EventName = Literal[
    "account:account:create",
    "account:profile:update",
    "account:follow:create",
    "account:follow:delete",
    "account:follow_request:create",
    "account:follow_request:authorize",
    "account:follow_request:reject",
    "account:block:create",
    "account:block:delete",
    "account:mute:create",
    "account:mute:delete",
    "post:status:create",
    "post:status:update",
    "post:status:delete",
    "post:reply:create",
    "post:quote:create",
    "post:direct:create",
    "interaction:favourite:create",
    "interaction:favourite:delete",
    "interaction:reblog:create",
    "interaction:reblog:delete",
    "interaction:bookmark:create",
    "interaction:bookmark:delete",
    "interaction:poll:vote",
    "interaction:pin:create",
    "interaction:pin:delete",
    "moderation:report:create",
    "moderation:report:resolve",
]


def about(name: str, target_id: int | None, data: dict[str, Any] | None) -> int | None:
    """The status an engagement event is about (``analytics_events.about_status_id``)."""
    if name == "post:reply:create":
        return _int((data or {}).get("parent_id"))
    if name == "post:quote:create":
        return _int((data or {}).get("quoted_id"))
    if name.startswith("interaction:") and name.endswith((":create", ":delete")):
        return target_id
    return None


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None


def record(
    tx: Tx,
    name: EventName,
    actor: Actor | None,
    *,
    target_type: str | None = None,
    target_id: int | None = None,
    target_account_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    tx.append(
        EVENTS,
        {
            "about_status_id": about(name, target_id, data),
            "id": new_id(),
            "name": name,
            "actor_account_id": actor.account_id if actor else None,
            "operator_user_id": actor.user_id if actor else None,
            "target_type": target_type,
            "target_id": target_id,
            "target_account_id": target_account_id,
            "data": data or {},
            "created_at": now(),
        },
    )
