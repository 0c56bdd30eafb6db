"""What happens to a call. ``actor`` is who did it: for a brand's side, the brand's account
with the staff member as ``actor.user_id`` (never shown to the other side)."""

from __future__ import annotations

from porina.core.events import Event


class CallStarted(Event, frozen=True, kw_only=True):
    call_id: int
    caller_account_id: int
    callee_account_id: int
    desk_conversation_id: int | None = None


class CallStateChanged(Event, frozen=True, kw_only=True):
    """``state``: accepted, declined, missed or ended."""

    call_id: int
    state: str
    previous: str
