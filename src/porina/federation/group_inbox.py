"""A remote group's ``Announce`` of its people's activities (FEP-1b12, as Lemmy's communities
send them): taken as the activity itself, sent by its actor, when it can be trusted without a
fetch.

- The group is one a local account follows (joined): no other group's relays are taken.
- The announced activity is embedded, a ``Create``, ``Update`` or ``Delete``, and its actor is
  on the group's own origin (its server speaks for its own people, FEP-fe34): it then goes
  through the same origin checks as one the actor delivered itself (``inbox``) and the same
  handler. A ``Create`` is also the group's boost of the Note, as an ``Announce`` by id is,
  so the local members read it in their home timelines.
- An activity of another origin (a member on a third server) would have to be fetched from
  its origin to be trusted: not yet (it is ignored; the member's own server delivers it to
  the member's followers). A Note addressed only to a group's followers collection (a
  private group's) is not stored here, as any Note addressed to no one known here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from porina.accounts.models import Account, Follow
from porina.federation.remote import origin
from porina.storage.db import Tx

RELAYED = ("Create", "Update", "Delete")


def relayed(activity: dict[str, Any]) -> dict[str, Any] | None:
    """The embedded activity an ``Announce`` relays (None: not one)."""
    inner = activity.get("object")
    if activity.get("type") != "Announce" or not isinstance(inner, dict):
        return None
    return inner if inner.get("type") in RELAYED else None


async def unwrap(tx: Tx, sender: Account, activity: dict[str, Any]) -> Account | None:
    """The actor of the activity ``sender`` (a followed remote group) announces, when the
    announce may stand for it (None: it is not taken)."""
    inner = relayed(activity)
    if inner is None or sender.actor_type != "Group" or sender.domain is None:
        return None
    actor = inner.get("actor")
    if not isinstance(actor, str) or not sender.uri or origin(actor) != origin(sender.uri):
        return None
    followed = await tx.session.scalar(
        select(Follow.id)
        .join(Account, Account.id == Follow.account_id)
        .where(Follow.target_account_id == sender.id, Account.domain.is_(None))
        .limit(1)
    )
    if followed is None:
        return None
    author: Account | None = await tx.session.scalar(select(Account).where(Account.uri == actor))
    return author if author is not None and author.domain is not None else None
