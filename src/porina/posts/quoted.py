"""The posts that quote posts quote, as one viewer may see them: one statement for a page.

A quote post names the post it quotes (``Status.quote_of_id``). Whether a reader is shown
that post is the same rule as for any post (``visibility.visible_clause``): a quoted post the
reader may not see (private or direct and not addressed to them, an author either of them
blocks, a suspended author) is ``unauthorized``, one that is gone is ``deleted``, and only an
``accepted`` quote of a post the reader may see carries the post. The quoted post's own quote
is read in the same statement (whether its target is alive and visible), so nested quotes
never cost more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from porina.accounts.models import Account, OAuthApp
from porina.posts.models import Poll, Status
from porina.posts.queries import Bundle, StatusRow
from porina.posts.visibility import visible_clause

ACCEPTED = "accepted"
DELETED = "deleted"
UNAUTHORIZED = "unauthorized"

Q: type[Status] = aliased(Status, name="q")
QA = aliased(Account, name="qa")
QP = aliased(Poll, name="qp")
QAPP = aliased(OAuthApp, name="qapp")
N: type[Status] = aliased(Status, name="qn")


@dataclass(frozen=True, slots=True)
class Quoted:
    """A quoted post as one reader sees it: ``bundle`` only when ``state`` is accepted."""

    state: str
    bundle: Bundle | None = None
    nested_state: str | None = None
    """The state of the quoted post's own quote for this reader (None: it quotes nothing)."""
    nested_id: int | None = None
    """What the quoted post quotes, only when ``nested_state`` is accepted."""


def state_for(found: bool, deleted: bool, visible: bool) -> str:
    """A quote's state for a reader: the quoted post is gone, hidden from them, or shown."""
    if not found or deleted:
        return DELETED
    return ACCEPTED if visible else UNAUTHORIZED


async def quoted(
    session: AsyncSession, viewer_id: int | None, ids: Iterable[int]
) -> dict[int, Quoted]:
    """The posts ``ids`` as quoted posts for ``viewer_id`` (None: anonymous), by id; an id
    with no row at all is ``deleted``. One statement."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    statement = (
        select(
            Q,
            QA,
            QP,
            QAPP,
            visible_clause(Q, viewer_id, author=QA).label("visible"),
            exists().where(N.id == Q.quote_of_id, N.deleted_at.is_(None)).label("alive"),
            exists().where(N.id == Q.quote_of_id, visible_clause(N, viewer_id)).label("seen"),
        )
        .join(QA, QA.id == Q.account_id)
        .outerjoin(QP, QP.status_id == Q.id)
        .outerjoin(QAPP, QAPP.id == Q.application_id)
        .where(Q.id.in_(wanted))
    )
    out = {i: Quoted(DELETED) for i in wanted}
    for status, account, poll, app, visible, alive, seen in await session.execute(statement):
        state = state_for(True, status.deleted_at is not None, bool(visible))
        if state != ACCEPTED:
            out[status.id] = Quoted(state)
            continue
        bundle = Bundle(StatusRow(status, account, poll, app), None)
        out[status.id] = _with_nested(bundle, bool(alive), bool(seen))
    return out


def _with_nested(bundle: Bundle, alive: bool, seen: bool) -> Quoted:
    """A visible quoted post, with the state of its own quote for the same reader."""
    status = bundle.entry.status
    if status.quote_of_id is None:
        return Quoted(ACCEPTED, bundle)
    stored = status.quote_state or ACCEPTED
    if stored != ACCEPTED:
        return Quoted(ACCEPTED, bundle, stored)
    nested = state_for(True, not alive, seen)
    nested_id = status.quote_of_id if nested == ACCEPTED else None
    return Quoted(ACCEPTED, bundle, nested, nested_id)
