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
  the member's followers).
- A private group's post: a relayed ``Create`` whose Note is addressed to the group's
  followers collection and neither to ``as:Public`` nor to its author's followers
  (``members_only``, as ``federation/group_posts.py`` sends them) is stored as the group's
  members-only post: visibility ``private`` with ``group_id`` the remote group's account, so
  the local followers of that group (its members here) alone see it (``posts.visibility``),
  and the group does not boost it. Its ``Update`` and ``Delete`` go as any other's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from porina.accounts.models import Account, Follow
from porina.federation.remote import origin
from porina.storage.db import Tx

RELAYED = ("Create", "Update", "Delete")
PUBLIC_NAMES = ("https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public")


def _named(note: dict[str, Any]) -> set[str]:
    named: set[str] = set()
    for key in ("to", "cc"):
        value = note.get(key)
        named.update(
            v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)
        )
    return named


def members_only(group: Account, author: Account, inner: dict[str, Any]) -> dict[str, Any] | None:
    """The Note of a relayed ``Create`` that is a private group's post: addressed to
    ``group``'s followers collection, not to the public nor to ``author``'s followers (None:
    any other activity or Note)."""
    note = inner.get("object")
    if inner.get("type") != "Create" or not isinstance(note, dict) or not group.uri:
        return None
    named = _named(note)
    followers = group.followers_url or f"{group.uri}/followers"
    if followers not in named or named.intersection(PUBLIC_NAMES):
        return None
    return None if author.followers_url and author.followers_url in named else note


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
