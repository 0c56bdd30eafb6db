"""``porina.call`` streaming events: a call's signals, sent to the other side's user stream
(``user:{account id}``) once the transaction commits.

The broker message carries the payload as the recipient sees it, built here for that side:
``{"id", "type", "state", "video", "data", "account", "desk_conversation_id"}``, ``account``
being the other side's account: for a brand's side, the brand, never the staff member's own
account (no user id or staff account is ever put in a payload). ``user_id`` (beside the
payload, for the streaming endpoint only) keeps a brand's side to the staff member who placed
or took the call; without it every staff member acting as the brand hears the ring.

``type``: ``ring`` (a new call), the signals ``offer``, ``answer``, ``candidate``,
``decline``, ``hangup``, and ``missed`` (it rang too long) and ``taken`` (a colleague took a
call to the brand: the others stop ringing).
"""

from __future__ import annotations

import json
from typing import Any

from porina.accounts.models import Account
from porina.calls.models import Call
from porina.storage.db import Tx
from porina.streaming.publish import after_commit

EVENT = "porina.call"


def peer_entity(account: Account | None) -> dict[str, Any] | None:
    """The other side as a small account object (id, username, acct, display_name)."""
    if account is None:
        return None
    acct = account.username if account.domain is None else f"{account.username}@{account.domain}"
    return {
        "id": str(account.id),
        "username": account.username,
        "acct": acct,
        "display_name": account.display_name or account.username,
    }


def payload(call: Call, kind: str, data: Any, peer: Account | None) -> dict[str, Any]:
    return {
        "id": str(call.id),
        "type": kind,
        "state": call.state,
        "video": call.video,
        "data": data,
        "account": peer_entity(peer),
        "desk_conversation_id": (
            str(call.desk_conversation_id) if call.desk_conversation_id is not None else None
        ),
    }


async def send(tx: Tx, call: Call, *, to_caller: bool, kind: str, data: Any) -> None:
    """Tell one side of ``call`` about ``kind`` (after commit)."""
    if to_caller:
        recipient, peer_id, user_id = (
            call.caller_account_id,
            call.callee_account_id,
            call.caller_user_id,
        )
    else:
        recipient, peer_id, user_id = (
            call.callee_account_id,
            call.caller_account_id,
            call.callee_user_id,
        )
    peer = await tx.session.get(Account, peer_id)
    body = json.dumps(payload(call, kind, data, peer), ensure_ascii=False)
    extra: dict[str, Any] = {} if user_id is None else {"user_id": str(user_id)}
    after_commit(tx, f"user:{recipient}", EVENT, payload=body, **extra)


async def taken(tx: Tx, call: Call) -> None:
    """A staff member took a call to the brand: every other staff member's ringing stops."""
    peer = await tx.session.get(Account, call.caller_account_id)
    body = json.dumps(payload(call, "taken", None, peer), ensure_ascii=False)
    after_commit(tx, f"user:{call.callee_account_id}", EVENT, payload=body)


def for_reader(message: dict[str, Any], user_id: int | None) -> str | None:
    """The event's payload for a reader of the channel (the person at the keyboard:
    ``user_id``), or None when it is another staff member's."""
    if message.get("event") != EVENT:
        return None
    target = message.get("user_id")
    if target is not None and str(target) != str(user_id):
        return None
    body = message.get("payload")
    return body if isinstance(body, str) else None
