"""The inbox: verify a delivery, then hand its activity to the handler for its type.

Verification (``verify_delivery``): the signature, draft-cavage or RFC 9421 (``verify``), the
key fetched by its ``keyId`` through the guarded client (cached as the remote account's key,
fetched again once if the cached one fails: the actor may have rotated it), the key's owner
is the activity's ``actor``, and FEP-fe34's origin rule: the activity's ``id`` and an
embedded object's ``id`` are on the actor's origin. Anything else is refused before a row is
written. Activity types without a handler are accepted and ignored (202), as peers expect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from porina.accounts.models import Account
from porina.core.clock import now
from porina.core.errors import Forbidden
from porina.federation.incoming import HANDLERS
from porina.federation.remote import origin
from porina.federation.verify import key_owner, present, signer
from porina.http.client import OutboundClient
from porina.storage.db import Database, Tx


async def verify_delivery(
    db: Database,
    client: OutboundClient,
    *,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
    activity: dict[str, Any],
) -> Account:
    """The remote account that signed this delivery, or a 401/403 ``PorinaError``."""
    base = db.context.settings.base_url.rstrip("/")
    presented = present(method, target, headers, body, base=base, now=now())
    actor_id = activity.get("actor")
    if not isinstance(actor_id, str) or actor_id != key_owner(presented.key_id):
        raise Forbidden("The signing key does not belong to the activity's actor", code="key_owner")
    _same_origin(activity, actor_id)
    return await signer(db, client, presented)


def _same_origin(activity: dict[str, Any], actor_id: str) -> None:
    """FEP-fe34: what an actor sends is on its own origin (an activity without an id, as
    some servers send for Accept, is let through; its object is checked by the handler).
    ``Create``/``Update`` carry the object itself, its id and author on that origin too;
    ``Delete`` and ``Undo`` may only name objects there (an embedded object's ``actor`` is
    the actor). ``Like``, ``Announce``, ``Follow`` and ``Block`` name others' objects."""
    home = origin(actor_id)
    kind = activity.get("type")
    ids = [activity.get("id")]
    obj = activity.get("object")
    if isinstance(obj, dict) and kind in ("Create", "Update"):
        ids += [obj.get("id"), obj.get("attributedTo")]
    elif kind in ("Delete", "Undo"):
        ids.append(obj.get("id") if isinstance(obj, dict) else obj)
        if isinstance(obj, dict) and obj.get("actor") is not None:
            ids.append(obj.get("actor"))
        if kind == "Delete" and not isinstance(ids[-1], str):
            raise Forbidden("Activity is not on the actor's origin", code="origin_mismatch")
    for value in ids:
        if value is not None and (not isinstance(value, str) or origin(value) != home):
            raise Forbidden("Activity is not on the actor's origin", code="origin_mismatch")


async def receive(tx: Tx, sender: Account, activity: dict[str, Any], base: str) -> None:
    """Run the handler for the activity's type; unknown types are ignored."""
    handle = HANDLERS.get(str(activity.get("type")))
    account = await tx.session.get(Account, sender.id)
    if handle is not None and account is not None:
        await handle(tx, account, activity, base)
