"""Ids gathered into one value per group: ``array_agg`` on PostgreSQL, ``group_concat`` on
SQLite, read back as ints by ``ids_of``.

A statement that answers many (group, id) pairs (the streaming hub's "who may see which
status") returns one row per group instead: the driver decodes PostgreSQL's array in C, where
a row per pair cost a Python tuple, two ints and a set insertion each (with 1,000 streams,
a fifth of the serve process's event loop; docs/performance.md, 2026-12-07).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class gathered_ids(FunctionElement[Any]):  # noqa: N801 (an SQL function, named as one)
    """The group's ids in one value (an aggregate: use with ``GROUP BY``)."""

    inherit_cache = True


@compiles(gathered_ids)
def _concat(element: gathered_ids, compiler: SQLCompiler, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)})"


@compiles(gathered_ids, "postgresql")
def _array(element: gathered_ids, compiler: SQLCompiler, **kw: Any) -> str:
    return f"array_agg({compiler.process(element.clauses, **kw)})"


def ids_of(value: Any) -> Iterable[int]:
    """A ``gathered_ids`` value's ids: a list from PostgreSQL, text from SQLite."""
    if isinstance(value, str):
        return map(int, value.split(","))
    return cast(list[int], value)
