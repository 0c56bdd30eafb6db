"""Counter columns changed in SQL, never below zero."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import bindparam, update

from porina.storage.db import Tx
from porina.storage.fastread import Prebuilt


@cache
def _bump_statement(model: Any, column: str, *, down: bool) -> Prebuilt:
    """``UPDATE ... SET column = column + delta`` built and compiled once per counter (a
    decrement never goes below zero); the row and the delta are parameters."""
    col = getattr(model, column)
    row = bindparam("porina_row", type_=model.__table__.c.id.type)
    stmt = update(model.__table__).where(model.__table__.c.id == row)
    if down:
        stmt = stmt.where(col > 0)
    return Prebuilt(stmt.values({column: col + bindparam("porina_delta", type_=col.type)}))


async def bump(
    tx: Tx, model: Any, row_id: int, column: str, delta: int, *, refresh: bool = True
) -> None:
    """Add ``delta`` to a counter column in SQL (never below zero), and refresh the object
    if the session holds it (``refresh=False`` when the caller will not read the count)."""
    statement = _bump_statement(model, column, down=delta < 0)
    await tx.run(statement, {"porina_row": row_id, "porina_delta": delta})
    obj = tx.session.identity_map.get(tx.session.identity_key(model, row_id))
    if obj is not None and refresh:
        await tx.session.refresh(obj, [column])
