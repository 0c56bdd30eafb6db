"""Reading the status an action is about: one the actor may see, or one of their own."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import BigInteger, bindparam, select

from porina.core.actor import Actor
from porina.posts.errors import (
    NotAllowed,
    StatusNotFound,
)
from porina.posts.models import (
    Status,
)
from porina.posts.visibility import is_visible, visible_clause
from porina.storage.db import Tx
from porina.storage.fastread import Prebuilt


async def get_visible(tx: Tx, viewer_id: int | None, status_id: int) -> Status:
    status = await tx.session.get(Status, status_id)
    if status is None or not await is_visible(tx.session, viewer_id, status):
        raise StatusNotFound()
    return status


async def get_own(tx: Tx, actor: Actor, status_id: int) -> Status:
    status = await tx.session.get(Status, status_id)
    if status is None or status.deleted_at is not None:
        raise StatusNotFound()
    if status.account_id != actor.account_id:
        if await is_visible(tx.session, actor.account_id, status):
            raise NotAllowed("This action is not allowed")
        raise StatusNotFound()
    return status


def thread_of(status: Status | Target) -> int:
    return status.thread_id or status.id


@dataclass(frozen=True, slots=True)
class Target:
    """What an interaction needs of the status it acts on (no ORM object: reading one costs
    an identity-map load and a second statement for its visibility)."""

    id: int
    account_id: int
    visibility: str
    thread_id: int | None
    reblog_of_id: int | None
    local: bool = True
    """Written here (not received from another server)."""


@functools.cache
def _target_statement() -> Prebuilt:
    """The status, and whether the viewer may see it (``visible_clause``: the same rule as
    ``is_visible``), in one row; built once."""
    viewer = bindparam("porina_viewer", type_=BigInteger)
    return Prebuilt(
        select(
            Status.id,
            Status.account_id,
            Status.visibility,
            Status.thread_id,
            Status.reblog_of_id,
            visible_clause(Status, viewer),
            Status.local,
        ).where(Status.id == bindparam("porina_status", type_=BigInteger))
    )


async def visible_target(tx: Tx, viewer_id: int, status_id: int) -> Target:
    """The status ``status_id`` names if the viewer may see it, or the original when it
    names a reblog (both must be visible, as ``get_visible`` requires); else 404. One
    statement (two for a reblog)."""
    found = await _visible_row(tx, viewer_id, status_id)
    if found.reblog_of_id is not None:
        found = await _visible_row(tx, viewer_id, found.reblog_of_id)
    return found


async def _visible_row(tx: Tx, viewer_id: int, status_id: int) -> Target:
    params = {"porina_viewer": viewer_id, "porina_status": status_id}
    row = (await tx.run(_target_statement(), params)).first()
    if row is None or not row[5]:
        raise StatusNotFound()
    return Target(int(row[0]), int(row[1]), str(row[2]), row[3], row[4], bool(row[6]))
