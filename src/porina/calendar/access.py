"""Who may do what in a brand's content calendar, by their role on the brand
(``accounts.operators.role_of``; the names before the rename map as there: admin and editor
are managers, responder is an agent):

- owner, manager: write drafts, submit, and approve, send back, retry and reschedule approved
  posts (``APPROVERS``); a manager may approve their own draft;
- agent: write drafts, edit, submit, reschedule and delete drafts not approved yet
  (``WRITERS``); an agent's post publishes only once a manager approves it;
- analyst: reads the calendar only (403 on any write);
- anyone else (no role on the brand): 404, as if the draft did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from porina.accounts.operators import role_of
from porina.calendar.errors import DraftNotFound, DraftRoleRefused
from porina.core.actor import Actor

APPROVERS = frozenset({"owner", "manager"})
WRITERS = frozenset({"owner", "manager", "agent"})
READERS = frozenset({"owner", "manager", "agent", "analyst"})
ANALYST = "An analyst can read the content calendar but not change it"
NOT_APPROVER = "Only the account's owners and managers can approve, send back or retry posts"


@dataclass(frozen=True, slots=True)
class Staff:
    brand_id: int
    user_id: int
    role: str

    @property
    def approves(self) -> bool:
        return self.role in APPROVERS


async def reader(session: AsyncSession, actor: Actor) -> Staff:
    """The caller as a member of the brand's team, or 404."""
    if actor.user_id is None:
        raise DraftNotFound()
    role = await role_of(session, actor.account_id, actor.user_id)
    if role is None or role not in READERS:
        raise DraftNotFound()
    return Staff(actor.account_id, actor.user_id, str(role))


async def writer(session: AsyncSession, actor: Actor) -> Staff:
    """The caller as a staff member who writes drafts; 403 for an analyst."""
    staff = await reader(session, actor)
    if staff.role not in WRITERS:
        raise DraftRoleRefused(ANALYST)
    return staff


async def approver(session: AsyncSession, actor: Actor) -> Staff:
    """The caller as an owner or manager; 403 for an agent or analyst."""
    staff = await writer(session, actor)
    if not staff.approves:
        raise DraftRoleRefused(NOT_APPROVER)
    return staff
