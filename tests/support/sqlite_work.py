"""How much work SQLite does for one prebuilt statement, in virtual-machine instructions: a
count that grows with the rows a plan reads, and does not depend on the machine's speed. Tests
compare it between a small and a large world to show a read does not walk a whole table."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from sqlalchemy.dialects import sqlite

from porina.storage.fastread import Prebuilt


def instructions(database: str, statement: Prebuilt, params: Mapping[str, Any]) -> int:
    """SQLite's instructions for ``statement`` with ``params`` on ``database``, on a connection
    of its own; the second run is counted (the first also parses the schema)."""
    compiled = statement.compiled(sqlite.dialect())
    counted = [0]

    def step() -> int:
        counted[0] += 1
        return 0

    connection = sqlite3.connect(database)
    try:
        connection.execute(compiled.sql, compiled.arguments(params)).fetchall()
        connection.set_progress_handler(step, 1)
        connection.execute(compiled.sql, compiled.arguments(params)).fetchall()
    finally:
        connection.close()
    return counted[0]
