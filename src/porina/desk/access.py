"""Who may work the desk of the brand a token acts as.

The caller is an ``Actor``: the brand (``account_id``) and the staff member at the keyboard
(``user_id``). Their role on the brand (``accounts.operators.role_of``) decides:

- owner, manager, agent — and the names used before the team roles were renamed (admin,
  editor, responder) — work conversations: read them, assign, change status, reply, note;
- analyst reads metrics only: any conversation content is refused (403);
- the brand's desk settings (rules, watches, saved replies, labels) are read by everyone who
  works conversations and written by owners and managers (and admin, editor): ``manager``;
- anyone else acts for no team of that brand. The conversations the desk looks up are
  always those of ``actor.account_id``, so another brand's conversation is a 404, as if it
  did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.operators import role_of
from porina.core.actor import Actor
from porina.core.errors import Forbidden, NotFound

WORKERS = frozenset({"owner", "manager", "agent", "admin", "editor", "responder"})
"""Roles that work conversations, by today's names and by the names before the rename."""
READERS = frozenset({"analyst"})
MANAGERS = frozenset({"owner", "manager", "admin", "editor"})
"""Roles that change the desk's settings, by today's names and by the names before the rename."""
NO_CONTENT = "An analyst can read the desk's metrics but not its conversations"


@dataclass(frozen=True, slots=True)
class Staff:
    """A staff member working ``brand_id``'s desk as ``role``."""

    brand_id: int
    user_id: int
    role: str


async def role(session: AsyncSession, actor: Actor) -> str | None:
    """The caller's role on the brand it acts as (None: no person, or not on the team)."""
    if actor.user_id is None:
        return None
    found = await role_of(session, actor.account_id, actor.user_id)
    return None if found is None else str(found)


async def worker(session: AsyncSession, actor: Actor) -> Staff:
    """The caller as a staff member who may work conversations, or the refusal: 403 for an
    analyst (or a role the desk does not know), 404 for someone on no team of the brand."""
    found = await role(session, actor)
    if found is None or actor.user_id is None:
        raise NotFound()
    if found not in WORKERS:
        raise Forbidden(NO_CONTENT)
    return Staff(actor.account_id, actor.user_id, found)


async def manager(session: AsyncSession, actor: Actor, refusal: str) -> Staff:
    """The caller as a staff member who may change the brand's desk settings (``MANAGERS``),
    or the refusal: ``worker``'s, and 403 with ``refusal`` for someone who works
    conversations but does not manage."""
    staff = await worker(session, actor)
    if staff.role not in MANAGERS:
        raise Forbidden(refusal)
    return staff
